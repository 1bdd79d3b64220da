// Sign-in, step two: the TOTP code of an enrolled user with a pending session. Success replaces
// the pending session by a full one (new token) and writes "auth.signin.success".
import type { PrismaClient } from '#generated/prisma/client.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { secondFactorRules } from './limits.ts'
import { enforceRateLimits, refundRateLimits } from './rate-limit.ts'
import { createSession, findActiveSession, revokeSession } from './sessions.ts'
import { consumeTotpCode } from './totp.ts'

export async function verifySecondFactor(options: {
  prisma: PrismaClient
  /** the pending session's cookie token */
  token: string | null
  code: string
  ip?: string | null
  userAgent?: string | null
  now?: Date
}): Promise<{ token: string; userId: string }> {
  const { prisma, now } = options
  const active = await findActiveSession(prisma, options.token, { now, requireMfa: false, touch: false })
  if (!active || active.session.mfaVerified || !active.user.totpEnrolled) {
    throw new AppError('UNAUTHENTICATED', 'No sign-in waiting for a second factor')
  }
  const { user, session } = active
  const rules = secondFactorRules(user.id, options.ip)
  await enforceRateLimits(prisma, rules, now)

  const { totpSecret } = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpSecret: true } })
  const token = await prisma.$transaction(async (tx) => {
    const accepted = totpSecret !== null && (await consumeTotpCode(tx, { userId: user.id, secret: totpSecret, code: options.code, now }))
    if (!accepted) return null
    await revokeSession(tx, { sessionId: session.id, now })
    const created = await createSession(tx, {
      userId: user.id,
      mfaVerified: true,
      ip: options.ip,
      userAgent: options.userAgent,
      now,
    })
    await recordAudit(tx, {
      actorId: user.id,
      actorLabel: `user:${user.id}`,
      action: 'auth.signin.success',
      entityType: 'User',
      entityId: user.id,
      ip: options.ip ?? null,
      data: { session: created.session.id.slice(0, 12) },
    })
    return created.token
  })

  if (!token) {
    await prisma.$transaction((tx) =>
      recordAudit(tx, {
        actorId: user.id,
        actorLabel: `user:${user.id}`,
        action: 'auth.signin.failure',
        entityType: 'User',
        entityId: user.id,
        ip: options.ip ?? null,
        data: { reason: 'bad-totp' },
      }),
    )
    throw new AppError('INVALID_INPUT', 'Wrong or already used code', { fields: { code: 'auth:totp.invalid' } })
  }
  await refundRateLimits(prisma, rules)
  return { token, userId: user.id }
}
