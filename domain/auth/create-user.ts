// An administrator (or `sargs user create`) creates a staff account. Without a password given,
// a one-time password is generated and returned (shown once, never stored in clear). The account
// gets a pending TOTP secret: the user confirms it with a code at first sign-in (/enrol shows the
// same secret, so the enrolment URI may also be handed over beforehand). Nobody reaches the app
// before the second factor is confirmed.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { parseStaffPhone } from '#domain/staff/staff-numbers.ts'
import type { Actor } from './actor.ts'
import { assertCanManageUsers } from './manage-users-guard.ts'
import { generatePassword, hashPassword } from './password.ts'
import { generateTotpSecret, totpUri } from './totp.ts'
import { validateAccountFields } from './validate-account.ts'

export async function createUser(options: {
  prisma: PrismaClient
  actor: Actor
  name: string
  email: string
  role: Role | string
  /** omitted: a one-time password is generated and returned */
  password?: string | null
  /** mobile number for staff notices (what was typed; normalised to E.164, empty: none) */
  phone?: unknown
}): Promise<{ userId: string; email: string; generatedPassword: string | null; totpUri: string }> {
  const { prisma, actor } = options
  assertCanManageUsers(actor)
  const generatedPassword = options.password ? null : generatePassword()
  const fields = validateAccountFields({
    name: options.name,
    email: options.email,
    role: options.role,
    password: options.password || generatedPassword,
  })
  const phone = parseStaffPhone(options.phone)
  const passwordHash = await hashPassword(fields.password)
  const secret = generateTotpSecret()
  try {
    const user = await prisma.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: fields.email }, select: { id: true } })) return null
      const created = await tx.user.create({
        data: { name: fields.name, email: fields.email, role: fields.role, passwordHash, totpPending: secret, phone },
        select: { id: true },
      })
      await recordAudit(tx, {
        ...actorFields(actor),
        action: 'user.create',
        entityType: 'User',
        entityId: created.id,
        // the number never enters the audit log: only whether one was given
        data: { email: fields.email, role: fields.role, passwordGenerated: generatedPassword !== null, phone: phone !== null },
      })
      return created
    })
    if (!user) throw emailTaken()
    return { userId: user.id, email: fields.email, generatedPassword, totpUri: totpUri(secret, fields.email) }
  } catch (error) {
    // two creations of the same address at once: the unique index answers
    if ((error as { code?: string } | null)?.code === 'P2002') throw emailTaken()
    throw error
  }
}

function emailTaken() {
  return new AppError('INVALID_INPUT', 'E-mail address already in use', { fields: { email: 'admin:errors.emailTaken' } })
}
