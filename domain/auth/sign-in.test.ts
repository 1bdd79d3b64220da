// The sign-in flow end to end on the real database: password step, second factor, enrolment,
// sign-out, rate limits, and the audit rows each writes.
import { describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { isAppError } from '#domain/errors.ts'
import { confirmTotpEnrolment, startTotpEnrolment } from './enrol-second-factor.ts'
import { SIGNIN_ACCOUNT, SIGNIN_ACCOUNT_IP } from './limits.ts'
import { findActiveSession } from './sessions.ts'
import { signInWithPassword } from './sign-in-with-password.ts'
import { signOut } from './sign-out.ts'
import { makeUser, TEST_PASSWORD } from './test-helpers.ts'
import { generateTotpCode } from './totp.ts'
import { verifySecondFactor } from './verify-second-factor.ts'

describeEachBackend('sign-in', (backend) => {
  const db = useTestDatabase(backend)

  const T0 = new Date('2026-03-02T07:00:00.000Z')
  const later = (s: number) => new Date(T0.getTime() + s * 1000)

  async function errorOf(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    )
    if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`)
    return error
  }

  async function lastAudit(action?: string) {
    return db().prisma.auditLog.findFirst({ where: action ? { action } : {}, orderBy: { seq: 'desc' } })
  }

  describe('sign-in with password and second factor', () => {
    it('password → pending session → TOTP → full session with a new token; audited', async () => {
      const user = await makeUser(db().prisma, { email: 'anna@jelgava.test' })
      const step1 = await signInWithPassword({ prisma: db().prisma, email: ' Anna@Jelgava.test ', password: TEST_PASSWORD, ip: '10.0.0.1', now: T0 })
      expect(step1).toMatchObject({ userId: user.id, totpEnrolled: true })
      expect(await findActiveSession(db().prisma, step1.token, { now: T0 })).toBeNull()

      const code = generateTotpCode(user.totpSecret!, T0)
      const step2 = await verifySecondFactor({ prisma: db().prisma, token: step1.token, code, ip: '10.0.0.1', now: T0 })
      expect(step2.token).not.toBe(step1.token)
      expect((await findActiveSession(db().prisma, step2.token, { now: T0 }))?.user.id).toBe(user.id)
      // the pending session is gone
      expect(await findActiveSession(db().prisma, step1.token, { now: T0, requireMfa: false })).toBeNull()
      const audit = await lastAudit('auth.signin.success')
      expect(audit).toMatchObject({ actorId: user.id, entityId: user.id, ip: '10.0.0.1' })
    })

    it('a TOTP code works once: replaying it on a new sign-in is refused, the next one works', async () => {
      const user = await makeUser(db().prisma)
      const code = generateTotpCode(user.totpSecret!, T0)
      const a = await signInWithPassword({ prisma: db().prisma, email: user.email, password: TEST_PASSWORD, ip: '10.0.0.2', now: T0 })
      await verifySecondFactor({ prisma: db().prisma, token: a.token, code, ip: '10.0.0.2', now: T0 })
      const b = await signInWithPassword({ prisma: db().prisma, email: user.email, password: TEST_PASSWORD, ip: '10.0.0.2', now: T0 })
      const error = await errorOf(verifySecondFactor({ prisma: db().prisma, token: b.token, code, ip: '10.0.0.2', now: later(5) }))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.fields).toEqual({ code: 'auth:totp.invalid' })
      expect((await lastAudit('auth.signin.failure'))?.data).toEqual({ reason: 'bad-totp' })
      const next = generateTotpCode(user.totpSecret!, later(30))
      const ok = await verifySecondFactor({ prisma: db().prisma, token: b.token, code: next, ip: '10.0.0.2', now: later(30) })
      expect(await findActiveSession(db().prisma, ok.token, { now: later(30) })).not.toBeNull()
    })

    it('wrong password, unknown e-mail and disabled account give the same answer; reasons are audited without the password', async () => {
      const user = await makeUser(db().prisma, { email: 'disabled@jelgava.test', status: 'DISABLED' })
      const cases = [
        { email: 'nobody@jelgava.test', password: TEST_PASSWORD, reason: 'unknown-email' },
        { email: user.email, password: 'wrong password here', reason: 'bad-password' },
        { email: user.email, password: TEST_PASSWORD, reason: 'disabled' },
      ]
      for (const c of cases) {
        const error = await errorOf(signInWithPassword({ prisma: db().prisma, email: c.email, password: c.password, ip: '10.0.0.3', now: T0 }))
        expect(error.code).toBe('UNAUTHENTICATED')
        expect(error.message).toBe('Wrong e-mail or password')
      }
      const rows = await db().prisma.auditLog.findMany({ where: { action: 'auth.signin.failure', ip: '10.0.0.3' }, orderBy: { seq: 'asc' } })
      expect(rows.map((r) => (r.data as { reason: string }).reason)).toEqual(['unknown-email', 'bad-password', 'disabled'])
      const stored = JSON.stringify(rows.map((r) => [r.data, r.actorLabel, r.entityId]))
      expect(stored).not.toContain(TEST_PASSWORD)
      expect(stored).not.toContain('wrong password here')
      expect(rows[0].actorLabel).toBe('anonymous')
    })

    it('the second step needs a pending session of an enrolled user', async () => {
      const error = await errorOf(verifySecondFactor({ prisma: db().prisma, token: null, code: '123456', now: T0 }))
      expect(error.code).toBe('UNAUTHENTICATED')
    })

    it('sign-out revokes the session and is audited', async () => {
      const user = await makeUser(db().prisma)
      const a = await signInWithPassword({ prisma: db().prisma, email: user.email, password: TEST_PASSWORD, ip: '10.0.0.4', now: T0 })
      const b = await verifySecondFactor({ prisma: db().prisma, token: a.token, code: generateTotpCode(user.totpSecret!, T0), now: T0 })
      expect(await signOut({ prisma: db().prisma, token: b.token, ip: '10.0.0.4', now: T0 })).toBe(true)
      expect(await findActiveSession(db().prisma, b.token, { now: T0 })).toBeNull()
      expect(await lastAudit()).toMatchObject({ action: 'auth.signout', actorId: user.id })
      expect(await signOut({ prisma: db().prisma, token: b.token, now: T0 })).toBe(false)
    })
  })

  describe('enrolment of the second factor', () => {
    it('a user without a second factor enrols with the pending secret and is then signed in', async () => {
      const user = await makeUser(db().prisma, { enrolled: false })
      const step1 = await signInWithPassword({ prisma: db().prisma, email: user.email, password: TEST_PASSWORD, ip: '10.0.1.1', now: T0 })
      expect(step1.totpEnrolled).toBe(false)
      // the second-factor step refuses: nothing enrolled
      expect((await errorOf(verifySecondFactor({ prisma: db().prisma, token: step1.token, code: '000000', now: T0 }))).code).toBe('UNAUTHENTICATED')

      const first = await startTotpEnrolment({ prisma: db().prisma, userId: user.id })
      const again = await startTotpEnrolment({ prisma: db().prisma, userId: user.id })
      expect(again.secret).toBe(first.secret) // stable until confirmed
      expect(first.secret).toBe(user.totpPending)
      expect(first.uri).toContain(encodeURIComponent(user.email))

      const wrong = await errorOf(confirmTotpEnrolment({ prisma: db().prisma, token: step1.token, code: '000000', now: T0 }))
      expect(wrong.code).toBe('INVALID_INPUT')
      const code = generateTotpCode(first.secret, T0)
      const done = await confirmTotpEnrolment({ prisma: db().prisma, token: step1.token, code, ip: '10.0.1.1', now: T0 })
      expect((await findActiveSession(db().prisma, done.token, { now: T0 }))?.user.totpEnrolled).toBe(true)
      const stored = await db().prisma.user.findUniqueOrThrow({ where: { id: user.id } })
      expect(stored).toMatchObject({ totpSecret: first.secret, totpPending: null })
      expect(stored.totpEnrolledAt).not.toBeNull()
      // the enrolment code is spent: it cannot sign anybody in again
      const step1b = await signInWithPassword({ prisma: db().prisma, email: user.email, password: TEST_PASSWORD, ip: '10.0.1.1', now: T0 })
      expect((await errorOf(verifySecondFactor({ prisma: db().prisma, token: step1b.token, code, now: later(10) }))).code).toBe('INVALID_INPUT')
      const actions = (await db().prisma.auditLog.findMany({ where: { actorId: user.id }, orderBy: { seq: 'asc' } })).map((r) => r.action)
      expect(actions).toEqual(expect.arrayContaining(['auth.totp.enrol', 'auth.signin.success']))
      // enrolled users cannot start again
      expect((await errorOf(startTotpEnrolment({ prisma: db().prisma, userId: user.id }))).code).toBe('CONFLICT')
    })
  })

  describe('rate limiting of sign-in', () => {
    it('per account and address: 429 with Retry-After after repeated failures; another account from the same address is unaffected', async () => {
      const victim = await makeUser(db().prisma)
      const bystander = await makeUser(db().prisma)
      for (let i = 0; i < SIGNIN_ACCOUNT_IP.limit; i++) {
        const e = await errorOf(signInWithPassword({ prisma: db().prisma, email: victim.email, password: 'bad password ' + i, ip: '10.0.2.1', now: later(i) }))
        expect(e.code).toBe('UNAUTHENTICATED')
      }
      const limited = await errorOf(signInWithPassword({ prisma: db().prisma, email: victim.email, password: TEST_PASSWORD, ip: '10.0.2.1', now: later(20) }))
      expect(limited.code).toBe('RATE_LIMITED')
      expect(limited.retryAfterSeconds).toBeGreaterThan(0)
      expect(limited.retryAfterSeconds).toBeLessThanOrEqual(SIGNIN_ACCOUNT_IP.windowSeconds)
      // another person at the same address signs in fine
      await signInWithPassword({ prisma: db().prisma, email: bystander.email, password: TEST_PASSWORD, ip: '10.0.2.1', now: later(21) })
      // the victim from another address is not blocked by this address's bucket
      await signInWithPassword({ prisma: db().prisma, email: victim.email, password: TEST_PASSWORD, ip: '10.0.2.2', now: later(22) })
      // and after the window the victim gets in from the first address again
      await signInWithPassword({ prisma: db().prisma, email: victim.email, password: TEST_PASSWORD, ip: '10.0.2.1', now: later(SIGNIN_ACCOUNT_IP.windowSeconds + 1) })
    })

    it('a flood against one account from many addresses slows that account only for a short window', async () => {
      const victim = await makeUser(db().prisma)
      const other = await makeUser(db().prisma)
      for (let i = 0; i < SIGNIN_ACCOUNT.limit; i++) {
        await errorOf(signInWithPassword({ prisma: db().prisma, email: victim.email, password: `guess ${i} xxxxxx`, ip: `192.0.2.${i + 1}`, now: T0 }))
      }
      // the real operator, from their own address, with the right password: held up briefly
      const held = await errorOf(signInWithPassword({ prisma: db().prisma, email: victim.email, password: TEST_PASSWORD, ip: '10.0.3.1', now: later(1) }))
      expect(held.code).toBe('RATE_LIMITED')
      expect(held.retryAfterSeconds).toBeLessThanOrEqual(SIGNIN_ACCOUNT.windowSeconds)
      // other accounts are not affected at all
      await signInWithPassword({ prisma: db().prisma, email: other.email, password: TEST_PASSWORD, ip: '192.0.2.200', now: later(1) })
      // after the short window: correct password + TOTP gets in
      const now = later(SIGNIN_ACCOUNT.windowSeconds + 1)
      const step1 = await signInWithPassword({ prisma: db().prisma, email: victim.email, password: TEST_PASSWORD, ip: '10.0.3.1', now })
      const step2 = await verifySecondFactor({ prisma: db().prisma, token: step1.token, code: generateTotpCode(victim.totpSecret!, now), ip: '10.0.3.1', now })
      expect(await findActiveSession(db().prisma, step2.token, { now })).not.toBeNull()
    })

    it('successful sign-ins do not use up the budget', async () => {
      const user = await makeUser(db().prisma)
      for (let i = 0; i < SIGNIN_ACCOUNT_IP.limit + 5; i++) {
        await signInWithPassword({ prisma: db().prisma, email: user.email, password: TEST_PASSWORD, ip: '10.0.4.1', now: later(i) })
      }
    })

    it('the second-factor step is rate-limited too', async () => {
      const user = await makeUser(db().prisma)
      const step1 = await signInWithPassword({ prisma: db().prisma, email: user.email, password: TEST_PASSWORD, ip: '10.0.5.1', now: T0 })
      let limited = null
      for (let i = 0; i < 20 && !limited; i++) {
        const e = await errorOf(verifySecondFactor({ prisma: db().prisma, token: step1.token, code: '000000', ip: '10.0.5.1', now: later(i) }))
        if (e.code === 'RATE_LIMITED') limited = e
      }
      expect(limited?.retryAfterSeconds).toBeGreaterThan(0)
    })
  })
})
