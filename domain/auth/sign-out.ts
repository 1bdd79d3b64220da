// Sign-out: revoke the session behind a cookie token and write "auth.signout".
import type { PrismaClient } from '#generated/prisma/client.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { findActiveSession, revokeSession } from './sessions.ts'

/** Returns false when the token had no live session (nothing to do). */
export async function signOut(options: {
  prisma: PrismaClient
  token: string | null
  ip?: string | null
  now?: Date
}): Promise<boolean> {
  const { prisma, now } = options
  const active = await findActiveSession(prisma, options.token, { now, requireMfa: false, touch: false })
  if (!active) return false
  return prisma.$transaction(async (tx) => {
    const revoked = await revokeSession(tx, { sessionId: active.session.id, now })
    if (!revoked) return false
    await recordAudit(tx, {
      actorId: active.user.id,
      actorLabel: `user:${active.user.id}`,
      action: 'auth.signout',
      entityType: 'Session',
      entityId: active.session.id.slice(0, 12),
      ip: options.ip ?? null,
      data: {},
    })
    return true
  })
}
