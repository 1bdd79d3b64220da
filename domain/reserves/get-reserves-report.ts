import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { calendarDay } from './calendar-day.ts'
import { expiryState } from './expiry-state.ts'
import { isoDay, serializeItem, type ItemRecord } from './serialize.ts'

export type ReportRow = {
  warehouseId: string
  warehouseName: string
  item: ItemRecord
  /** usable now: unexpired lots (including those expiring soon) */
  usable: number
  /** part of usable that expires within the item's warning days */
  expiringSoon: number
  /** on the shelf but past expiry (to be written off) */
  expired: number
  minimum: number
  belowMinimum: boolean
  nearestExpiry: string | null
  lots: number
}

/**
 * The reserves report: per warehouse and item, what is usable, expiring soon and expired, against
 * the minimum level. Includes every warehouse × item with a minimum, even with nothing on hand.
 */
export async function getReservesReport(options: {
  prisma: PrismaClient
  actor: Actor
  warehouseId?: string
  territoryId?: string
  now?: Date
}): Promise<{ generatedAt: string; rows: ReportRow[] }> {
  authorize(options.actor, 'read:reserves:any')
  const now = options.now ?? new Date()
  const today = calendarDay(now)!
  const warehouseWhere = { id: options.warehouseId, territoryId: options.territoryId }
  const [lots, minimums] = await Promise.all([
    options.prisma.stockLot.findMany({
      where: { warehouse: warehouseWhere, balance: { quantity: { gt: 0 } } },
      include: { balance: true, warehouse: true, item: true },
    }),
    options.prisma.minimumLevel.findMany({ where: { warehouse: warehouseWhere }, include: { warehouse: true, item: true } }),
  ])
  const rows = new Map<string, ReportRow>()
  const row = (warehouse: { id: string; name: string }, item: Parameters<typeof serializeItem>[0]) => {
    const key = `${warehouse.id}:${item.id}`
    let r = rows.get(key)
    if (!r) {
      r = {
        warehouseId: warehouse.id,
        warehouseName: warehouse.name,
        item: serializeItem(item),
        usable: 0,
        expiringSoon: 0,
        expired: 0,
        minimum: 0,
        belowMinimum: false,
        nearestExpiry: null,
        lots: 0,
      }
      rows.set(key, r)
    }
    return r
  }
  for (const lot of lots) {
    const r = row(lot.warehouse, lot.item)
    const quantity = lot.balance?.quantity ?? 0
    const state = expiryState(lot.expiresOn, lot.item.expiryWarningDays, today)
    r.lots += 1
    if (state === 'expired') r.expired += quantity
    else {
      r.usable += quantity
      if (state === 'expiring') r.expiringSoon += quantity
      const day = isoDay(lot.expiresOn)
      if (day && (r.nearestExpiry === null || day < r.nearestExpiry)) r.nearestExpiry = day
    }
  }
  for (const m of minimums) row(m.warehouse, m.item).minimum = m.quantity
  const list = [...rows.values()]
  for (const r of list) r.belowMinimum = r.minimum > 0 && r.usable < r.minimum
  list.sort((a, b) => a.warehouseName.localeCompare(b.warehouseName) || a.item.category.localeCompare(b.item.category) || a.item.code.localeCompare(b.item.code))
  return { generatedAt: now.toISOString(), rows: list }
}
