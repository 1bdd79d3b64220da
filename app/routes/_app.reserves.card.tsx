// The stock card of an item (?item=<id>, optionally ?warehouse=<id>): every movement in ledger
// order with the running balance, and its CSV.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { getStockCard } from '#domain/reserves/get-stock-card.ts'
import { listReserveItems } from '#domain/reserves/list-reserve-items.ts'
import { listWarehouses } from '#domain/reserves/list-warehouses.ts'
import { prisma } from '#domain/runtime.ts'
import { useFormat } from '~/components/incidents/format'
import { useReservesFormat } from '~/components/reserves/format'
import { ReservesTabs } from '~/components/reserves/reserves-tabs'
import { requireUserWithPermission } from '~/utils/auth.server'
import '~/components/reserves/reserves.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const uuid = /^[0-9a-f-]{36}$/i

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:reserves:any')
  const db = prisma()
  const actor = userActor(user)
  const url = new URL(request.url)
  const [items, warehouses] = await Promise.all([listReserveItems({ prisma: db, actor }), listWarehouses({ prisma: db, actor })])
  const itemId = url.searchParams.get('item') ?? ''
  const warehouseId = url.searchParams.get('warehouse') ?? ''
  const chosen = uuid.test(itemId) && items.some((i) => i.id === itemId) ? itemId : (items[0]?.id ?? null)
  const warehouse = uuid.test(warehouseId) && warehouses.some((w) => w.id === warehouseId) ? warehouseId : undefined
  const card = chosen ? await getStockCard({ prisma: db, actor, itemId: chosen, warehouseId: warehouse }) : null
  return { items, warehouses, card, warehouseId: warehouse ?? '', canIssue: can(user.role, 'issue:reserves:any') }
}

export default function StockCard() {
  const { items, warehouses, card, warehouseId, canIssue } = useLoaderData<typeof loader>()
  const { t } = useTranslation('reserves')
  const f = useReservesFormat()
  const format = useFormat()
  const csv = card ? `/reserves/export.csv?item=${card.item.id}${warehouseId ? `&warehouse=${warehouseId}` : ''}` : null
  return (
    <main className="rsv-page" data-testid="stock-card-page">
      <div className="rsv-head">
        <div>
          <h1>{card ? t('card.heading', { item: f.name(card.item.names) }) : t('tabs.card')}</h1>
          {card ? (
            <p className="rsv-muted" data-testid="card-balance">
              {card.item.code} · {t('card.balance', { quantity: f.quantity(card.balance, card.item.unit) })}
            </p>
          ) : null}
        </div>
        {csv ? (
          <a href={csv} className="btn rsv-noprint" download data-testid="card-csv">
            {t('card.export')}
          </a>
        ) : null}
      </div>
      <ReservesTabs canIssue={canIssue} />
      <Form method="get" className="rsv-card rsv-inline rsv-noprint">
        <label>
          {t('fields.item')}{' '}
          <select name="item" defaultValue={card?.item.id}>
            {items.map((i) => (
              <option key={i.id} value={i.id}>
                {f.name(i.names)} ({i.code})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fields.warehouse')}{' '}
          <select name="warehouse" defaultValue={warehouseId}>
            <option value="">{t('card.allWarehouses')}</option>
            {warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-small">
          {t('card.show')}
        </button>
      </Form>
      {card ? (
        <section className="rsv-card rsv-table-wrap">
          {card.rows.length === 0 ? (
            <p className="rsv-muted">{t('card.empty')}</p>
          ) : (
            <table className="rsv-table" data-testid="stock-card">
              <thead>
                <tr>
                  <th>{t('card.when')}</th>
                  <th>{t('card.movement')}</th>
                  <th>{t('fields.warehouse')}</th>
                  <th>{t('card.details')}</th>
                  <th>{t('fields.expiresOn')}</th>
                  <th className="num">{t('fields.quantity')}</th>
                  <th className="num">{t('card.running')}</th>
                </tr>
              </thead>
              <tbody>
                {card.rows.map((r) => (
                  <tr key={r.id} data-testid="card-row">
                    <td>{format.short(r.occurredAt)}</td>
                    <td>{t(`kinds.${r.kind}`)}</td>
                    <td>
                      {r.warehouseName}
                      {r.counterpartWarehouseName ? (
                        <span className="rsv-muted">
                          {' '}
                          {r.quantity < 0 ? '→' : '←'} {r.counterpartWarehouseName}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      {r.targetLabel ? `${t(`targets.${r.targetKind}`, { defaultValue: r.targetKind ?? '' })}: ${r.targetLabel}` : null}
                      {r.reason ? t(`reasons.${r.reason}`) : null}
                      {r.note ? <div className="rsv-muted">{r.note}</div> : null}
                    </td>
                    <td>{f.day(r.expiresOn)}</td>
                    <td className={`num ${r.quantity < 0 ? 'rsv-neg' : 'rsv-pos'}`}>{r.quantity > 0 ? `+${f.number(r.quantity)}` : f.number(r.quantity)}</td>
                    <td className="num">{f.number(r.balance)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : (
        <p className="rsv-muted">{t('card.noItems')}</p>
      )}
    </main>
  )
}
