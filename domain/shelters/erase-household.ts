import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'

/**
 * Erases a household's personal data (label, needs, note); the counts in the occupancy ledger
 * stay. Works whether household records are switched on or off (switching off does not erase).
 */
export async function eraseHousehold(options: { prisma: PrismaClient; actor: Actor; householdId: string; now?: Date }): Promise<void> {
  authorize(options.actor, 'operate:shelter:any')
  const now = options.now ?? new Date()
  await options.prisma.$transaction(async (tx) => {
    const household = await tx.shelterHousehold.findUnique({ where: { id: options.householdId } })
    if (!household) throw new AppError('NOT_FOUND', 'Household not found')
    if (household.erasedAt) return
    await tx.shelterHousehold.update({ where: { id: household.id }, data: { label: '', needs: [], note: '', erasedAt: now, updatedAt: now } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'shelter.household-erased', entityType: 'ShelterHousehold', entityId: household.id, data: { shelterId: household.shelterId } })
  })
}
