import { describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { isAppError } from '#domain/errors.ts'
import { createFirstAdministrator, isSetupRequired } from './create-first-administrator.ts'
import { findActiveSession } from './sessions.ts'
import { verifyPassword } from './password.ts'

describeEachBackend('first-run setup', (backend) => {
  const db = useTestDatabase(backend)

  const input = { name: 'Ilze Bērziņa', email: 'Ilze@Jelgava.lv', password: 'a long enough password' }

  describe('first-run setup', () => {
    it('refuses invalid input with a message key per field and writes nothing', async () => {
      const error = await createFirstAdministrator({ prisma: db().prisma, name: ' ', email: 'not-an-email', password: 'short' }).catch((e: unknown) => e)
      expect(isAppError(error) && error.fields).toEqual({
        name: 'errors:required',
        email: 'auth:fields.emailInvalid',
        password: 'auth:password.tooShort',
      })
      expect(await db().prisma.user.count()).toBe(0)
      expect(await isSetupRequired(db().prisma)).toBe(true)
    })

    it('two simultaneous setups create exactly one administrator', async () => {
      const results = await Promise.allSettled([
        createFirstAdministrator({ prisma: db().prisma, ...input, ip: '10.1.0.1' }),
        createFirstAdministrator({ prisma: db().prisma, ...input, email: 'someone.else@jelgava.lv', ip: '10.1.0.2' }),
      ])
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r) => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      const reason = (lost[0] as PromiseRejectedResult).reason
      expect(isAppError(reason) && reason.code).toBe('CONFLICT')
      const users = await db().prisma.user.findMany()
      expect(users).toHaveLength(1)
      expect(users[0].role).toBe('ADMINISTRATOR')
      // the administrator has a pending second factor and a pending (not signed-in) session
      expect(users[0].totpSecret).toBeNull()
      expect(users[0].totpPending).toMatch(/^[A-Z2-7]{32}$/)
      const { token } = (won[0] as PromiseFulfilledResult<{ token: string }>).value
      const session = await findActiveSession(db().prisma, token, { requireMfa: false })
      expect(session?.user.id).toBe(users[0].id)
      expect(await findActiveSession(db().prisma, token)).toBeNull()
      expect(await db().prisma.auditLog.count({ where: { action: 'setup.administrator.create', entityId: users[0].id } })).toBe(1)
    })

    it('is refused once a user exists', async () => {
      expect(await isSetupRequired(db().prisma)).toBe(false)
      const error = await createFirstAdministrator({ prisma: db().prisma, ...input, email: 'late@jelgava.lv' }).catch((e: unknown) => e)
      expect(isAppError(error) && error.code).toBe('CONFLICT')
      expect(await db().prisma.user.count()).toBe(1)
    })

    it('stores the e-mail normalised and the password hashed', async () => {
      const user = await db().prisma.user.findFirstOrThrow()
      expect(['ilze@jelgava.lv', 'someone.else@jelgava.lv']).toContain(user.email)
      expect(await verifyPassword(user.passwordHash, input.password)).toBe(true)
    })
  })
})
