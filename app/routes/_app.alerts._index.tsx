// The alerts list: issued alerts of the territory, newest first, with their delivery summary
// (live: a new alert appears when it is issued, and the summaries of alerts still going out follow
// their progress), the drafts waiting for a decision (approval, CAP received as draft) so
// approvers find them, and the way to the composer and the dead-letter list.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRevalidator } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { can } from '#domain/auth/policy.ts'
import type { AlertProgress } from '#domain/deliveries/get-alert-progress.ts'
import { listAlerts, type AlertSummary } from '#domain/deliveries/list-alerts.ts'
import { readRealtimeCursor } from '#domain/realtime/read-realtime-events.ts'
import { prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { useAlertFormat } from '~/components/alerts/progress-format'
import { ProgressSummary } from '~/components/alerts/progress-summary'
import '~/components/alerts/progress.css'
import { useRealtime } from '~/components/realtime'
import { requireUserWithPermission } from '~/utils/auth.server'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:alert:any')
  const db = prisma()
  const realtimeCursor = (await readRealtimeCursor({ prisma: db })).toString()
  const territory = await getDefaultTerritory({ prisma: db })
  const before = new URL(request.url).searchParams.get('before')
  const list = territory
    ? await listAlerts({ prisma: db, territoryId: territory.id, before: before || null }).catch(asHttpError)
    : { alerts: [], older: null, drafts: [] }
  return {
    territoryId: territory?.id ?? null,
    realtimeCursor,
    paged: Boolean(before),
    ...list,
    mayCompose: can(user.role, 'create:alert:any') || can(user.role, 'create:alert:exercise'),
  }
}

export default function AlertsList() {
  const { alerts, drafts, older, paged, territoryId, realtimeCursor, mayCompose } = useLoaderData<typeof loader>()
  const { t } = useTranslation('alerts')
  const f = useAlertFormat()
  const revalidator = useRevalidator()
  const [since] = useState(realtimeCursor)
  const [live, setLive] = useState<Record<string, { summary: AlertSummary; fanoutDone: boolean; at: string }>>({})
  const going = alerts.filter((a) => !a.fanoutDone || a.summary.pending > 0).map((a) => `alert:${a.id}`)
  useRealtime(territoryId ? [`territory:${territoryId}`, ...going] : [], (event) => {
    if (event.type === 'alert.progress') {
      const p = event.payload as AlertProgress
      const { targeted, sent, failed, dead, pending, cancelled } = p.total
      setLive((cur) => ({ ...cur, [p.alertId]: { summary: { targeted, sent, failed, dead, pending, cancelled }, fanoutDone: p.fanout === 'done', at: p.at } }))
    } else if (event.type.startsWith('alert.') || event.type.startsWith('draft.')) {
      revalidator.revalidate()
    }
  }, { since })
  return (
    <main className="page stack" data-testid="alerts-page">
      <div className="alerts-head">
        <h1>{t('list.heading')}</h1>
        <div className="links">
          <Link className="btn" to="/alerts/dead-letters" data-testid="dead-letters-link">{t('list.deadLetters')}</Link>
          {mayCompose ? <Link className="btn btn-primary" to="/alerts/new" data-testid="compose-link">{t('list.compose')}</Link> : null}
        </div>
      </div>

      <section className="stack" aria-labelledby="awaiting-heading" data-testid="awaiting">
        <h2 id="awaiting-heading">{t('list.awaiting.heading')}</h2>
        <p className="muted small">{t('list.awaiting.hint')}</p>
        {drafts.length === 0 ? (
          <p className="muted">{t('list.awaiting.empty')}</p>
        ) : (
          <ul className="awaiting-list">
            {drafts.map((d) => (
              <li key={d.id} data-testid="awaiting-item">
                <span>
                  <span className="badge">{t(`list.draftKind.${d.state === 'AWAITING_APPROVAL' ? 'AWAITING_APPROVAL' : 'CAP_API'}`)}</span>{' '}
                  {d.status ? <span className={`badge cap-${d.status}`}>{t(`list.capStatus.${d.status}`, { defaultValue: d.status })}</span> : null}{' '}
                  <strong>{f.headline(d.headlines) ?? t('list.noHeadline')}</strong>{' '}
                  <span className="muted small">
                    {d.submittedAt ? t('list.awaiting.submitted', { time: f.dateTime(d.submittedAt) }) : t('list.awaiting.received', { time: f.dateTime(d.createdAt) })}
                  </span>
                </span>
                <Link className="btn btn-small" to={`/alerts/drafts/${d.id}`}>{t('list.awaiting.open')}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="stack" aria-labelledby="issued-heading">
        <h2 id="issued-heading" className="visually-hidden">{t('list.heading')}</h2>
        {alerts.length === 0 ? (
          <p className="muted" data-testid="alerts-empty">{t('list.empty')}</p>
        ) : (
          <div className="table-wrap card" style={{ padding: 0 }}>
            <table className="data alerts-table" data-testid="alerts-table">
              <thead>
                <tr>
                  <th>{t('list.issued')}</th>
                  <th>{t('list.headline')}</th>
                  <th>{t('list.status')}</th>
                  <th>{t('progress.details.severity')}</th>
                  <th>{t('list.progress')}</th>
                </tr>
              </thead>
              <tbody>
                {alerts.map((a) => {
                  const current = live[a.id] ?? { summary: a.summary, fanoutDone: a.fanoutDone }
                  return (
                    <tr key={a.id} data-testid="alert-row" data-id={a.id}>
                      <td className="small nowrap">{f.time(a.createdAt)}</td>
                      <td className="headline">
                        <Link to={`/alerts/${a.id}/progress`}>{f.headline(a.headlines) ?? a.identifier}</Link>
                        <div className="muted small">
                          {t(`list.msgType.${a.msgType}`)}
                          {a.superseded ? ` · ${t('list.superseded')}` : ''}
                        </div>
                      </td>
                      <td><span className={`badge cap-${a.status}`}>{t(`list.capStatus.${a.status}`)}</span></td>
                      <td><span className={`badge sev-${a.severity}`}>{t(`list.severity.${a.severity}`)}</span></td>
                      <td><ProgressSummary summary={current.summary} fanoutDone={current.fanoutDone} /></td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
        <nav className="pager">
          {paged ? <Link to="/alerts">{t('list.newest')}</Link> : null}
          {older ? <Link to={`/alerts?before=${older}`} data-testid="alerts-older">{t('list.older')} →</Link> : null}
        </nav>
      </section>
    </main>
  )
}
