// TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s), accepting the previous, current and next
// time step. A code works once: the accepted step is stored in User.totpLastStep and a step at or
// before it is refused, with one conditional UPDATE so that two simultaneous uses cannot both win.
import * as OTPAuth from 'otpauth'
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'

export const TOTP_ISSUER = 'Sargs'
export const TOTP_PERIOD = 30
export const TOTP_WINDOW = 1

type Db = PrismaClient | Prisma.TransactionClient

function totpFor(secret: string, label = 'sargs'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: OTPAuth.Secret.fromBase32(secret),
  })
}

/** A new random base32 secret (160 bits, as RFC 4226 recommends). */
export function generateTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32
}

/** otpauth:// URI for authenticator apps (what the QR code encodes). */
export function totpUri(secret: string, accountLabel: string): string {
  return totpFor(secret, accountLabel).toString()
}

/** The code an authenticator shows at `now` (tests and the e2e harness use it). */
export function generateTotpCode(secret: string, now: Date = new Date()): string {
  return totpFor(secret).generate({ timestamp: now.getTime() })
}

/** The time step a code belongs to (within ±1 step of now), or null when it is not valid. */
export function matchTotpStep(secret: string, code: string, now: Date = new Date()): bigint | null {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const totp = totpFor(secret)
  const delta = totp.validate({ token, timestamp: now.getTime(), window: TOTP_WINDOW })
  if (delta === null) return null
  return BigInt(totp.counter({ timestamp: now.getTime() }) + delta)
}

/**
 * Accept a code for an enrolled user exactly once. Returns false for a wrong code, a code already
 * used, or a code older than one already used.
 */
export async function consumeTotpCode(
  db: Db,
  options: { userId: string; secret: string; code: string; now?: Date },
): Promise<boolean> {
  const step = matchTotpStep(options.secret, options.code, options.now)
  if (step === null) return false
  const updated = await db.user.updateMany({
    where: {
      id: options.userId,
      totpSecret: options.secret,
      OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }],
    },
    data: { totpLastStep: step },
  })
  return updated.count === 1
}
