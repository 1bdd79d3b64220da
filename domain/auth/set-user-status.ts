// Disable or enable a staff account. Disabling revokes every session of that user at once.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { UserStatus } from '#generated/prisma/enums.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import type { Actor } from './actor.ts'
import { assertCanManageUsers, assertNotLastAdministrator, assertNotSelf, findUserOrThrow } from './manage-users-guard.ts'
import { revokeUserSessions } from './sessions.ts'

export async function setUserStatus(options: {
  prisma: PrismaClient
  actor: Actor
  userId: string
  status: UserStatus
  now?: Date
}): Promise<{ changed: boolean; revokedSessions: number }> {
  const { prisma, actor, userId, status } = options
  assertCanManageUsers(actor)
  if (status !== 'ACTIVE' && status !== 'DISABLED') throw new AppError('INVALID_INPUT', 'Unknown status')
  assertNotSelf(actor, userId)
  return prisma.$transaction(async (tx) => {
    const user = await findUserOrThrow(tx, userId)
    if (user.status === status) return { changed: false, revokedSessions: 0 }
    if (status === 'DISABLED' && user.role === 'ADMINISTRATOR') await assertNotLastAdministrator(tx, userId)
    await tx.user.update({ where: { id: userId }, data: { status } })
    const revokedSessions = status === 'DISABLED' ? await revokeUserSessions(tx, { userId, now: options.now }) : 0
    await recordAudit(tx, {
      ...actorFields(actor),
      action: status === 'DISABLED' ? 'user.disable' : 'user.enable',
      entityType: 'User',
      entityId: userId,
      data: { revokedSessions },
    })
    return { changed: true, revokedSessions }
  })
}
