// Fixed-window rate limiting stored in RateLimitBucket, so every app process (and the CLI) shares
// the counts. One atomic upsert per call: the window restarts when it has passed, otherwise the
// count goes up. Windows always expire: nothing here can lock anybody out for good.
import crypto from 'node:crypto'
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'

type Db = PrismaClient | Prisma.TransactionClient

export type RateLimitRule = {
  /** bucket key, e.g. "signin:account:ops@jelgava.lv" (keys longer than 200 chars are hashed) */
  key: string
  /** attempts allowed per window */
  limit: number
  windowSeconds: number
}

export type RateLimitResult = { ok: boolean; count: number; retryAfterSeconds: number }

function hashedKey(key: string): string {
  return `sha256:${crypto.createHash('sha256').update(key).digest('hex')}`
}

/** Pure window arithmetic, shared with the property test's model. */
export function nextBucket(
  bucket: { windowStartMs: number; count: number } | null,
  nowMs: number,
  windowSeconds: number,
): { windowStartMs: number; count: number } {
  if (!bucket || bucket.windowStartMs + windowSeconds * 1000 <= nowMs) return { windowStartMs: nowMs, count: 1 }
  return { windowStartMs: bucket.windowStartMs, count: bucket.count + 1 }
}

/**
 * Count one attempt against `key`. `ok` is false once more than `limit` attempts fell in the
 * current window; `retryAfterSeconds` is then the time until the window ends (at least 1).
 */
export async function consumeRateLimit(db: Db, rule: RateLimitRule & { now?: Date }): Promise<RateLimitResult> {
  if (!(rule.limit >= 1) || !(rule.windowSeconds >= 1)) throw new Error('consumeRateLimit: limit and windowSeconds must be ≥ 1')
  const now = rule.now ?? new Date()
  const key = rule.key.length > 200 ? hashedKey(rule.key) : rule.key
  // timestamp(3) without time zone holds UTC wall time (as Prisma writes it); ISO strings cast to
  // it keep the UTC digits, so this is right whatever the server's time zone.
  const nowIso = now.toISOString()
  const cutoffIso = new Date(now.getTime() - rule.windowSeconds * 1000).toISOString()
  const rows = await db.$queryRaw<{ startMs: number; count: number }[]>`
    INSERT INTO "RateLimitBucket" ("key", "windowStart", "count", "updatedAt")
    VALUES (${key}, ${nowIso}::timestamp(3), 1, ${nowIso}::timestamp(3))
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitBucket"."windowStart" <= ${cutoffIso}::timestamp(3)
                     THEN 1 ELSE "RateLimitBucket"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" <= ${cutoffIso}::timestamp(3)
                     THEN ${nowIso}::timestamp(3) ELSE "RateLimitBucket"."windowStart" END,
      "updatedAt" = ${nowIso}::timestamp(3)
    RETURNING (EXTRACT(EPOCH FROM "windowStart") * 1000)::float8 AS "startMs", "count"`
  const { startMs, count } = rows[0]
  const ok = count <= rule.limit
  const endsMs = Number(startMs) + rule.windowSeconds * 1000
  return { ok, count, retryAfterSeconds: ok ? 0 : Math.max(1, Math.ceil((endsMs - now.getTime()) / 1000)) }
}

/** Several rules at once; the answer is the strictest (all are counted). */
export async function consumeRateLimits(
  db: Db,
  rules: RateLimitRule[],
  now?: Date,
): Promise<RateLimitResult> {
  let worst: RateLimitResult = { ok: true, count: 0, retryAfterSeconds: 0 }
  for (const rule of rules) {
    const result = await consumeRateLimit(db, { ...rule, now })
    if (!result.ok && (worst.ok || result.retryAfterSeconds > worst.retryAfterSeconds)) worst = result
  }
  return worst
}

/**
 * Give back one attempt (e.g. the attempt was a successful sign-in: real users should not use up
 * the budget meant for guessing).
 */
export async function refundRateLimit(db: Db, key: string): Promise<void> {
  await db.rateLimitBucket.updateMany({ where: { key: key.length > 200 ? hashedKey(key) : key, count: { gt: 0 } }, data: { count: { decrement: 1 } } })
}

/** Delete buckets idle for more than a day (housekeeping). */
export async function pruneRateLimitBuckets(db: Db, options: { now?: Date } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - 24 * 60 * 60_000)
  const result = await db.rateLimitBucket.deleteMany({ where: { updatedAt: { lt: cutoff } } })
  return result.count
}

/** Count the attempt against every rule; throw RATE_LIMITED (with Retry-After) when one is exceeded. */
export async function enforceRateLimits(db: Db, rules: RateLimitRule[], now?: Date): Promise<void> {
  const result = await consumeRateLimits(db, rules, now)
  if (!result.ok) {
    throw new AppError('RATE_LIMITED', 'Too many attempts', { retryAfterSeconds: result.retryAfterSeconds })
  }
}

/** Refund one attempt on every rule (the attempt succeeded). */
export async function refundRateLimits(db: Db, rules: RateLimitRule[]): Promise<void> {
  for (const rule of rules) await refundRateLimit(db, rule.key)
}
