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
    <>
      {rows.some((r) => r.channel === 'phone') ? <p className="muted small" data-testid="report-phone-hint">{t('report.phoneHint')}</p> : null}
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
                  {row.recipientLabel !== null ? <strong data-testid="report-recipient-label">{row.recipientLabel} </strong> : null}
                  <code data-testid="report-recipient">{row.recipient}</code>
                  {row.channel === 'webpush' ? <div className="muted small">{row.service ?? t('report.serviceGone')}</div> : null}
                </td>
                <td className="nowrap">{t(`progress.channel.${row.channel}`, { defaultValue: row.channel })}</td>
                <td>
                  <span className={`status-pill st-${row.status}`}>{t(`report.deliveryStatus.${row.status}`)}</span>
                  {row.receipt ? (
                    <div className={`small receipt receipt-${row.receipt.status}`} data-testid="report-receipt" data-receipt={row.receipt.status}>
                      {t(`report.receipt.${row.receipt.status}`, { defaultValue: row.receipt.status })}
                      {row.receipt.at ? <> · <time dateTime={row.receipt.at}>{f.time(row.receipt.at)}</time></> : null}
                    </div>
                  ) : null}
                  {row.deviceAcks ? (
                    <div className="small" data-testid="report-device-acks" aria-label={t('report.deviceAcks.heading')}>
                      {row.deviceAcks.length === 0 ? (
                        <span className="muted">{t('report.deviceAcks.none')}</span>
                      ) : (
                        <ul className="device-acks">
                          {row.deviceAcks.map((a) => (
                            <li key={`${a.username} ${a.status}`} data-testid="report-device-ack" data-ack={a.status}>
                              {a.device} · {t(`report.deviceAck.${a.status}`, { defaultValue: a.status })} · <time dateTime={a.at}>{f.time(a.at)}</time>
                              {a.detail ? <span className="muted"> · {a.detail}</span> : null}
                            </li>
                          ))}
                        </ul>
                      )}
                    </div>
                  ) : null}
                </td>
                <td>
                  {row.attempts.length === 0 ? (
                    <span className="muted small">
                      {t('report.noAttempts')}
                      {row.lastError ? ` · ${row.lastError}` : ''}
                    </span>
                  ) : (
                    <ol className="attempts">
                      {row.attempts.map((a, i) => (
                        // an SMS receipt can share its attempt number and second with the send
                        <li key={`${i} ${a.attempt} ${a.at}`} data-testid="report-attempt" data-result={a.result}>
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
    </>
  )
}
