// An administrator gives a staff member a new one-time password (forgotten password). The
// generated password is returned once; every session of the user is revoked.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from './actor.ts'
import { assertCanManageUsers, assertNotSelf, findUserOrThrow } from './manage-users-guard.ts'
import { generatePassword, hashPassword } from './password.ts'
import { revokeUserSessions } from './sessions.ts'

export async function resetPassword(options: {
  prisma: PrismaClient
  actor: Actor
  userId: string
  now?: Date
}): Promise<{ generatedPassword: string; revokedSessions: number }> {
  const { prisma, actor, userId } = options
  assertCanManageUsers(actor)
  assertNotSelf(actor, userId)
  const generatedPassword = generatePassword()
  const passwordHash = await hashPassword(generatedPassword)
  return prisma.$transaction(async (tx) => {
    await findUserOrThrow(tx, userId)
    await tx.user.update({ where: { id: userId }, data: { passwordHash } })
    const revokedSessions = await revokeUserSessions(tx, { userId, now: options.now })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'user.password.reset',
      entityType: 'User',
      entityId: userId,
      data: { revokedSessions },
    })
    return { generatedPassword, revokedSessions }
  })
}
