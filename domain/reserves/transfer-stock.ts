import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { allocateLots } from './allocate-lots.ts'
import { calendarDay } from './calendar-day.ts'
import { allocationError } from './insufficient-stock-error.ts'
import { lockLots } from './lock-lots.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { postMovements, type MovementLine } from './post-movements.ts'
import { requireItem } from './require-item.ts'
import { requireWarehouse } from './require-warehouse.ts'
import { reserveErrors } from './reserve-errors.ts'
import { transferSchema } from './schemas.ts'
import { ledgerTransactionOptions } from './transaction-options.ts'

export type TransferStockOptions = {
  prisma: PrismaClient
  actor: Actor
  /** { fromWarehouseId, toWarehouseId, itemId, quantity, lots?, note?, occurredAt? } */
  input: unknown
  now?: Date
}

/**
 * Moves stock between warehouses in one transaction, two legs per lot taken: TRANSFER_OUT of the
 * source lot and TRANSFER_IN into a new lot at the destination that keeps the expiry, source and
 * receipt time (so rotation still sees its age) and points at its origin.
 */
export async function transferStock(options: TransferStockOptions) {
  const { prisma, actor } = options
  authorize(actor, 'manage:reserves:any')
  const input = parseReserveInput(transferSchema, options.input)
  if (input.fromWarehouseId === input.toWarehouseId) {
    throw new AppError('INVALID_INPUT', 'A transfer needs two different warehouses', {
      fields: { toWarehouseId: reserveErrors.sameWarehouse },
    })
  }
  const now = options.now ?? new Date()
  const occurredAt = input.occurredAt ?? now
  const operationId = randomUUID()

  return prisma.$transaction(async (tx) => {
    const from = await requireWarehouse(tx, { id: input.fromWarehouseId, field: 'fromWarehouseId' })
    const to = await requireWarehouse(tx, { id: input.toWarehouseId, field: 'toWarehouseId', active: true })
    const item = await requireItem(tx, { id: input.itemId, field: 'itemId' })
    const lots = await lockLots(tx, { pairs: [{ warehouseId: from.id, itemId: item.id }] })
    const allocation = allocateLots({
      lots,
      warehouseId: from.id,
      itemId: item.id,
      quantity: input.quantity,
      today: calendarDay(now)!,
      explicit: input.lots,
    })
    if (!allocation.ok) {
      throw allocationError(allocation, {
        code: item.code,
        unit: item.unit,
        warehouse: from.name,
        requested: input.quantity,
        quantityField: 'quantity',
        lotsField: 'lots',
      })
    }
    const lines: MovementLine[] = []
    const created: { fromLotId: string; toLotId: string; quantity: number }[] = []
    for (const a of allocation.allocations) {
      const origin = await tx.stockLot.findUniqueOrThrow({ where: { id: a.lotId } })
      const lot = await tx.stockLot.create({
        data: {
          warehouseId: to.id,
          itemId: item.id,
          expiresOn: origin.expiresOn,
          source: origin.source,
          batchCode: origin.batchCode,
          receivedAt: origin.receivedAt,
          originLotId: origin.id,
          createdAt: now,
        },
      })
      created.push({ fromLotId: origin.id, toLotId: lot.id, quantity: a.quantity })
      lines.push(
        { kind: 'TRANSFER_OUT', lotId: origin.id, warehouseId: from.id, itemId: item.id, quantity: -a.quantity, counterpartWarehouseId: to.id },
        { kind: 'TRANSFER_IN', lotId: lot.id, warehouseId: to.id, itemId: item.id, quantity: a.quantity, counterpartWarehouseId: from.id },
      )
    }
    const movements = await postMovements(tx, { operationId, actor, occurredAt, note: input.note, now, lines })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'reserves.transferred',
      entityType: 'StockOperation',
      entityId: operationId,
      data: {
        fromWarehouseId: from.id,
        toWarehouseId: to.id,
        itemId: item.id,
        code: item.code,
        quantity: input.quantity,
        lots: created,
        movements: movements.map((m) => m.id.toString()),
        note: input.note,
      },
    })
    return { operationId, lots: created }
  }, ledgerTransactionOptions)
}
