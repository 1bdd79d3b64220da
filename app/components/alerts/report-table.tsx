// The delivery report of one alert, one page: a row per recipient × channel, its attempts in
// order (time, result, HTTP status, the provider's answer). Recipients are pseudonyms.
import { useTranslation } from 'react-i18next'
import type { ReportRow } from '#domain/deliveries/list-delivery-report.ts'
import { useAlertFormat } from './progress-format'
import './progress.css'

export function ReportTable({ rows }: { rows: ReportRow[] }) {
  const { t } = useTranslation('alerts')
  const f = useAlertFormat()
  if (rows.length === 0) return <p className="muted" data-testid="report-empty">{t('report.empty')}</p>
  return (
    <div className="table-wrap card" style={{ padding: 0 }}>
      <table className="data report-table" data-testid="report-table">
        <thead>
          <tr>
            <th>{t('report.recipient')}</th>
            <th>{t('report.channel')}</th>
            <th>{t('report.status')}</th>
            <th>{t('report.attempts')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="report-row" data-status={row.status}>
              <td>
                <code data-testid="report-recipient">{row.recipient}</code>
                <div className="muted small">{row.service ?? t('report.serviceGone')}</div>
              </td>
              <td className="nowrap">{t(`progress.channel.${row.channel}`, { defaultValue: row.channel })}</td>
              <td>
                <span className={`status-pill st-${row.status}`}>{t(`report.deliveryStatus.${row.status}`)}</span>
              </td>
              <td>
                {row.attempts.length === 0 ? (
                  <span className="muted small">
                    {t('report.noAttempts')}
                    {row.lastError ? ` · ${row.lastError}` : ''}
                  </span>
                ) : (
                  <ol className="attempts">
                    {row.attempts.map((a) => (
                      <li key={a.attempt + a.at} data-testid="report-attempt" data-result={a.result}>
                        <span className="muted">{a.attempt}.</span>
                        <time dateTime={a.at}>{f.time(a.at)}</time>
                        <span>{t(`report.result.${a.result}`, { defaultValue: a.result })}</span>
                        <span>{a.httpStatus ?? ''}</span>
                        <span className="detail">{a.detail ?? ''}</span>
                      </li>
                    ))}
                  </ol>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
