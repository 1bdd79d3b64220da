import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { isUniqueViolation } from '#domain/incidents/next-reference.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { reserveErrors } from './reserve-errors.ts'
import { reserveItemSchema } from './schemas.ts'

/** Adds an item to the catalogue (code unique). */
export async function createReserveItem(options: { prisma: PrismaClient; actor: Actor; input: unknown }) {
  const { prisma, actor } = options
  authorize(actor, 'manage:reserves:any')
  const input = parseReserveInput(reserveItemSchema, options.input)
  try {
    return await prisma.$transaction(async (tx) => {
      const item = await tx.reserveItem.create({ data: input })
      await recordAudit(tx, {
        ...actorFields(actor),
        action: 'reserves.item.created',
        entityType: 'ReserveItem',
        entityId: item.id,
        data: { ...input },
      })
      return item
    })
  } catch (error) {
    if (isUniqueViolation(error, 'code')) {
      throw new AppError('CONFLICT', `Item code ${input.code} exists`, { fields: { code: reserveErrors.duplicateCode } })
    }
    throw error
  }
}
