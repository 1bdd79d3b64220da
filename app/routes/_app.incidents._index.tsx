// All incidents of the territory, open, closed or both (?show=open|closed|all), newest activity
// first.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRevalidator } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { listIncidents, type IncidentListFilter } from '#domain/incidents/list-incidents.ts'
import { readRealtimeCursor } from '#domain/realtime/read-realtime-events.ts'
import { prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { SeverityBadge, StatusBadge } from '~/components/incidents/badges'
import { useFormat } from '~/components/incidents/format'
import { useRealtime } from '~/components/realtime'
import { requireUserWithPermission } from '~/utils/auth.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const filters: IncidentListFilter[] = ['open', 'closed', 'all']

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'read:incident:any')
  const db = prisma()
  const realtimeCursor = (await readRealtimeCursor({ prisma: db })).toString()
  const show = new URL(request.url).searchParams.get('show')
  const filter: IncidentListFilter = filters.includes(show as IncidentListFilter) ? (show as IncidentListFilter) : 'open'
  const territory = await getDefaultTerritory({ prisma: db })
  const incidents = territory ? await listIncidents({ prisma: db, territoryId: territory.id, filter }) : []
  return {
    territoryId: territory?.id ?? null,
    filter,
    realtimeCursor,
    incidents: incidents.map(({ id, reference, title, type, severity, status, updatedAt, closedAt }) => ({
      id,
      reference,
      title,
      type,
      severity,
      status,
      updatedAt,
      closedAt,
    })),
  }
}

export default function IncidentsList() {
  const { incidents, filter, territoryId, realtimeCursor } = useLoaderData<typeof loader>()
  const { t } = useTranslation('incidents')
  const format = useFormat()
  const revalidator = useRevalidator()
  const [since] = useState(realtimeCursor)
  useRealtime(territoryId ? [`territory:${territoryId}`] : [], () => revalidator.revalidate(), { since })
  return (
    <main className="page stack">
      <div className="side-head">
        <div>
          <h1>{t('list.heading')}</h1>
          <div className="muted small" data-testid="incident-count">
            {t('list.count', { count: incidents.length })}
          </div>
        </div>
        <nav className="filters" aria-label={t('list.filter')}>
          {filters.map((f) => (
            <Link key={f} to={`?show=${f}`} className="btn btn-small" aria-current={f === filter ? 'page' : undefined} data-testid={`filter-${f}`}>
              {t(`list.filters.${f}`)}
            </Link>
          ))}
        </nav>
      </div>
      {incidents.length === 0 ? (
        <p className="muted">{t('list.empty')}</p>
      ) : (
        <div className="table-wrap card" style={{ padding: 0 }}>
          <table className="data" data-testid="incident-table">
            <thead>
              <tr>
                <th>{t('fields.reference')}</th>
                <th>{t('fields.title')}</th>
                <th>{t('fields.type')}</th>
                <th>{t('fields.severity')}</th>
                <th>{t('fields.status')}</th>
                <th>{t('fields.updatedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id} data-testid="incident-row" data-reference={i.reference}>
                  <td className="small">{i.reference}</td>
                  <td>
                    <Link to={`/incidents/${i.id}`}>{i.title}</Link>
                  </td>
                  <td className="small">{t(`types.${i.type}`)}</td>
                  <td>
                    <SeverityBadge severity={i.severity} />
                  </td>
                  <td>
                    <StatusBadge status={i.status} />
                  </td>
                  <td className="small">
                    <time dateTime={i.updatedAt}>{format.short(i.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  )
}
