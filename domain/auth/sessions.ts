// Server-side sessions. The cookie holds a random 32-byte token (base64url); the Session row's id
// is sha256(token), so a database leak gives no usable cookie. Idle timeout 30 min (slid at most
// once a minute), absolute 12 h, revocable. A session starts "pending" after the password step
// (mfaVerified false, short lifetime) and is replaced by a full session once the second factor is
// verified (a new token: no session fixation across the privilege change).
import crypto from 'node:crypto'
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import type { Role, UserStatus } from '#generated/prisma/enums.ts'

export const SESSION_COOKIE = 'sargs_session'
export const SESSION_IDLE_MS = 30 * 60_000
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000
/** lifetime of a session that has passed the password but not yet the second factor */
export const PENDING_SESSION_MS = 15 * 60_000
/** lastSeenAt/idleExpiresAt are written at most this often */
export const SESSION_TOUCH_INTERVAL_MS = 60_000

type Db = PrismaClient | Prisma.TransactionClient

export type SessionUser = {
  id: string
  email: string
  name: string
  role: Role
  status: UserStatus
  language: string
  /** true once a second factor is enrolled */
  totpEnrolled: boolean
}

export type SessionInfo = {
  id: string
  userId: string
  mfaVerified: boolean
  createdAt: Date
  lastSeenAt: Date
  idleExpiresAt: Date
  expiresAt: Date
  ip: string | null
  userAgent: string | null
}

export type ActiveSession = { session: SessionInfo; user: SessionUser }

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

export function hashSessionToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

function newToken(): string {
  return crypto.randomBytes(32).toString('base64url')
}

const sessionSelect = {
  id: true,
  userId: true,
  mfaVerified: true,
  createdAt: true,
  lastSeenAt: true,
  idleExpiresAt: true,
  expiresAt: true,
  revokedAt: true,
  ip: true,
  userAgent: true,
  user: {
    select: { id: true, email: true, name: true, role: true, status: true, language: true, totpSecret: true },
  },
} satisfies Prisma.SessionSelect

/** Start a session for a user. Returns the cookie token (shown once, never stored). */
export async function createSession(
  db: Db,
  options: { userId: string; mfaVerified: boolean; ip?: string | null; userAgent?: string | null; now?: Date },
): Promise<{ token: string; session: SessionInfo }> {
  const now = options.now ?? new Date()
  const token = newToken()
  const expiresAt = new Date(now.getTime() + (options.mfaVerified ? SESSION_ABSOLUTE_MS : PENDING_SESSION_MS))
  const idleExpiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, expiresAt.getTime()))
  const session = await db.session.create({
    data: {
      id: hashSessionToken(token),
      userId: options.userId,
      mfaVerified: options.mfaVerified,
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt,
      expiresAt,
      ip: options.ip ?? null,
      userAgent: options.userAgent?.slice(0, 300) ?? null,
    },
  })
  return { token, session: toInfo(session) }
}

function toInfo(s: SessionInfo): SessionInfo {
  return {
    id: s.id,
    userId: s.userId,
    mfaVerified: s.mfaVerified,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    idleExpiresAt: s.idleExpiresAt,
    expiresAt: s.expiresAt,
    ip: s.ip,
    userAgent: s.userAgent,
  }
}

/**
 * The live session a cookie token belongs to, with its user, or null (unknown, revoked, idle or
 * absolutely expired, user disabled). By default only fully signed-in sessions count (second
 * factor verified): that is what the socket.io handshake wants. Slides the idle timeout
 * (`touch`, default true), writing at most once a minute.
 */
export async function findActiveSession(
  db: Db,
  token: string | null | undefined,
  options: { now?: Date; touch?: boolean; requireMfa?: boolean } = {},
): Promise<ActiveSession | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null
  const now = options.now ?? new Date()
  const row = await db.session.findUnique({ where: { id: hashSessionToken(token) }, select: sessionSelect })
  if (!row || row.revokedAt) return null
  if (row.idleExpiresAt <= now || row.expiresAt <= now) return null
  if (row.user.status !== 'ACTIVE') return null
  const requireMfa = options.requireMfa ?? true
  if (requireMfa && (!row.mfaVerified || !row.user.totpSecret)) return null

  let session = toInfo(row)
  if ((options.touch ?? true) && now.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
    const idleExpiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, row.expiresAt.getTime()))
    await db.session.updateMany({
      where: { id: row.id, revokedAt: null },
      data: { lastSeenAt: now, idleExpiresAt },
    })
    session = { ...session, lastSeenAt: now, idleExpiresAt }
  }
  const { totpSecret, ...user } = row.user
  return { session, user: { ...user, totpEnrolled: totpSecret !== null } }
}

/** Revoke one session (idempotent). Returns true when it was live. */
export async function revokeSession(db: Db, options: { sessionId: string; userId?: string; now?: Date }): Promise<boolean> {
  const result = await db.session.updateMany({
    where: { id: options.sessionId, revokedAt: null, ...(options.userId ? { userId: options.userId } : {}) },
    data: { revokedAt: options.now ?? new Date() },
  })
  return result.count > 0
}

/** Revoke every live session of a user (role change, disabling, second-factor reset). */
export async function revokeUserSessions(
  db: Db,
  options: { userId: string; exceptSessionId?: string; now?: Date },
): Promise<number> {
  const now = options.now ?? new Date()
  const result = await db.session.updateMany({
    where: {
      userId: options.userId,
      revokedAt: null,
      expiresAt: { gt: now },
      ...(options.exceptSessionId ? { id: { not: options.exceptSessionId } } : {}),
    },
    data: { revokedAt: now },
  })
  return result.count
}

/** A user's live sessions, newest first. */
export async function listUserSessions(db: Db, options: { userId: string; now?: Date }): Promise<SessionInfo[]> {
  const now = options.now ?? new Date()
  const rows = await db.session.findMany({
    where: { userId: options.userId, revokedAt: null, idleExpiresAt: { gt: now }, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
  })
  return rows.map(toInfo)
}

/** Delete sessions that ended more than a day ago (housekeeping; safe to call any time). */
export async function pruneSessions(db: Db, options: { now?: Date } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - 24 * 60 * 60_000)
  const result = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lt: cutoff } }, { idleExpiresAt: { lt: cutoff } }, { revokedAt: { lt: cutoff } }] },
  })
  return result.count
}
