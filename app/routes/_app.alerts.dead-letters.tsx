// The dead-letter list: messages the dispatcher gave up on after the last retry, newest first,
// with the alert, the pseudonymous recipient, the attempts and the provider's last answer.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listDeadLetters } from '#domain/deliveries/list-dead-letters.ts'
import { prisma } from '#domain/runtime.ts'
import { useAlertFormat } from '~/components/alerts/progress-format'
import '~/components/alerts/progress.css'
import { requireUserWithPermission } from '~/utils/auth.server'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'read:alert:any')
  const db = prisma()
  const before = new URL(request.url).searchParams.get('before')
  const page = await listDeadLetters({ prisma: db, before: before && /^\d{1,19}$/.test(before) ? before : null }).catch(asHttpError)
  return { ...page, paged: Boolean(before) }
}

export default function DeadLetters() {
  const { rows, next, paged } = useLoaderData<typeof loader>()
  const { t } = useTranslation('alerts')
  const f = useAlertFormat()
  return (
    <main className="page stack dead-letters" data-testid="dead-letters-page">
      <Link to="/alerts">← {t('progress.back')}</Link>
      <h1>{t('deadLetters.heading')}</h1>
      <p className="muted">{t('deadLetters.hint')}</p>
      {rows.length === 0 ? (
        <p className="muted" data-testid="dead-letters-empty">{t('deadLetters.empty')}</p>
      ) : (
        <div className="table-wrap card" style={{ padding: 0 }}>
          <table className="data" data-testid="dead-letters-table">
            <thead>
              <tr>
                <th>{t('deadLetters.time')}</th>
                <th>{t('deadLetters.alert')}</th>
                <th>{t('deadLetters.recipient')}</th>
                <th>{t('deadLetters.attempts')}</th>
                <th>{t('deadLetters.lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="dead-letter-row">
                  <td className="small">{f.time(r.at)}</td>
                  <td>
                    <Link to={`/alerts/${r.alertId}/progress?status=DEAD#report`}>{f.headline(r.headlines) ?? r.identifier}</Link>
                    <div className="muted small">{t(`list.capStatus.${r.alertStatus}`)}</div>
                  </td>
                  <td>
                    <code>{r.recipient}</code>
                    <div className="muted small">{t(`progress.channel.${r.channel}`, { defaultValue: r.channel })}</div>
                  </td>
                  <td>
                    {r.attempts}
                    <div>
                      <span className={`status-pill st-${r.status}`}>{t(`report.deliveryStatus.${r.status}`)}</span>
                    </div>
                  </td>
                  <td className="small">
                    {r.lastHttpStatus ? <strong>{r.lastHttpStatus} </strong> : null}
                    <span className="muted">{r.lastError}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager">
        {paged ? <Link to="/alerts/dead-letters">{t('deadLetters.first')}</Link> : null}
        {next ? <Link to={`/alerts/dead-letters?before=${next}`}>{t('deadLetters.older')} →</Link> : null}
      </nav>
    </main>
  )
}
