// Staff mobile numbers (issue 4: "staff and groups have numbers too"): User.phone in E.164, set by
// an administrator on the user's screen or by the user on /account; empty clears it. The number is
// normalised with notify/channels/sms/e164.ts (an SMS to a landline is lost: mobile only). The
// audit log never holds the number (as with residents' SMS subscriptions): only whether one is set.
// A disabled user's number is not used: the fan-out takes ACTIVE members only.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { assertCanManageUsers } from '#domain/auth/manage-users-guard.ts'
import { AppError } from '#domain/errors.ts'
import { normalizeE164 } from '#notify/channels/sms/e164.ts'

/** The i18n key of a number that is not a mobile number in E.164. */
export const PHONE_INVALID = 'admin:errors.phoneInvalid'

/** What was typed → E.164, or null for none (empty); AppError INVALID_INPUT naming `field` otherwise. */
export function parseStaffPhone(value: unknown, field = 'phone'): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw new AppError('INVALID_INPUT', `${field}: not a phone number`, { fields: { [field]: PHONE_INVALID } })
  if (value.trim() === '') return null
  const result = normalizeE164(value)
  if (!result.ok) throw new AppError('INVALID_INPUT', `${field}: ${result.message}`, { fields: { [field]: PHONE_INVALID } })
  return result.number
}

async function writePhone(prisma: PrismaClient, actor: Actor, userId: string, phone: string | null): Promise<{ phone: string | null; changed: boolean }> {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { phone: true } })
    if (!user) throw new AppError('NOT_FOUND', 'No such user')
    if (user.phone === phone) return { phone, changed: false }
    await tx.user.update({ where: { id: userId }, data: { phone } })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: phone ? 'user.phone.set' : 'user.phone.cleared',
      entityType: 'User',
      entityId: userId,
      // never the number: whether there was one before
      data: { had: user.phone !== null },
    })
    return { phone, changed: true }
  })
}

/** An administrator sets (or clears) a staff member's mobile number. */
export async function setUserPhone(options: { prisma: PrismaClient; actor: Actor; userId: string; phone: unknown }) {
  assertCanManageUsers(options.actor)
  const phone = parseStaffPhone(options.phone)
  return writePhone(options.prisma, options.actor, options.userId, phone)
}

/** A signed-in user sets (or clears) their own mobile number. */
export async function setOwnPhone(options: { prisma: PrismaClient; self: { userId: string; ip?: string | null }; phone: unknown }) {
  const phone = parseStaffPhone(options.phone)
  const actor: Actor = { id: options.self.userId, role: null, label: `user:${options.self.userId}`, ip: options.self.ip ?? null }
  return writePhone(options.prisma, actor, options.self.userId, phone)
}

/** A number as lists show it ('+371 2••••123'). */
export { maskPhone } from '#notify/channels/sms/e164.ts'
