// Delivery progress of one alert: a bar per channel (sent, failed, dead letters, cancelled, still
// pending) with the numbers and the rate, and what "sent" and "delivered" mean for the channel.
import { useTranslation } from 'react-i18next'
import type { AlertProgress, ChannelProgress } from '#domain/deliveries/get-alert-progress.ts'
import { useAlertFormat } from './progress-format'
import './progress.css'

const segments = ['sent', 'failed', 'dead', 'cancelled', 'pending'] as const

export function progressPercent(p: Pick<ChannelProgress, 'targeted' | 'finished'>): number {
  return p.targeted === 0 ? 0 : Math.floor((p.finished / p.targeted) * 100)
}

export function ProgressBar({ counts, label, small = false }: { counts: ChannelProgress; label: string; small?: boolean }) {
  const percent = progressPercent(counts)
  return (
    <div
      className={`progress-bar${small ? ' progress-bar-small' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid="progress-bar"
    >
      {counts.targeted > 0
        ? segments.map((s) =>
            counts[s] > 0 ? <span key={s} className={`seg seg-${s}`} style={{ width: `${(counts[s] / counts.targeted) * 100}%` }} /> : null,
          )
        : null}
    </div>
  )
}

function ChannelBlock({ counts, title, testId, showRate }: { counts: ChannelProgress; title: string; testId: string; showRate: boolean }) {
  const { t } = useTranslation('alerts')
  const f = useAlertFormat()
  const percent = progressPercent(counts)
  const cell = (key: (typeof segments)[number] | 'targeted', value: number) => (
    <div className={`stat stat-${key}`} data-testid={`${testId}-${key}`} data-value={value}>
      <span className="stat-label">
        {key !== 'targeted' ? <span className={`swatch seg-${key}`} aria-hidden="true" /> : null}
        {t(`progress.${key}`)}
      </span>
      <span className="stat-value">{f.number(value)}</span>
    </div>
  )
  return (
    <section className="progress-channel" data-testid={testId} data-percent={percent} aria-label={title}>
      <div className="progress-head">
        <h3>{title}</h3>
        <span className="progress-percent" data-testid={`${testId}-percent`}>
          {t('progress.percent', { percent: f.number(percent) })}
        </span>
      </div>
      <ProgressBar counts={counts} label={title} />
      <div className="progress-stats">
        {cell('targeted', counts.targeted)}
        {cell('sent', counts.sent)}
        <div className="stat stat-delivered" data-testid={`${testId}-delivered`}>
          <span className="stat-label">{t('progress.delivered')}</span>
          <span className="stat-value muted">{counts.delivered === null ? t('progress.notReported') : f.number(counts.delivered)}</span>
        </div>
        {counts.acknowledged !== null && counts.acknowledged !== undefined ? (
          <div className="stat stat-acknowledged" data-testid={`${testId}-acknowledged`}>
            <span className="stat-label">{t('progress.acknowledged')}</span>
            <span className="stat-value">{f.number(counts.acknowledged)}</span>
          </div>
        ) : null}
        {cell('failed', counts.failed)}
        {cell('dead', counts.dead)}
        {cell('cancelled', counts.cancelled)}
        {cell('pending', counts.pending)}
      </div>
      <div className="progress-foot muted small">
        {showRate ? <span data-testid={`${testId}-rate`}>{t('progress.rate', { rate: f.decimal(counts.ratePerSecond) })}</span> : null}
        {counts.sending > 0 ? <span>{t('progress.sending', { count: counts.sending })}</span> : null}
        {counts.retrying > 0 ? <span>{t('progress.retrying', { count: counts.retrying })}</span> : null}
      </div>
    </section>
  )
}

export function ProgressPanel({ progress }: { progress: AlertProgress }) {
  const { t } = useTranslation('alerts')
  const showRate = !progress.complete
  return (
    <div className="progress-panel" data-testid="progress" data-complete={progress.complete} data-fanout={progress.fanout}>
      <p className={`progress-state ${progress.complete ? 'is-complete' : 'is-running'}`} data-testid="progress-state" role="status">
        {progress.complete ? t('progress.complete') : progress.fanout === 'running' ? t('progress.fanoutRunning') : t('progress.sending_state')}
      </p>
      {progress.channels.length > 1 ? (
        <ChannelBlock counts={progress.total} title={t('progress.total')} testId="progress-total" showRate={showRate} />
      ) : null}
      {progress.channels.map((c) => (
        <ChannelBlock
          key={c.channel}
          counts={c}
          title={t(`progress.channel.${c.channel}`, { defaultValue: c.channel })}
          testId={`progress-${c.channel}`}
          showRate={showRate}
        />
      ))}
      {progress.channels.some((c) => c.delivered === null) ? <p className="muted small progress-note">{t('progress.sentNote')}</p> : null}
    </div>
  )
}
