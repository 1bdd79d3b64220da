// Material reserves overview: warehouses on the territory map, what needs attention (below the
// minimum, expiring or expired), and the reserves report per warehouse, with CSV export.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { getReservesReport } from '#domain/reserves/get-reserves-report.ts'
import { listBelowMinimum } from '#domain/reserves/list-below-minimum.ts'
import { listExpiringLots } from '#domain/reserves/list-expiring-lots.ts'
import { listWarehouses } from '#domain/reserves/list-warehouses.ts'
import { prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { ExpiryBadge } from '~/components/reserves/expiry-badge'
import { useReservesFormat } from '~/components/reserves/format'
import { ReservesTabs } from '~/components/reserves/reserves-tabs'
import { WarehouseMap } from '~/components/reserves/warehouse-map'
import { requireUserWithPermission } from '~/utils/auth.server'
import '~/components/reserves/reserves.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:reserves:any')
  const db = prisma()
  const actor = userActor(user)
  const territory = await getDefaultTerritory({ prisma: db })
  const territoryId = territory?.id
  const [warehouses, report, below, expiring] = await Promise.all([
    listWarehouses({ prisma: db, actor, territoryId }),
    getReservesReport({ prisma: db, actor, territoryId }),
    listBelowMinimum({ prisma: db, actor, territoryId }),
    listExpiringLots({ prisma: db, actor }),
  ])
  const inTerritory = new Set(warehouses.map((w) => w.id))
  return {
    boundary: territory?.boundary ?? null,
    warehouses,
    report: report.rows,
    generatedAt: report.generatedAt,
    below,
    expiring: expiring.filter((l) => inTerritory.has(l.warehouseId)),
    canIssue: can(user.role, 'issue:reserves:any'),
  }
}

export default function ReservesOverview() {
  const { boundary, warehouses, report, below, expiring, canIssue } = useLoaderData<typeof loader>()
  const { t } = useTranslation('reserves')
  const f = useReservesFormat()
  const belowWarehouses = new Set(below.map((b) => b.warehouseId))
  const byWarehouse = warehouses.map((w) => ({ warehouse: w, rows: report.filter((r) => r.warehouseId === w.id) }))
  return (
    <main className="rsv-page" data-testid="reserves-overview">
      <div className="rsv-head">
        <div>
          <h1>{t('overview.heading')}</h1>
          <p className="rsv-muted">{t('overview.summary', { warehouses: warehouses.length, below: below.length, expiring: expiring.length })}</p>
        </div>
        <a href="/reserves/export.csv" className="btn rsv-noprint" download data-testid="report-csv">
          {t('overview.exportReport')}
        </a>
      </div>
      <ReservesTabs canIssue={canIssue} />
      <div className="rsv-grid">
        <section className="rsv-card">
          <h2>{t('overview.map')}</h2>
          {boundary ? (
            <WarehouseMap boundary={boundary} warehouses={warehouses.map((w) => ({ ...w, below: belowWarehouses.has(w.id) }))} />
          ) : (
            <p className="rsv-muted">{t('overview.noTerritory')}</p>
          )}
        </section>
        <div className="rsv-form">
          <section className="rsv-card" data-testid="below-minimum">
            <h2>{t('overview.belowMinimum')}</h2>
            {below.length === 0 ? (
              <p className="rsv-muted">{t('overview.noneBelow')}</p>
            ) : (
              <ul className="rsv-list">
                {below.map((r) => (
                  <li key={`${r.warehouseId}:${r.item.id}`}>
                    <span>
                      <Link to={`/reserves/card?item=${r.item.id}&warehouse=${r.warehouseId}`}>{f.name(r.item.names)}</Link>
                      <br />
                      <span className="rsv-muted">{r.warehouseName}</span>
                    </span>
                    <span className="num">
                      <span className="rsv-badge below">{t('overview.missing', { quantity: f.quantity(r.missing, r.item.unit) })}</span>
                      <br />
                      <span className="rsv-muted">
                        {f.number(r.usable)} / {f.quantity(r.minimum, r.item.unit)}
                      </span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="rsv-card" data-testid="expiring-lots">
            <h2>{t('overview.expiring')}</h2>
            {expiring.length === 0 ? (
              <p className="rsv-muted">{t('overview.noneExpiring')}</p>
            ) : (
              <ul className="rsv-list">
                {expiring.map((l) => (
                  <li key={l.lotId}>
                    <span>
                      <Link to={`/reserves/stock?warehouse=${l.warehouseId}`}>{f.name(l.itemNames)}</Link> · {l.warehouseName}
                      <br />
                      <span className="rsv-muted">{t('overview.lotSource', { source: l.source })}</span>
                    </span>
                    <span className="num">
                      <ExpiryBadge state={l.expiry} /> {f.day(l.expiresOn)}
                      <br />
                      <span className="rsv-muted">{f.quantity(l.quantity, l.unit)}</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <p className="rsv-muted">{t('overview.rotationHint')}</p>
          </section>
        </div>
      </div>
      <section className="rsv-card">
        <h2>{t('overview.report')}</h2>
        <div className="rsv-table-wrap">
          <table className="rsv-table" data-testid="reserves-report">
            <thead>
              <tr>
                <th>{t('fields.item')}</th>
                <th>{t('fields.category')}</th>
                <th className="num">{t('report.usable')}</th>
                <th className="num">{t('report.expiringSoon')}</th>
                <th className="num">{t('report.expired')}</th>
                <th className="num">{t('report.minimum')}</th>
                <th>{t('report.nearestExpiry')}</th>
              </tr>
            </thead>
            <tbody>
              {byWarehouse.map(({ warehouse, rows }) => [
                <tr key={warehouse.id} className="rsv-group">
                  <td colSpan={7}>
                    <Link to={`/reserves/stock?warehouse=${warehouse.id}`}>{warehouse.name}</Link>{' '}
                    <span className="rsv-muted">· {warehouse.address}</span>
                  </td>
                </tr>,
                ...rows.map((r) => (
                  <tr key={`${warehouse.id}:${r.item.id}`} data-testid="report-row">
                    <td>
                      <Link to={`/reserves/card?item=${r.item.id}`}>{f.name(r.item.names)}</Link>
                    </td>
                    <td>{t(`categories.${r.item.category}`)}</td>
                    <td className="num">{f.quantity(r.usable, r.item.unit)}</td>
                    <td className="num">{r.expiringSoon ? f.number(r.expiringSoon) : '—'}</td>
                    <td className={`num${r.expired ? ' rsv-neg' : ''}`}>{r.expired ? f.number(r.expired) : '—'}</td>
                    <td className="num">
                      {r.minimum ? f.number(r.minimum) : '—'} {r.belowMinimum ? <span className="rsv-badge below">{t('report.below')}</span> : null}
                    </td>
                    <td>{f.day(r.nearestExpiry)}</td>
                  </tr>
                )),
              ])}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  )
}
