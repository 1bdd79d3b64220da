import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { rotationOrder } from './allocate-lots.ts'
import { calendarDay } from './calendar-day.ts'
import { expiryState, type ExpiryState } from './expiry-state.ts'
import { isoDay } from './serialize.ts'

export type LotBalance = {
  lotId: string
  warehouseId: string
  warehouseName: string
  itemId: string
  itemCode: string
  itemNames: { lv: string; en: string; ru: string }
  unit: string
  quantity: number
  expiresOn: string | null
  expiry: ExpiryState
  source: string
  batchCode: string
  receivedAt: string
}

/**
 * Balances per lot (what is on the shelves), in rotation order within each warehouse and item:
 * the lot to hand out first comes first. Empty lots only with includeEmpty.
 */
export async function listStockLots(options: {
  prisma: PrismaClient
  actor: Actor
  warehouseId?: string
  itemId?: string
  includeEmpty?: boolean
  now?: Date
}): Promise<LotBalance[]> {
  authorize(options.actor, 'read:reserves:any')
  const today = calendarDay(options.now ?? new Date())!
  const lots = await options.prisma.stockLot.findMany({
    where: {
      warehouseId: options.warehouseId,
      itemId: options.itemId,
      balance: options.includeEmpty ? { isNot: null } : { quantity: { gt: 0 } },
    },
    include: { balance: true, warehouse: { select: { name: true } }, item: { select: { code: true, unit: true, expiryWarningDays: true, nameLv: true, nameEn: true, nameRu: true } } },
  })
  return lots
    .sort(
      (a, b) =>
        a.warehouse.name.localeCompare(b.warehouse.name) ||
        a.item.code.localeCompare(b.item.code) ||
        rotationOrder({ ...a, lotId: a.id }, { ...b, lotId: b.id }),
    )
    .map((l) => ({
      lotId: l.id,
      warehouseId: l.warehouseId,
      warehouseName: l.warehouse.name,
      itemId: l.itemId,
      itemCode: l.item.code,
      itemNames: { lv: l.item.nameLv, en: l.item.nameEn, ru: l.item.nameRu },
      unit: l.item.unit,
      quantity: l.balance?.quantity ?? 0,
      expiresOn: isoDay(l.expiresOn),
      expiry: expiryState(l.expiresOn, l.item.expiryWarningDays, today),
      source: l.source,
      batchCode: l.batchCode,
      receivedAt: l.receivedAt.toISOString(),
    }))
}
