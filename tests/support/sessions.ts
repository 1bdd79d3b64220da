// Signed-in sessions made directly in the database, for tests that need a user of some role
// without going through the sign-in screens (the policy test; e2e tests after the sign-in test).
// The row is what a real sign-in with a verified second factor creates (domain/auth/sessions.ts):
// id = sha256 hex of a random token, mfaVerified true; the cookie is `sargs_session=<token>`.
import crypto from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { createSession, SESSION_COOKIE } from '#domain/auth/sessions.ts'
import { generateTotpSecret } from '#domain/auth/totp.ts'

export type TestSession = {
  user: { id: string; email: string; name: string; role: Role }
  token: string
  /** the Cookie request header value */
  cookie: string
}

/** A new active user of `role` with an enrolled second factor and a fully signed-in session. */
export async function createSignedInUser(prisma: PrismaClient, role: Role, options: { name?: string } = {}): Promise<TestSession> {
  const suffix = crypto.randomBytes(4).toString('hex')
  const user = await prisma.user.create({
    data: {
      email: `${role.toLowerCase().replace(/_/g, '-')}-${suffix}@test.sargs.lv`,
      name: options.name ?? `Test ${role.toLowerCase()} ${suffix}`,
      role,
      // never used: these users only ever come in through a session made here
      passwordHash: 'test-user-without-password',
      totpSecret: generateTotpSecret(),
      totpEnrolledAt: new Date(),
    },
    select: { id: true, email: true, name: true, role: true },
  })
  const { token } = await createSession(prisma, { userId: user.id, mfaVerified: true })
  return { user, token, cookie: `${SESSION_COOKIE}=${token}` }
}

/** Another fully signed-in session for an existing user (e.g. one per request that may sign out). */
export async function newSession(prisma: PrismaClient, userId: string): Promise<{ token: string; cookie: string }> {
  const { token } = await createSession(prisma, { userId, mfaVerified: true })
  return { token, cookie: `${SESSION_COOKIE}=${token}` }
}

/** The cookie for a browser context (Playwright's addCookies shape). */
export function browserCookie(session: TestSession, url: string) {
  return { name: SESSION_COOKIE, value: session.token, url, httpOnly: true, sameSite: 'Lax' as const }
}
