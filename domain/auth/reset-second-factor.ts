// Reset a staff member's second factor (lost phone): the secret is dropped, every session is
// revoked, and the user must enrol a new one at the next sign-in.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from './actor.ts'
import { assertCanManageUsers, assertNotSelf, findUserOrThrow } from './manage-users-guard.ts'
import { revokeUserSessions } from './sessions.ts'

export async function resetSecondFactor(options: {
  prisma: PrismaClient
  actor: Actor
  userId: string
  now?: Date
}): Promise<{ revokedSessions: number }> {
  const { prisma, actor, userId } = options
  assertCanManageUsers(actor)
  assertNotSelf(actor, userId)
  return prisma.$transaction(async (tx) => {
    const user = await findUserOrThrow(tx, userId)
    await tx.user.update({
      where: { id: userId },
      data: { totpSecret: null, totpPending: null, totpEnrolledAt: null, totpLastStep: null },
    })
    const revokedSessions = await revokeUserSessions(tx, { userId, now: options.now })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'user.totp.reset',
      entityType: 'User',
      entityId: userId,
      data: { wasEnrolled: user.totpSecret !== null, revokedSessions },
    })
    return { revokedSessions }
  })
}
