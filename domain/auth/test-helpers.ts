// Helpers for the auth tests (real database, no mocks): make users quickly.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { hashPassword } from './password.ts'
import { generateTotpSecret } from './totp.ts'

let cachedHash: Promise<string> | undefined
export const TEST_PASSWORD = 'correct horse battery staple'

/** A user with TEST_PASSWORD; enrolled in TOTP unless `enrolled: false`. */
export async function makeUser(
  prisma: PrismaClient,
  options: { email?: string; role?: Role; enrolled?: boolean; status?: 'ACTIVE' | 'DISABLED' } = {},
) {
  cachedHash ??= hashPassword(TEST_PASSWORD)
  const secret = generateTotpSecret()
  const enrolled = options.enrolled ?? true
  return prisma.user.create({
    data: {
      email: options.email ?? `user-${crypto.randomUUID().slice(0, 8)}@jelgava.test`,
      name: 'Test User',
      role: options.role ?? 'OPERATOR',
      status: options.status ?? 'ACTIVE',
      passwordHash: await cachedHash,
      totpSecret: enrolled ? secret : null,
      totpPending: enrolled ? null : secret,
      totpEnrolledAt: enrolled ? new Date() : null,
    },
  })
}
