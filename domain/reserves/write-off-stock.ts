import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { lockLots } from './lock-lots.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { postMovements } from './post-movements.ts'
import { reserveErrors } from './reserve-errors.ts'
import { writeOffSchema } from './schemas.ts'
import { ledgerTransactionOptions } from './transaction-options.ts'

export type WriteOffStockOptions = {
  prisma: PrismaClient
  actor: Actor
  /** { lotId, quantity, reason: EXPIRED|DAMAGED|LOST, note?, occurredAt? } */
  input: unknown
  now?: Date
}

/** Writes off part or all of a lot with a reason; more than the lot holds is a CONFLICT on quantity. */
export async function writeOffStock(options: WriteOffStockOptions) {
  const { prisma, actor } = options
  authorize(actor, 'manage:reserves:any')
  const input = parseReserveInput(writeOffSchema, options.input)
  const now = options.now ?? new Date()
  const operationId = randomUUID()

  return prisma.$transaction(async (tx) => {
    const [lot] = await lockLots(tx, { lotIds: [input.lotId] })
    if (!lot) throw new AppError('INVALID_INPUT', `No lot ${input.lotId}`, { fields: { lotId: reserveErrors.lotNotFound } })
    if (lot.quantity < input.quantity) {
      throw new AppError('CONFLICT', `The lot holds ${lot.quantity}, ${input.quantity} cannot be written off`, {
        fields: { quantity: reserveErrors.insufficientStock },
      })
    }
    const [movement] = await postMovements(tx, {
      operationId,
      actor,
      occurredAt: input.occurredAt ?? now,
      note: input.note,
      now,
      lines: [{ kind: 'WRITE_OFF', lotId: lot.lotId, warehouseId: lot.warehouseId, itemId: lot.itemId, quantity: -input.quantity, reason: input.reason }],
    })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'reserves.written-off',
      entityType: 'StockLot',
      entityId: lot.lotId,
      data: { operationId, quantity: input.quantity, reason: input.reason, note: input.note, movementId: movement.id.toString() },
    })
    return { operationId, movementId: movement.id, remaining: lot.quantity - input.quantity }
  }, ledgerTransactionOptions)
}
