// A one-line delivery summary for the alerts list: a small bar and "n of m answered".
import { useTranslation } from 'react-i18next'
import type { AlertSummary } from '#domain/deliveries/list-alerts.ts'
import { ProgressBar } from './progress-panel'
import { useAlertFormat } from './progress-format'

export function ProgressSummary({ summary, fanoutDone }: { summary: AlertSummary; fanoutDone: boolean }) {
  const { t } = useTranslation('alerts')
  const f = useAlertFormat()
  const finished = summary.sent + summary.failed + summary.dead + summary.cancelled
  const counts = {
    channel: 'total', ...summary, finished, sending: 0, retrying: 0, delivered: null, acknowledged: null, ratePerSecond: 0,
  }
  return (
    <div className="summary" data-testid="alert-summary" data-finished={finished} data-targeted={summary.targeted}>
      <ProgressBar counts={counts} label={t('list.progress')} small />
      <span className="muted small">
        {!fanoutDone
          ? t('list.fanningOut')
          : summary.targeted === 0
            ? t('list.summaryNone')
            : t('list.summary', { finished: f.number(finished), targeted: f.number(summary.targeted) })}
      </span>
    </div>
  )
}
