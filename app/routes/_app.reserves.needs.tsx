// The needs calculator, printable: for N people for a number of hours (72 by default), from the
// catalogue's norms — needed, on hand and where (nearest first from a shelter or an incident when
// one is chosen), what to take from each warehouse, and the shortfall.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { calculateNeeds } from '#domain/reserves/calculate-needs.ts'
import { listIssueTargets } from '#domain/reserves/list-issue-targets.ts'
import { listWarehouses } from '#domain/reserves/list-warehouses.ts'
import { prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { Field } from '~/components/app-shell'
import { useFormat } from '~/components/incidents/format'
import { useReservesFormat } from '~/components/reserves/format'
import { ReservesTabs } from '~/components/reserves/reserves-tabs'
import { WarehouseMap } from '~/components/reserves/warehouse-map'
import { requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields } from '~/utils/form'
import '~/components/reserves/reserves.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:reserves:any')
  const db = prisma()
  const actor = userActor(user)
  const url = new URL(request.url)
  const territory = await getDefaultTerritory({ prisma: db })
  const [origins, warehouses] = await Promise.all([
    listIssueTargets({ prisma: db, actor, territoryId: territory?.id }),
    listWarehouses({ prisma: db, actor, territoryId: territory?.id, activeOnly: true }),
  ])
  const originKey = url.searchParams.get('from') ?? ''
  const origin = origins.find((o) => `${o.kind}:${o.id}` === originKey) ?? null
  const input = { people: url.searchParams.get('people') ?? '100', hours: url.searchParams.get('hours') || undefined, lng: origin?.point?.[0], lat: origin?.point?.[1] }
  let needs = null
  let errors: Record<string, string> = {}
  try {
    needs = await calculateNeeds({ prisma: db, actor, input, territoryId: territory?.id })
  } catch (error) {
    const fields = appErrorFields(error)
    if (!fields) throw error
    errors = fields
  }
  return {
    needs,
    errors,
    form: { people: input.people, hours: input.hours ?? '72', from: origin ? originKey : '' },
    origin,
    origins: origins.filter((o) => o.point),
    boundary: territory?.boundary ?? null,
    warehouses,
    generatedAt: new Date().toISOString(),
    canIssue: can(user.role, 'issue:reserves:any'),
  }
}

export default function NeedsCalculator() {
  const { needs, errors, form, origin, origins, boundary, warehouses, generatedAt, canIssue } = useLoaderData<typeof loader>()
  const { t } = useTranslation('reserves')
  const f = useReservesFormat()
  const format = useFormat()
  const shortfalls = needs?.rows.filter((r) => r.shortfall > 0).length ?? 0
  return (
    <main className="rsv-page" data-testid="needs-page">
      <div className="rsv-head">
        <div>
          <h1>{t('needs.heading')}</h1>
          {needs ? (
            <p className="rsv-muted" data-testid="needs-summary">
              {t('needs.summary', { people: f.number(needs.people), hours: needs.hours, days: f.number(Math.round((needs.hours / 24) * 10) / 10) })}
              {origin ? ` · ${t('needs.from', { origin: origin.label })}` : ''}
            </p>
          ) : null}
          <p className="rsv-print-only rsv-muted">{t('needs.printedAt', { at: format.dateTime(generatedAt) })}</p>
        </div>
        <button type="button" className="btn rsv-noprint" onClick={() => window.print()} data-testid="needs-print">
          {t('needs.print')}
        </button>
      </div>
      <ReservesTabs canIssue={canIssue} />
      <Form method="get" className="rsv-card rsv-form rsv-noprint" data-testid="needs-form">
        <div className="rsv-row">
          <Field name="people" label={t('needs.people')} type="number" min={1} defaultValue={form.people} error={errors.people} required />
          <Field name="hours" label={t('needs.hours')} type="number" min={1} defaultValue={form.hours} error={errors.hours} hint={t('needs.hoursHint')} />
          <div className="field">
            <label htmlFor="needs-from">{t('needs.origin')}</label>
            <select id="needs-from" name="from" defaultValue={form.from}>
              <option value="">{t('needs.noOrigin')}</option>
              {origins.map((o) => (
                <option key={`${o.kind}:${o.id}`} value={`${o.kind}:${o.id}`}>
                  {t(`targets.${o.kind}`)}: {o.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div>
          <button type="submit" className="btn btn-primary" data-testid="needs-submit">
            {t('needs.calculate')}
          </button>
        </div>
      </Form>
      {needs ? (
        <section className="rsv-card rsv-table-wrap">
          <h2>{shortfalls ? t('needs.shortfalls', { count: shortfalls }) : t('needs.covered')}</h2>
          <table className="rsv-table" data-testid="needs-table">
            <thead>
              <tr>
                <th>{t('fields.item')}</th>
                <th>{t('needs.norm')}</th>
                <th className="num">{t('needs.needed')}</th>
                <th className="num">{t('needs.onHand')}</th>
                <th>{t('needs.takeFrom')}</th>
                <th className="num">{t('needs.shortfall')}</th>
              </tr>
            </thead>
            <tbody>
              {needs.rows.map((r) => (
                <tr key={r.item.id} data-testid="needs-row">
                  <td>{f.name(r.item.names)}</td>
                  <td className="rsv-muted">{t(`needs.basis.${r.item.normBasis}`, { quantity: f.quantity(r.item.normQuantity ?? 0, r.item.unit) })}</td>
                  <td className="num">{f.quantity(r.needed, r.item.unit)}</td>
                  <td className="num">{f.number(r.onHand)}</td>
                  <td>
                    {r.sources
                      .filter((s) => s.take > 0)
                      .map((s) => (
                        <div key={s.warehouseId}>
                          {f.number(s.take)} — {s.warehouseName}
                          {s.distanceKm !== null ? <span className="rsv-muted"> ({f.number(s.distanceKm)} km)</span> : null}
                        </div>
                      ))}
                  </td>
                  <td className={`num${r.shortfall ? ' rsv-neg' : ''}`}>{r.shortfall ? f.quantity(r.shortfall, r.item.unit) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {boundary && origin?.point ? (
        <section className="rsv-card">
          <WarehouseMap boundary={boundary} warehouses={warehouses.map((w) => ({ ...w, below: false }))} origin={origin.point} />
        </section>
      ) : null}
    </main>
  )
}
