import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { isUniqueViolation } from '#domain/incidents/next-reference.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { reserveErrors } from './reserve-errors.ts'
import { requireWarehouse } from './require-warehouse.ts'
import { warehouseSchema } from './schemas.ts'

/** Changes a warehouse's details or deactivates it (warehouses are never deleted: the ledger names them). */
export async function updateWarehouse(options: { prisma: PrismaClient; actor: Actor; id: string; input: unknown }) {
  const { prisma, actor } = options
  authorize(actor, 'manage:reserves:any')
  const input = parseReserveInput(warehouseSchema, options.input)
  try {
    return await prisma.$transaction(async (tx) => {
      const before = await requireWarehouse(tx, { id: options.id, field: 'id' })
      const warehouse = await tx.warehouse.update({ where: { id: before.id }, data: input })
      await recordAudit(tx, {
        ...actorFields(actor),
        action: 'reserves.warehouse.updated',
        entityType: 'Warehouse',
        entityId: warehouse.id,
        data: { ...input },
      })
      return warehouse
    })
  } catch (error) {
    if (isUniqueViolation(error, 'name')) {
      throw new AppError('CONFLICT', `A warehouse named ${input.name} exists`, { fields: { name: reserveErrors.duplicateName } })
    }
    throw error
  }
}
