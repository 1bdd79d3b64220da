// Enrolment of the TOTP second factor. A user without one (new account, first administrator,
// second factor reset by an administrator) gets a pending secret (User.totpPending, kept until
// confirmed so a QR code scanned earlier — e.g. printed by `sargs user create` — stays valid),
// and confirms it with a code. Confirmation makes it the user's secret, marks that code's time
// step as used, and replaces the pending session by a full one.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { secondFactorRules } from './limits.ts'
import { enforceRateLimits, refundRateLimits } from './rate-limit.ts'
import { createSession, findActiveSession, revokeSession } from './sessions.ts'
import { generateTotpSecret, matchTotpStep, totpUri } from './totp.ts'

/** The pending secret of a user who has not enrolled yet (created on first call). */
export async function startTotpEnrolment(options: {
  prisma: PrismaClient
  userId: string
}): Promise<{ secret: string; uri: string }> {
  const { prisma, userId } = options
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { email: true, totpSecret: true, totpPending: true },
  })
  if (!user) throw new AppError('NOT_FOUND', 'No such user')
  if (user.totpSecret) throw new AppError('CONFLICT', 'Second factor already enrolled')
  let secret = user.totpPending
  if (!secret) {
    // only one secret wins if two tabs ask at once
    await prisma.user.updateMany({
      where: { id: userId, totpPending: null, totpSecret: null },
      data: { totpPending: generateTotpSecret() },
    })
    secret = (await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { totpPending: true } })).totpPending
    if (!secret) throw new AppError('CONFLICT', 'Second factor already enrolled')
  }
  return { secret, uri: totpUri(secret, user.email) }
}

export async function confirmTotpEnrolment(options: {
  prisma: PrismaClient
  /** cookie token of the user's (pending) session */
  token: string | null
  code: string
  ip?: string | null
  userAgent?: string | null
  now?: Date
}): Promise<{ token: string; userId: string }> {
  const { prisma } = options
  const now = options.now ?? new Date()
  const active = await findActiveSession(prisma, options.token, { now, requireMfa: false, touch: false })
  if (!active) throw new AppError('UNAUTHENTICATED', 'Not signed in')
  const { user, session } = active
  if (user.totpEnrolled) throw new AppError('CONFLICT', 'Second factor already enrolled')
  const rules = secondFactorRules(user.id, options.ip)
  await enforceRateLimits(prisma, rules, now)

  const { totpPending } = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpPending: true } })
  if (!totpPending) throw new AppError('CONFLICT', 'No enrolment started')
  const step = matchTotpStep(totpPending, options.code, now)
  if (step === null) {
    throw new AppError('INVALID_INPUT', 'Wrong code', { fields: { code: 'auth:totp.invalid' } })
  }

  const token = await prisma.$transaction(async (tx) => {
    const updated = await tx.user.updateMany({
      where: { id: user.id, totpSecret: null, totpPending },
      data: { totpSecret: totpPending, totpPending: null, totpEnrolledAt: now, totpLastStep: step },
    })
    if (updated.count !== 1) throw new AppError('CONFLICT', 'Enrolment changed meanwhile')
    await revokeSession(tx, { sessionId: session.id, now })
    const created = await createSession(tx, {
      userId: user.id,
      mfaVerified: true,
      ip: options.ip,
      userAgent: options.userAgent,
      now,
    })
    const actor = { actorId: user.id, actorLabel: `user:${user.id}`, entityType: 'User', entityId: user.id, ip: options.ip ?? null }
    await recordAudit(tx, { ...actor, action: 'auth.totp.enrol', data: {} })
    await recordAudit(tx, {
      ...actor,
      action: 'auth.signin.success',
      data: { session: created.session.id.slice(0, 12), method: 'enrolment' },
    })
    return created.token
  })
  await refundRateLimits(prisma, rules)
  return { token, userId: user.id }
}
