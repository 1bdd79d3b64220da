// Appends movements to the ledger inside the caller's transaction. The database moves the lot
// balances (trigger) and refuses a negative balance (CHECK): should a caller ever skip the lock,
// the refusal still comes back as a CONFLICT on the quantity, and the whole operation rolls back.
import type { Prisma } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { reserveErrors } from './reserve-errors.ts'

export type MovementLine = Pick<
  Prisma.StockMovementCreateManyInput,
  'kind' | 'lotId' | 'warehouseId' | 'itemId' | 'quantity' | 'targetKind' | 'targetId' | 'targetLabel' | 'reason' | 'counterpartWarehouseId'
>

export async function postMovements(
  tx: Prisma.TransactionClient,
  options: { operationId: string; actor: Actor; occurredAt: Date; note: string; now: Date; lines: MovementLine[]; quantityField?: string },
) {
  try {
    return await tx.stockMovement.createManyAndReturn({
      data: options.lines.map((line) => ({
        ...line,
        operationId: options.operationId,
        note: options.note,
        actorId: options.actor.id,
        actorLabel: options.actor.label,
        occurredAt: options.occurredAt,
        createdAt: options.now,
      })),
      select: { id: true, kind: true, lotId: true, quantity: true },
    })
  } catch (error) {
    if (String((error as Error)?.message ?? '').includes('StockBalance_not_negative')) {
      throw new AppError('CONFLICT', 'Not enough stock: the balance would go below zero', {
        fields: { [options.quantityField ?? 'quantity']: reserveErrors.insufficientStock },
        cause: error,
      })
    }
    throw error
  }
}
