// The CAP message as issued, on the progress page: the alert's fields, then one block per
// language (event, urgency, severity, certainty, onset/expires, headline, description,
// instruction, areas).
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { IssuedAlert } from '#domain/deliveries/get-issued-alert.ts'
import { useAlertFormat } from './progress-format'

export function CapDetails({ alert }: { alert: IssuedAlert }) {
  const { t } = useTranslation('alerts')
  const f = useAlertFormat()
  const cap = alert.cap
  const row = (key: string, value: React.ReactNode) =>
    value === null || value === undefined || value === '' ? null : (
      <>
        <dt>{t(`progress.details.${key}`)}</dt>
        <dd>{value}</dd>
      </>
    )
  return (
    <div data-testid="cap-details">
      <dl className="cap-details">
        {row('identifier', <code>{cap.identifier}</code>)}
        {row('sender', cap.sender)}
        {row('sent', cap.sent)}
        {row('status', cap.status)}
        {row('msgType', cap.msgType)}
        {row('scope', cap.scope)}
        {row('issuedBy', alert.createdBy)}
        {row('approvedBy', alert.approvedBy)}
        {row(
          'references',
          alert.references.length ? (
            <ul className="plain">
              {alert.references.map((r) => (
                <li key={r.id}>
                  <Link to={`/alerts/${r.id}/progress`}>{r.identifier}</Link>
                </li>
              ))}
            </ul>
          ) : null,
        )}
        {row('channels', alert.channels.map((c) => t(`progress.channel.${c}`, { defaultValue: c })).join(', '))}
      </dl>
      {cap.info.map((info) => (
        <div className="cap-info" key={info.language} lang={info.language}>
          <h3>
            {info.language} · {info.headline ?? info.event}
          </h3>
          <dl className="cap-details">
            {row('event', info.event)}
            {row('urgency', info.urgency)}
            {row('severity', info.severity)}
            {row('certainty', info.certainty)}
            {row('onset', info.onset ? f.dateTime(info.onset) : null)}
            {row('expires', info.expires ? f.dateTime(info.expires) : null)}
            {row('description', info.description ? <span className="cap-text">{info.description}</span> : null)}
            {row('instruction', info.instruction ? <span className="cap-text">{info.instruction}</span> : null)}
            {row('area', info.area.map((a) => a.areaDesc).join('; '))}
          </dl>
        </div>
      ))}
    </div>
  )
}
