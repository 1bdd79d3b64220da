import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { postMovements } from './post-movements.ts'
import { requireItem } from './require-item.ts'
import { requireWarehouse } from './require-warehouse.ts'
import { receiveSchema } from './schemas.ts'
import { calendarDay } from './calendar-day.ts'
import { ledgerTransactionOptions } from './transaction-options.ts'

export type ReceiveStockOptions = {
  prisma: PrismaClient
  actor: Actor
  /** { warehouseId, itemId, quantity, expiresOn?, source, batchCode?, receivedAt?, note? } */
  input: unknown
  now?: Date
}

const DAY_MS = 86_400_000

/**
 * A receipt: a new lot in the warehouse and its RECEIPT movement. Without an expiry date, an item
 * with a shelf life expires that many days after the receipt.
 */
export async function receiveStock(options: ReceiveStockOptions): Promise<{ lotId: string; movementId: bigint; operationId: string }> {
  const { prisma, actor } = options
  authorize(actor, 'manage:reserves:any')
  const input = parseReserveInput(receiveSchema, options.input)
  const now = options.now ?? new Date()
  const receivedAt = input.receivedAt ?? now
  const operationId = randomUUID()

  return prisma.$transaction(async (tx) => {
    const warehouse = await requireWarehouse(tx, { id: input.warehouseId, field: 'warehouseId', active: true })
    const item = await requireItem(tx, { id: input.itemId, field: 'itemId', active: true })
    const expiresOn =
      input.expiresOn ??
      (item.shelfLifeDays !== null ? calendarDay(new Date(receivedAt.getTime() + item.shelfLifeDays * DAY_MS)) : null)
    const lot = await tx.stockLot.create({
      data: {
        warehouseId: warehouse.id,
        itemId: item.id,
        expiresOn,
        source: input.source,
        batchCode: input.batchCode,
        receivedAt,
        createdAt: now,
      },
    })
    const [movement] = await postMovements(tx, {
      operationId,
      actor,
      occurredAt: receivedAt,
      note: input.note,
      now,
      lines: [{ kind: 'RECEIPT', lotId: lot.id, warehouseId: warehouse.id, itemId: item.id, quantity: input.quantity }],
    })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'reserves.received',
      entityType: 'StockLot',
      entityId: lot.id,
      data: {
        operationId,
        warehouseId: warehouse.id,
        itemId: item.id,
        code: item.code,
        quantity: input.quantity,
        expiresOn: expiresOn?.toISOString().slice(0, 10) ?? null,
        source: input.source,
        batchCode: input.batchCode,
        movementId: movement.id.toString(),
      },
    })
    return { lotId: lot.id, movementId: movement.id, operationId }
  }, ledgerTransactionOptions)
}
