// The account page: a signed-in user sees their live sessions, ends one of them (e.g. a browser
// left open elsewhere) or all others, and changes their password.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { hashPassword, verifyPassword } from './password.ts'
import { enforceRateLimits } from './rate-limit.ts'
import { revokeSession, revokeUserSessions } from './sessions.ts'
import { validateAccountFields } from './validate-account.ts'

type Self = { userId: string; sessionId: string; ip?: string | null }

/** End one of the user's own sessions (another device, or this one). */
export async function revokeOwnSession(options: {
  prisma: PrismaClient
  self: Self
  /** the session id as listed (sha256 of its token) */
  sessionId: string
  now?: Date
}): Promise<boolean> {
  const { prisma, self } = options
  return prisma.$transaction(async (tx) => {
    const revoked = await revokeSession(tx, { sessionId: options.sessionId, userId: self.userId, now: options.now })
    if (!revoked) return false
    await recordAudit(tx, {
      actorId: self.userId,
      actorLabel: `user:${self.userId}`,
      action: 'auth.session.revoke',
      entityType: 'Session',
      entityId: options.sessionId.slice(0, 12),
      ip: self.ip ?? null,
      data: { current: options.sessionId === self.sessionId },
    })
    return true
  })
}

/** End every session of the user except the current one. */
export async function revokeOtherSessions(options: { prisma: PrismaClient; self: Self; now?: Date }): Promise<number> {
  const { prisma, self } = options
  return prisma.$transaction(async (tx) => {
    const count = await revokeUserSessions(tx, { userId: self.userId, exceptSessionId: self.sessionId, now: options.now })
    if (count > 0) {
      await recordAudit(tx, {
        actorId: self.userId,
        actorLabel: `user:${self.userId}`,
        action: 'auth.session.revoke',
        entityType: 'User',
        entityId: self.userId,
        ip: self.ip ?? null,
        data: { others: count },
      })
    }
    return count
  })
}

/** Change one's own password (current one required); other sessions are ended. */
export async function changeOwnPassword(options: {
  prisma: PrismaClient
  self: Self
  currentPassword: string
  newPassword: string
  now?: Date
}): Promise<void> {
  const { prisma, self } = options
  const { password } = validateAccountFields({ password: options.newPassword })
  await enforceRateLimits(prisma, [{ key: `password-change:user:${self.userId}`, limit: 10, windowSeconds: 900 }], options.now)
  const user = await prisma.user.findUniqueOrThrow({ where: { id: self.userId }, select: { passwordHash: true } })
  if (!(await verifyPassword(user.passwordHash, options.currentPassword))) {
    throw new AppError('INVALID_INPUT', 'Current password is wrong', { fields: { currentPassword: 'auth:password.currentWrong' } })
  }
  const passwordHash = await hashPassword(password)
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: self.userId }, data: { passwordHash } })
    const others = await revokeUserSessions(tx, { userId: self.userId, exceptSessionId: self.sessionId, now: options.now })
    await recordAudit(tx, {
      actorId: self.userId,
      actorLabel: `user:${self.userId}`,
      action: 'auth.password.change',
      entityType: 'User',
      entityId: self.userId,
      ip: self.ip ?? null,
      data: { revokedSessions: others },
    })
  })
}
