import { describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import {
  createSession,
  findActiveSession,
  hashSessionToken,
  listUserSessions,
  PENDING_SESSION_MS,
  pruneSessions,
  revokeSession,
  revokeUserSessions,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
} from './sessions.ts'
import { makeUser } from './test-helpers.ts'

describeEachBackend('sessions', (backend) => {
  const db = useTestDatabase(backend)

  const T0 = new Date('2026-03-01T08:00:00.000Z')
  const later = (ms: number) => new Date(T0.getTime() + ms)
  const MIN = 60_000

  describe('sessions', () => {
    it('stores only the sha-256 of the token and finds the session by token', async () => {
      const user = await makeUser(db().prisma)
      const { token, session } = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(session.id).toBe(hashSessionToken(token))
      expect(await db().prisma.session.count({ where: { id: token } })).toBe(0)
      const found = await findActiveSession(db().prisma, token, { now: T0 })
      expect(found?.user.id).toBe(user.id)
      expect(found?.user).not.toHaveProperty('passwordHash')
      expect(found?.user).not.toHaveProperty('totpSecret')
      expect(await findActiveSession(db().prisma, token.slice(1) + 'A', { now: T0 })).toBeNull()
      expect(await findActiveSession(db().prisma, 'garbage', { now: T0 })).toBeNull()
      expect(await findActiveSession(db().prisma, null, { now: T0 })).toBeNull()
    })

    it('expires after 30 idle minutes', async () => {
      const user = await makeUser(db().prisma)
      const { token } = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      expect(await findActiveSession(db().prisma, token, { now: later(SESSION_IDLE_MS - 1000), touch: false })).not.toBeNull()
      expect(await findActiveSession(db().prisma, token, { now: later(SESSION_IDLE_MS) })).toBeNull()
    })

    it('activity slides the idle timeout, writing at most once a minute', async () => {
      const user = await makeUser(db().prisma)
      const { token, session } = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      // 30 s later: no write
      await findActiveSession(db().prisma, token, { now: later(30_000) })
      let row = await db().prisma.session.findUniqueOrThrow({ where: { id: session.id } })
      expect(row.lastSeenAt.getTime()).toBe(T0.getTime())
      // 20 min later: slid to 20 + 30 min
      await findActiveSession(db().prisma, token, { now: later(20 * MIN) })
      row = await db().prisma.session.findUniqueOrThrow({ where: { id: session.id } })
      expect(row.lastSeenAt.getTime()).toBe(later(20 * MIN).getTime())
      expect(row.idleExpiresAt.getTime()).toBe(later(50 * MIN).getTime())
      // so at 45 min (past the first idle deadline) it is still alive
      expect(await findActiveSession(db().prisma, token, { now: later(45 * MIN) })).not.toBeNull()
    })

    it('ends after 12 hours however active the user is', async () => {
      const user = await makeUser(db().prisma)
      const { token } = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      for (let t = 20 * MIN; t < SESSION_ABSOLUTE_MS; t += 20 * MIN) {
        expect(await findActiveSession(db().prisma, token, { now: later(t) })).not.toBeNull()
      }
      const row = await db().prisma.session.findUniqueOrThrow({ where: { id: hashSessionToken(token) } })
      expect(row.idleExpiresAt.getTime()).toBeLessThanOrEqual(later(SESSION_ABSOLUTE_MS).getTime())
      expect(await findActiveSession(db().prisma, token, { now: later(SESSION_ABSOLUTE_MS) })).toBeNull()
    })

    it('a pending session (second factor not verified) is not a signed-in session and is short-lived', async () => {
      const user = await makeUser(db().prisma)
      const { token } = await createSession(db().prisma, { userId: user.id, mfaVerified: false, now: T0 })
      expect(await findActiveSession(db().prisma, token, { now: T0 })).toBeNull()
      const pending = await findActiveSession(db().prisma, token, { now: T0, requireMfa: false })
      expect(pending?.session.mfaVerified).toBe(false)
      expect(await findActiveSession(db().prisma, token, { now: later(PENDING_SESSION_MS), requireMfa: false })).toBeNull()
    })

    it('a user without an enrolled second factor never has a signed-in session', async () => {
      const user = await makeUser(db().prisma, { enrolled: false })
      const { token } = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      expect(await findActiveSession(db().prisma, token, { now: T0 })).toBeNull()
      expect((await findActiveSession(db().prisma, token, { now: T0, requireMfa: false }))?.user.totpEnrolled).toBe(false)
    })

    it('revocation: one session, all sessions of a user, and disabled users', async () => {
      const user = await makeUser(db().prisma)
      const a = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      const b = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      const c = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      expect(await revokeSession(db().prisma, { sessionId: a.session.id, now: T0 })).toBe(true)
      expect(await revokeSession(db().prisma, { sessionId: a.session.id, now: T0 })).toBe(false)
      expect(await findActiveSession(db().prisma, a.token, { now: T0 })).toBeNull()
      expect((await listUserSessions(db().prisma, { userId: user.id, now: T0 })).map((s) => s.id).sort()).toEqual(
        [b.session.id, c.session.id].sort(),
      )
      expect(await revokeUserSessions(db().prisma, { userId: user.id, exceptSessionId: c.session.id, now: T0 })).toBe(1)
      expect(await findActiveSession(db().prisma, b.token, { now: T0 })).toBeNull()
      expect(await findActiveSession(db().prisma, c.token, { now: T0 })).not.toBeNull()
      await db().prisma.user.update({ where: { id: user.id }, data: { status: 'DISABLED' } })
      expect(await findActiveSession(db().prisma, c.token, { now: T0 })).toBeNull()
    })

    it('revoking with a userId only touches that user’s session', async () => {
      const owner = await makeUser(db().prisma)
      const other = await makeUser(db().prisma)
      const s = await createSession(db().prisma, { userId: owner.id, mfaVerified: true, now: T0 })
      expect(await revokeSession(db().prisma, { sessionId: s.session.id, userId: other.id, now: T0 })).toBe(false)
      expect(await findActiveSession(db().prisma, s.token, { now: T0 })).not.toBeNull()
    })

    it('prunes sessions that ended more than a day ago', async () => {
      const user = await makeUser(db().prisma)
      const old = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: T0 })
      const fresh = await createSession(db().prisma, { userId: user.id, mfaVerified: true, now: later(24 * 60 * MIN) })
      await pruneSessions(db().prisma, { now: later(24 * 60 * MIN + 13 * 60 * MIN) })
      expect(await db().prisma.session.count({ where: { id: old.session.id } })).toBe(0)
      expect(await db().prisma.session.count({ where: { id: fresh.session.id } })).toBe(1)
    })
  })
})
