// Sign-in, step one: e-mail and password. On success a *pending* session starts (second factor
// not yet verified); the caller sends the user to the second-factor step, or to enrolment when
// the user has no second factor yet. Unknown e-mail addresses cost as much time as real ones.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { signInRules } from './limits.ts'
import { verifyDummyPassword, verifyPassword } from './password.ts'
import { enforceRateLimits, refundRateLimits } from './rate-limit.ts'
import { createSession } from './sessions.ts'

export type SignInFailureReason = 'unknown-email' | 'bad-password' | 'disabled'

export async function signInWithPassword(options: {
  prisma: PrismaClient
  email: string
  password: string
  ip?: string | null
  userAgent?: string | null
  now?: Date
}): Promise<{ token: string; userId: string; totpEnrolled: boolean }> {
  const { prisma, password } = options
  const email = options.email.trim().toLowerCase()
  const rules = signInRules(email, options.ip)
  await enforceRateLimits(prisma, rules, options.now)

  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, status: true, passwordHash: true, totpSecret: true },
  })
  const fail = async (reason: SignInFailureReason): Promise<never> => {
    await prisma.$transaction((tx) =>
      recordAudit(tx, {
        actorId: user?.id ?? null,
        actorLabel: user ? `user:${user.id}` : 'anonymous',
        action: 'auth.signin.failure',
        entityType: 'User',
        entityId: user?.id ?? null,
        ip: options.ip ?? null,
        data: { reason, email: email.slice(0, 254) },
      }),
    )
    throw new AppError('UNAUTHENTICATED', 'Wrong e-mail or password')
  }

  if (!user) {
    await verifyDummyPassword(password)
    return fail('unknown-email')
  }
  if (!(await verifyPassword(user.passwordHash, password))) return fail('bad-password')
  if (user.status !== 'ACTIVE') return fail('disabled')

  await refundRateLimits(prisma, rules)
  const { token } = await createSession(prisma, {
    userId: user.id,
    mfaVerified: false,
    ip: options.ip,
    userAgent: options.userAgent,
    now: options.now,
  })
  return { token, userId: user.id, totpEnrolled: user.totpSecret !== null }
}
