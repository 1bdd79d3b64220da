// Change a staff member's role. Their sessions are revoked: the next sign-in gets the new rights.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from './actor.ts'
import { assertCanManageUsers, assertNotLastAdministrator, assertNotSelf, findUserOrThrow } from './manage-users-guard.ts'
import { revokeUserSessions } from './sessions.ts'
import { validateAccountFields } from './validate-account.ts'

export async function changeUserRole(options: {
  prisma: PrismaClient
  actor: Actor
  userId: string
  role: Role | string
  now?: Date
}): Promise<{ changed: boolean; revokedSessions: number }> {
  const { prisma, actor, userId } = options
  assertCanManageUsers(actor)
  const { role } = validateAccountFields({ role: options.role })
  assertNotSelf(actor, userId)
  return prisma.$transaction(async (tx) => {
    const user = await findUserOrThrow(tx, userId)
    if (user.role === role) return { changed: false, revokedSessions: 0 }
    if (user.role === 'ADMINISTRATOR') await assertNotLastAdministrator(tx, userId)
    await tx.user.update({ where: { id: userId }, data: { role } })
    const revokedSessions = await revokeUserSessions(tx, { userId, now: options.now })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'user.role.change',
      entityType: 'User',
      entityId: userId,
      data: { from: user.role, to: role, revokedSessions },
    })
    return { changed: true, revokedSessions }
  })
}
