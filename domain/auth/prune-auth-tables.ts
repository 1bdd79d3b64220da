// Housekeeping of the auth tables: sessions that ended and rate-limit buckets idle for more than
// a day. Safe at any time and from any process; the server may call it hourly.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { pruneRateLimitBuckets } from './rate-limit.ts'
import { pruneSessions } from './sessions.ts'

export async function pruneAuthTables(options: { prisma: PrismaClient; now?: Date }): Promise<{ sessions: number; buckets: number }> {
  const sessions = await pruneSessions(options.prisma, { now: options.now })
  const buckets = await pruneRateLimitBuckets(options.prisma, { now: options.now })
  return { sessions, buckets }
}
