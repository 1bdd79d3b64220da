// Stock of one warehouse (?warehouse=<id>): its lots in rotation order (the lot to hand out first
// comes first) with expiry state; for staff who manage reserves, a receipt form and, per lot, a
// write-off and a transfer to another warehouse.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { listReserveItems } from '#domain/reserves/list-reserve-items.ts'
import { listStockLots } from '#domain/reserves/list-stock-lots.ts'
import { listWarehouses } from '#domain/reserves/list-warehouses.ts'
import { receiveStock } from '#domain/reserves/receive-stock.ts'
import { writeOffReasons } from '#domain/reserves/schemas.ts'
import { transferStock } from '#domain/reserves/transfer-stock.ts'
import { writeOffStock } from '#domain/reserves/write-off-stock.ts'
import { prisma } from '#domain/runtime.ts'
import { Field, FormError } from '~/components/app-shell'
import { SelectField } from '~/components/incidents/form-controls'
import { ExpiryBadge } from '~/components/reserves/expiry-badge'
import { useReservesFormat } from '~/components/reserves/format'
import { ReservesTabs } from '~/components/reserves/reserves-tabs'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'
import '~/components/reserves/reserves.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const uuid = /^[0-9a-f-]{36}$/i

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:reserves:any')
  const db = prisma()
  const actor = userActor(user)
  const [warehouses, items] = await Promise.all([listWarehouses({ prisma: db, actor }), listReserveItems({ prisma: db, actor, activeOnly: true })])
  const wanted = new URL(request.url).searchParams.get('warehouse') ?? ''
  const warehouse = warehouses.find((w) => uuid.test(wanted) && w.id === wanted) ?? warehouses[0] ?? null
  const lots = warehouse ? await listStockLots({ prisma: db, actor, warehouseId: warehouse.id }) : []
  return {
    warehouses,
    warehouse,
    lots,
    items,
    canManage: can(user.role, 'manage:reserves:any'),
    canIssue: can(user.role, 'issue:reserves:any'),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:reserves:any')
  const db = prisma()
  const actor = userActor(user, clientIp(context))
  const values = formToObject(await request.formData())
  const intent = String(values.intent ?? '')
  try {
    if (intent === 'receive') {
      await receiveStock({ prisma: db, actor, input: values })
    } else if (intent === 'write-off') {
      await writeOffStock({ prisma: db, actor, input: values })
    } else if (intent === 'transfer') {
      const quantity = values.quantity
      await transferStock({ prisma: db, actor, input: { ...values, lots: [{ lotId: values.lotId, quantity }] } })
    } else {
      return invalid({ form: 'errors:invalid' })
    }
    return { ok: true as const, intent, lotId: values.lotId ?? null }
  } catch (error) {
    const fields = appErrorFields(error)
    if (!fields) throw error
    return invalid({ ...fields, intent, lotId: String(values.lotId ?? '') }, values)
  }
}

type ActionResult = { ok: true; intent: string; lotId: string | null } | { ok: false; errors: Record<string, string>; values: Record<string, unknown> }

export default function WarehouseStock() {
  const { warehouses, warehouse, lots, items, canManage, canIssue } = useLoaderData<typeof loader>()
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const { t } = useTranslation('reserves')
  const f = useReservesFormat()
  const errors = result && !result.ok ? result.errors : {}
  const errorIntent = errors.intent
  const errorLot = errors.lotId
  const receiveErrors = errorIntent === 'receive' ? errors : {}
  const busy = navigation.state !== 'idle'
  return (
    <main className="rsv-page" data-testid="warehouse-stock-page">
      <div className="rsv-head">
        <div>
          <h1>{warehouse ? warehouse.name : t('tabs.stock')}</h1>
          {warehouse ? (
            <p className="rsv-muted">
              {warehouse.address}
              {warehouse.responsibleName ? ` · ${t('stock.responsible', { name: warehouse.responsibleName, phone: warehouse.responsiblePhone })}` : ''}
            </p>
          ) : null}
        </div>
        <Form method="get" className="rsv-inline rsv-noprint">
          <select name="warehouse" defaultValue={warehouse?.id} aria-label={t('fields.warehouse')}>
            {warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-small">
            {t('card.show')}
          </button>
        </Form>
      </div>
      <ReservesTabs canIssue={canIssue} />
      {result?.ok ? (
        <p className="rsv-ok" role="status" data-testid="stock-done">
          {t(`stock.done.${result.intent}`)}
        </p>
      ) : null}
      {warehouse ? (
        <section className="rsv-card rsv-table-wrap">
          <h2>{t('stock.lots')}</h2>
          {lots.length === 0 ? (
            <p className="rsv-muted">{t('stock.empty')}</p>
          ) : (
            <table className="rsv-table" data-testid="lot-table">
              <thead>
                <tr>
                  <th>{t('fields.item')}</th>
                  <th className="num">{t('fields.quantity')}</th>
                  <th>{t('fields.expiresOn')}</th>
                  <th>{t('fields.source')}</th>
                  {canManage ? <th className="rsv-noprint">{t('stock.actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {lots.map((l) => {
                  const item = items.find((i) => i.id === l.itemId)
                  const lotErrors = errorLot === l.lotId ? errors : {}
                  return (
                    <tr key={l.lotId} data-testid="lot-row">
                      <td>
                        <Link to={`/reserves/card?item=${l.itemId}&warehouse=${l.warehouseId}`}>{item ? f.name(item.names) : l.itemCode}</Link>
                        <div className="rsv-muted">{l.itemCode}</div>
                      </td>
                      <td className="num">{f.quantity(l.quantity, l.unit)}</td>
                      <td>
                        {f.day(l.expiresOn)} <ExpiryBadge state={l.expiry} />
                      </td>
                      <td>
                        {l.source}
                        {l.batchCode ? <div className="rsv-muted">{l.batchCode}</div> : null}
                      </td>
                      {canManage ? (
                        <td className="rsv-noprint">
                          <Form method="post" className="rsv-inline" replace>
                            <input type="hidden" name="lotId" value={l.lotId} />
                            <input type="number" name="quantity" min={1} max={l.quantity} required aria-label={t('fields.quantity')} />
                            <select name="reason" aria-label={t('fields.reason')} defaultValue={l.expiry === 'expired' ? 'EXPIRED' : 'DAMAGED'}>
                              {writeOffReasons.map((r) => (
                                <option key={r} value={r}>
                                  {t(`reasons.${r}`)}
                                </option>
                              ))}
                            </select>
                            <button type="submit" name="intent" value="write-off" className="btn btn-small btn-danger" disabled={busy}>
                              {t('stock.writeOff')}
                            </button>
                            {warehouses.length > 1 ? (
                              <>
                                <input type="hidden" name="fromWarehouseId" value={l.warehouseId} />
                                <input type="hidden" name="itemId" value={l.itemId} />
                                <select name="toWarehouseId" aria-label={t('stock.to')}>
                                  {warehouses
                                    .filter((w) => w.id !== l.warehouseId && w.active)
                                    .map((w) => (
                                      <option key={w.id} value={w.id}>
                                        {w.name}
                                      </option>
                                    ))}
                                </select>
                                <button type="submit" name="intent" value="transfer" className="btn btn-small" disabled={busy}>
                                  {t('stock.transfer')}
                                </button>
                              </>
                            ) : null}
                          </Form>
                          {Object.entries(lotErrors)
                            .filter(([k]) => k !== 'intent' && k !== 'lotId')
                            .map(([k, v]) => (
                              <div key={k} className="error" data-testid="lot-error">
                                {t(v)}
                              </div>
                            ))}
                        </td>
                      ) : null}
                    </tr>
                  )
                })}
              </tbody>
            </table>
          )}
        </section>
      ) : (
        <p className="rsv-muted">{t('stock.noWarehouses')}</p>
      )}
      {warehouse && canManage ? (
        <section className="rsv-card rsv-noprint">
          <h2>{t('stock.receive')}</h2>
          <Form method="post" className="rsv-form" data-testid="receive-form">
            <input type="hidden" name="intent" value="receive" />
            <input type="hidden" name="warehouseId" value={warehouse.id} />
            <FormError error={receiveErrors.form ?? receiveErrors.warehouseId} />
            <div className="rsv-row">
              <SelectField name="itemId" label={t('fields.item')} error={receiveErrors.itemId} idPrefix="receive">
                {items.map((i) => (
                  <option key={i.id} value={i.id}>
                    {f.name(i.names)} ({f.unit(i.unit)})
                  </option>
                ))}
              </SelectField>
              <Field name="quantity" label={t('fields.quantity')} type="number" min={1} required error={receiveErrors.quantity} />
              <Field name="expiresOn" label={t('fields.expiresOn')} type="date" error={receiveErrors.expiresOn} hint={t('stock.expiryHint')} />
            </div>
            <div className="rsv-row">
              <Field name="source" label={t('fields.source')} required error={receiveErrors.source} />
              <Field name="batchCode" label={t('fields.batchCode')} error={receiveErrors.batchCode} />
            </div>
            <div>
              <button type="submit" className="btn btn-primary" disabled={busy} data-testid="receive-submit">
                {t('stock.receiveSubmit')}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </main>
  )
}
