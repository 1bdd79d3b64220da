import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { lockLots } from './lock-lots.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { postMovements, type MovementLine } from './post-movements.ts'
import { requireWarehouse } from './require-warehouse.ts'
import { reserveErrors } from './reserve-errors.ts'
import { stocktakeSchema } from './schemas.ts'
import { ledgerTransactionOptions } from './transaction-options.ts'

export type TakeStocktakeOptions = {
  prisma: PrismaClient
  actor: Actor
  /** { warehouseId, counts: [{ lotId, counted }], note?, occurredAt? } */
  input: unknown
  now?: Date
}

/**
 * A stocktake of some lots of one warehouse: each lot whose count differs from its balance gets a
 * STOCKTAKE correction of the difference (lots that match get none). Stock found that belongs to
 * no lot is a receipt, not a correction.
 */
export async function takeStocktake(options: TakeStocktakeOptions) {
  const { prisma, actor } = options
  authorize(actor, 'manage:reserves:any')
  const input = parseReserveInput(stocktakeSchema, options.input)
  const now = options.now ?? new Date()
  const operationId = randomUUID()

  return prisma.$transaction(async (tx) => {
    const warehouse = await requireWarehouse(tx, { id: input.warehouseId, field: 'warehouseId' })
    const counted = new Map<string, number>()
    for (const c of input.counts) counted.set(c.lotId, c.counted)
    const lots = await lockLots(tx, { lotIds: [...counted.keys()] })
    const lines: MovementLine[] = []
    const corrections: { lotId: string; before: number; counted: number }[] = []
    for (const [i, c] of input.counts.entries()) {
      const lot = lots.find((l) => l.lotId === c.lotId)
      if (!lot || lot.warehouseId !== warehouse.id) {
        throw new AppError('INVALID_INPUT', `Lot ${c.lotId} is not in ${warehouse.name}`, {
          fields: { [`counts.${i}.lotId`]: reserveErrors.lotNotFound },
        })
      }
      const difference = c.counted - lot.quantity
      if (difference !== 0 && !corrections.some((x) => x.lotId === lot.lotId)) {
        corrections.push({ lotId: lot.lotId, before: lot.quantity, counted: c.counted })
        lines.push({ kind: 'STOCKTAKE', lotId: lot.lotId, warehouseId: warehouse.id, itemId: lot.itemId, quantity: difference })
      }
    }
    const movements = lines.length
      ? await postMovements(tx, { operationId, actor, occurredAt: input.occurredAt ?? now, note: input.note, now, lines })
      : []
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'reserves.stocktaken',
      entityType: 'Warehouse',
      entityId: warehouse.id,
      data: { operationId, lotsCounted: counted.size, corrections, movements: movements.map((m) => m.id.toString()), note: input.note },
    })
    return { operationId, corrections }
  }, ledgerTransactionOptions)
}
