// First-run setup: while no user exists, the first administrator is created from the setup form.
// Race-safe: a transaction-scoped advisory lock serialises setups and the "no user yet" check is
// made under it, so two simultaneous setups give exactly one administrator (the other gets
// CONFLICT). The administrator then enrols a second factor (enrol-second-factor.ts) with the
// pending session returned here.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { setupRules } from './limits.ts'
import { hashPassword } from './password.ts'
import { enforceRateLimits } from './rate-limit.ts'
import { createSession } from './sessions.ts'
import { generateTotpSecret } from './totp.ts'
import { validateAccountFields } from './validate-account.ts'

const SETUP_LOCK_KEY = 727_002 // pg_advisory_xact_lock key reserved for first-run setup

const setupDone = new WeakMap<object, true>()

/** True while the instance has no user at all. Cached once false (users are never all deleted). */
export async function isSetupRequired(prisma: PrismaClient): Promise<boolean> {
  if (setupDone.has(prisma)) return false
  const any = await prisma.user.findFirst({ select: { id: true } })
  if (any) setupDone.set(prisma, true)
  return !any
}

export async function createFirstAdministrator(options: {
  prisma: PrismaClient
  name: string
  email: string
  password: string
  ip?: string | null
  userAgent?: string | null
  now?: Date
}): Promise<{ token: string; userId: string }> {
  const { prisma } = options
  const fields = validateAccountFields({ name: options.name, email: options.email, password: options.password })
  if (!(await isSetupRequired(prisma))) throw new AppError('CONFLICT', 'Setup is already done')
  await enforceRateLimits(prisma, setupRules(options.ip), options.now)
  const passwordHash = await hashPassword(fields.password)

  const result = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK_KEY})`
    if ((await tx.user.count()) > 0) return null
    const user = await tx.user.create({
      data: {
        name: fields.name,
        email: fields.email,
        role: 'ADMINISTRATOR',
        passwordHash,
        totpPending: generateTotpSecret(),
      },
      select: { id: true },
    })
    await recordAudit(tx, {
      actorId: user.id,
      actorLabel: `user:${user.id}`,
      action: 'setup.administrator.create',
      entityType: 'User',
      entityId: user.id,
      ip: options.ip ?? null,
      data: { email: fields.email, role: 'ADMINISTRATOR' },
    })
    const { token } = await createSession(tx, {
      userId: user.id,
      mfaVerified: false,
      ip: options.ip,
      userAgent: options.userAgent,
      now: options.now,
    })
    return { token, userId: user.id }
  })
  if (!result) throw new AppError('CONFLICT', 'Setup is already done')
  setupDone.set(prisma, true)
  return result
}
