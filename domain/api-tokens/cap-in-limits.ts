// CAP in (POST /api/cap): how many messages one token may send (counted in RateLimitBucket, so
// every app process shares the count). A meteorological service sends a handful an hour; a
// runaway loop is stopped within the minute.
import type { RateLimitRule } from '#domain/auth/rate-limit.ts'

export const CAP_IN_LIMIT = { limit: 60, windowSeconds: 60 } as const

export function capInRateLimit(tokenId: string): RateLimitRule {
  return { key: `cap-in:token:${tokenId}`, ...CAP_IN_LIMIT }
}
