// Staff administration: create, role change, disable/enable, second-factor and password reset.
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { isAppError } from '#domain/errors.ts'
import { cliActor, userActor } from './actor.ts'
import { changeUserRole } from './change-user-role.ts'
import { createUser } from './create-user.ts'
import { getUser, listUsers } from './list-users.ts'
import { verifyPassword } from './password.ts'
import { resetPassword } from './reset-password.ts'
import { resetSecondFactor } from './reset-second-factor.ts'
import { createSession, findActiveSession } from './sessions.ts'
import { setUserStatus } from './set-user-status.ts'
import { makeUser } from './test-helpers.ts'

describeEachBackend('staff administration', (backend) => {
  const db = useTestDatabase(backend)
  let admin: Awaited<ReturnType<typeof makeUser>>
  beforeAll(async () => {
    admin = await makeUser(db().prisma, { role: 'ADMINISTRATOR', email: 'admin@jelgava.test' })
  }, 120_000)

  const actor = () => userActor(admin, '10.2.0.1')

  async function errorOf(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    )
    if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`)
    return error
  }

  async function signedIn(userId: string) {
    return (await createSession(db().prisma, { userId, mfaVerified: true })).token
  }

  describe('createUser', () => {
    it('creates a user with a generated one-time password and a pending second factor; audited', async () => {
      const result = await createUser({ prisma: db().prisma, actor: actor(), name: 'Jānis Ozols', email: 'Janis@Jelgava.test', role: 'OPERATOR' })
      expect(result.generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/)
      expect(result.totpUri).toMatch(/^otpauth:\/\/totp\//)
      const user = await db().prisma.user.findUniqueOrThrow({ where: { id: result.userId } })
      expect(user).toMatchObject({ email: 'janis@jelgava.test', role: 'OPERATOR', status: 'ACTIVE', totpSecret: null })
      expect(result.totpUri).toContain(`secret=${user.totpPending}`)
      expect(await verifyPassword(user.passwordHash, result.generatedPassword!)).toBe(true)
      const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: 'user.create', entityId: user.id } })
      expect(audit).toMatchObject({ actorId: admin.id, ip: '10.2.0.1' })
      expect(JSON.stringify(audit.data)).not.toContain(result.generatedPassword!)
    })

    it('takes a given password; refuses bad input and duplicate e-mails with field keys, writing nothing', async () => {
      const given = await createUser({ prisma: db().prisma, actor: cliActor, name: 'Ruta', email: 'ruta@jelgava.test', role: 'TRAINER', password: 'a password chosen by admin' })
      expect(given.generatedPassword).toBeNull()
      const before = await db().prisma.user.count()
      const auditBefore = await db().prisma.auditLog.count()
      const bad = await errorOf(createUser({ prisma: db().prisma, actor: actor(), name: '', email: 'x', role: 'CHIEF', password: 'short' }))
      expect(bad.fields).toEqual({
        name: 'errors:required',
        email: 'auth:fields.emailInvalid',
        role: 'admin:fields.roleInvalid',
        password: 'auth:password.tooShort',
      })
      const dup = await errorOf(createUser({ prisma: db().prisma, actor: actor(), name: 'Ruta 2', email: 'RUTA@jelgava.test', role: 'OPERATOR' }))
      expect(dup.fields).toEqual({ email: 'admin:errors.emailTaken' })
      expect(await db().prisma.user.count()).toBe(before)
      expect(await db().prisma.auditLog.count()).toBe(auditBefore)
    })

    it('refuses actors without manage:user:any', async () => {
      const operator = await makeUser(db().prisma, { role: 'OPERATOR' })
      const error = await errorOf(createUser({ prisma: db().prisma, actor: userActor(operator), name: 'X', email: 'x@jelgava.test', role: 'OPERATOR' }))
      expect(error.code).toBe('FORBIDDEN')
    })
  })

  describe('role, status, second factor, password', () => {
    it('changing a role revokes the user’s sessions and is audited', async () => {
      const user = await makeUser(db().prisma, { role: 'OPERATOR' })
      const token = await signedIn(user.id)
      const other = await signedIn(admin.id)
      const result = await changeUserRole({ prisma: db().prisma, actor: actor(), userId: user.id, role: 'COMMISSION_MEMBER' })
      expect(result).toEqual({ changed: true, revokedSessions: 1 })
      expect(await findActiveSession(db().prisma, token)).toBeNull()
      expect(await findActiveSession(db().prisma, other)).not.toBeNull()
      expect((await getUser({ prisma: db().prisma, userId: user.id })).role).toBe('COMMISSION_MEMBER')
      const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: 'user.role.change', entityId: user.id } })
      expect(audit.data).toEqual({ from: 'OPERATOR', to: 'COMMISSION_MEMBER', revokedSessions: 1 })
      // the same role again: nothing happens, nothing audited
      expect(await changeUserRole({ prisma: db().prisma, actor: actor(), userId: user.id, role: 'COMMISSION_MEMBER' })).toEqual({ changed: false, revokedSessions: 0 })
      expect((await errorOf(changeUserRole({ prisma: db().prisma, actor: actor(), userId: user.id, role: 'KING' }))).fields).toEqual({ role: 'admin:fields.roleInvalid' })
    })

    it('disabling revokes sessions and blocks sign-in; enabling lets the user back', async () => {
      const user = await makeUser(db().prisma)
      const token = await signedIn(user.id)
      expect(await setUserStatus({ prisma: db().prisma, actor: actor(), userId: user.id, status: 'DISABLED' })).toEqual({ changed: true, revokedSessions: 1 })
      expect(await findActiveSession(db().prisma, token)).toBeNull()
      await setUserStatus({ prisma: db().prisma, actor: actor(), userId: user.id, status: 'ACTIVE' })
      expect(await findActiveSession(db().prisma, token)).toBeNull() // revoked stays revoked
      expect((await getUser({ prisma: db().prisma, userId: user.id })).status).toBe('ACTIVE')
      const actions = (await db().prisma.auditLog.findMany({ where: { entityId: user.id }, orderBy: { seq: 'asc' } })).map((r) => r.action)
      expect(actions).toEqual(['user.disable', 'user.enable'])
    })

    it('resetting the second factor drops it, revokes sessions and is audited', async () => {
      const user = await makeUser(db().prisma)
      const token = await signedIn(user.id)
      expect(await resetSecondFactor({ prisma: db().prisma, actor: actor(), userId: user.id })).toEqual({ revokedSessions: 1 })
      const stored = await db().prisma.user.findUniqueOrThrow({ where: { id: user.id } })
      expect(stored).toMatchObject({ totpSecret: null, totpPending: null, totpEnrolledAt: null, totpLastStep: null })
      expect(await findActiveSession(db().prisma, token)).toBeNull()
      expect(await db().prisma.auditLog.count({ where: { action: 'user.totp.reset', entityId: user.id } })).toBe(1)
    })

    it('a new one-time password replaces the old one and revokes sessions', async () => {
      const user = await makeUser(db().prisma)
      const token = await signedIn(user.id)
      const { generatedPassword } = await resetPassword({ prisma: db().prisma, actor: actor(), userId: user.id })
      const stored = await db().prisma.user.findUniqueOrThrow({ where: { id: user.id } })
      expect(await verifyPassword(stored.passwordHash, generatedPassword)).toBe(true)
      expect(await findActiveSession(db().prisma, token)).toBeNull()
    })

    it('guards: not on oneself, never the last active administrator, unknown user', async () => {
      expect((await errorOf(setUserStatus({ prisma: db().prisma, actor: actor(), userId: admin.id, status: 'DISABLED' }))).fields).toEqual({ form: 'admin:errors.notSelf' })
      expect((await errorOf(changeUserRole({ prisma: db().prisma, actor: actor(), userId: admin.id, role: 'OPERATOR' }))).code).toBe('CONFLICT')
      // the CLI may act on anyone, but not remove the last administrator
      const lastAdmin = await errorOf(changeUserRole({ prisma: db().prisma, actor: cliActor, userId: admin.id, role: 'OPERATOR' }))
      expect(lastAdmin.fields).toEqual({ form: 'admin:errors.lastAdministrator' })
      expect((await errorOf(setUserStatus({ prisma: db().prisma, actor: cliActor, userId: admin.id, status: 'DISABLED' }))).fields).toEqual({ form: 'admin:errors.lastAdministrator' })
      // with a second administrator it is allowed
      const second = await makeUser(db().prisma, { role: 'ADMINISTRATOR' })
      await changeUserRole({ prisma: db().prisma, actor: userActor(second), userId: admin.id, role: 'OPERATOR' })
      await changeUserRole({ prisma: db().prisma, actor: userActor(second), userId: admin.id, role: 'ADMINISTRATOR' })
      expect((await errorOf(resetSecondFactor({ prisma: db().prisma, actor: actor(), userId: 'no-such-user' }))).code).toBe('NOT_FOUND')
    })

    it('lists users without secrets, with live session counts', async () => {
      await signedIn(admin.id)
      const users = await listUsers({ prisma: db().prisma })
      const me = users.find((u) => u.id === admin.id)
      expect(me?.activeSessions).toBeGreaterThanOrEqual(1)
      expect(me?.totpEnrolled).toBe(true)
      expect(JSON.stringify(users)).not.toMatch(/passwordHash|totpSecret|totpPending|argon2/)
    })
  })
})
