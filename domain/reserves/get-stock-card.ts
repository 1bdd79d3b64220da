import type { PrismaClient } from '#generated/prisma/client.ts'
import type { StockMovementKind } from '#generated/prisma/enums.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { requireItem } from './require-item.ts'
import { isoDay, serializeItem, type ItemRecord } from './serialize.ts'

export type StockCardRow = {
  id: string
  occurredAt: string
  recordedAt: string
  kind: StockMovementKind
  warehouseId: string
  warehouseName: string
  counterpartWarehouseName: string | null
  lotId: string
  expiresOn: string | null
  quantity: number
  /** balance after this movement, over the card's scope (the item, or the item in one warehouse) */
  balance: number
  targetKind: string | null
  targetId: string | null
  targetLabel: string | null
  reason: string | null
  note: string
  actorLabel: string
}

/**
 * The stock card of an item: every movement in ledger order with the running balance, for all
 * warehouses (transfers then net out) or one warehouse.
 */
export async function getStockCard(options: {
  prisma: PrismaClient
  actor: Actor
  itemId: string
  warehouseId?: string
}): Promise<{ item: ItemRecord; warehouseId: string | null; rows: StockCardRow[]; balance: number }> {
  const { prisma } = options
  authorize(options.actor, 'read:reserves:any')
  const item = await requireItem(prisma, { id: options.itemId, field: 'itemId' })
  const [movements, warehouses] = await Promise.all([
    prisma.stockMovement.findMany({
      where: { itemId: item.id, warehouseId: options.warehouseId },
      orderBy: { id: 'asc' },
      include: { lot: { select: { expiresOn: true } } },
    }),
    prisma.warehouse.findMany({ select: { id: true, name: true } }),
  ])
  const names = new Map(warehouses.map((w) => [w.id, w.name]))
  let balance = 0
  const rows = movements.map((m) => {
    balance += m.quantity
    return {
      id: m.id.toString(),
      occurredAt: m.occurredAt.toISOString(),
      recordedAt: m.createdAt.toISOString(),
      kind: m.kind,
      warehouseId: m.warehouseId,
      warehouseName: names.get(m.warehouseId) ?? m.warehouseId,
      counterpartWarehouseName: m.counterpartWarehouseId ? (names.get(m.counterpartWarehouseId) ?? m.counterpartWarehouseId) : null,
      lotId: m.lotId,
      expiresOn: isoDay(m.lot.expiresOn),
      quantity: m.quantity,
      balance,
      targetKind: m.targetKind,
      targetId: m.targetId,
      targetLabel: m.targetLabel,
      reason: m.reason,
      note: m.note,
      actorLabel: m.actorLabel,
    }
  })
  return { item: serializeItem(item), warehouseId: options.warehouseId ?? null, rows, balance }
}
