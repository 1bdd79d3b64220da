import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { isAppError } from '#domain/errors.ts'
import { pruneAuthTables } from './prune-auth-tables.ts'
import { consumeRateLimit, enforceRateLimits, nextBucket, pruneRateLimitBuckets, refundRateLimit } from './rate-limit.ts'

describeEachBackend('rate limits', (backend) => {
  const db = useTestDatabase(backend)

  const T0 = new Date('2026-03-01T09:00:00.000Z')
  const later = (s: number) => new Date(T0.getTime() + s * 1000)

  describe('consumeRateLimit', () => {
    it('allows `limit` attempts per window, then refuses with the time left; the window expires', async () => {
      const rule = { key: 'test:basic', limit: 3, windowSeconds: 60 }
      for (let i = 0; i < 3; i++) expect((await consumeRateLimit(db().prisma, { ...rule, now: later(i) })).ok).toBe(true)
      const refused = await consumeRateLimit(db().prisma, { ...rule, now: later(10) })
      expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 50 })
      expect((await consumeRateLimit(db().prisma, { ...rule, now: later(59.5) })).retryAfterSeconds).toBe(1)
      // a new window starts at 60 s: allowed again
      expect(await consumeRateLimit(db().prisma, { ...rule, now: later(60) })).toMatchObject({ ok: true, count: 1 })
    })

    it('keys are independent (another account is not affected)', async () => {
      const rule = { limit: 1, windowSeconds: 600 }
      expect((await consumeRateLimit(db().prisma, { key: 'test:a', ...rule, now: T0 })).ok).toBe(true)
      expect((await consumeRateLimit(db().prisma, { key: 'test:a', ...rule, now: T0 })).ok).toBe(false)
      expect((await consumeRateLimit(db().prisma, { key: 'test:b', ...rule, now: T0 })).ok).toBe(true)
    })

    it('counts concurrent attempts exactly (one atomic statement each)', async () => {
      const rule = { key: 'test:concurrent', limit: 5, windowSeconds: 60, now: T0 }
      const results = await Promise.all(Array.from({ length: 12 }, () => consumeRateLimit(db().prisma, rule)))
      expect(results.filter((r) => r.ok)).toHaveLength(5)
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    })

    it('refunds one attempt; long keys are hashed consistently', async () => {
      const key = `test:long:${'x'.repeat(300)}`
      const rule = { key, limit: 1, windowSeconds: 60, now: T0 }
      expect((await consumeRateLimit(db().prisma, rule)).ok).toBe(true)
      await refundRateLimit(db().prisma, key)
      expect((await consumeRateLimit(db().prisma, rule)).ok).toBe(true)
      expect((await consumeRateLimit(db().prisma, rule)).ok).toBe(false)
      expect(await db().prisma.rateLimitBucket.count({ where: { key: { startsWith: 'sha256:' } } })).toBe(1)
    })

    it('enforceRateLimits throws RATE_LIMITED with retryAfterSeconds', async () => {
      const rules = [{ key: 'test:enforce', limit: 1, windowSeconds: 30 }]
      await enforceRateLimits(db().prisma, rules, T0)
      const error = await enforceRateLimits(db().prisma, rules, later(5)).catch((e: unknown) => e)
      expect(isAppError(error) && error.code === 'RATE_LIMITED' && error.retryAfterSeconds).toBe(25)
    })

    it('prunes idle buckets', async () => {
      await consumeRateLimit(db().prisma, { key: 'test:old', limit: 1, windowSeconds: 60, now: T0 })
      await consumeRateLimit(db().prisma, { key: 'test:new', limit: 1, windowSeconds: 60, now: later(2 * 86_400) })
      expect(await pruneRateLimitBuckets(db().prisma, { now: later(2 * 86_400) })).toBeGreaterThanOrEqual(1)
      expect(await db().prisma.rateLimitBucket.count({ where: { key: 'test:old' } })).toBe(0)
      expect(await db().prisma.rateLimitBucket.count({ where: { key: 'test:new' } })).toBe(1)
      // everything is idle a week later
      await pruneAuthTables({ prisma: db().prisma, now: later(9 * 86_400) })
      expect(await db().prisma.rateLimitBucket.count()).toBe(0)
    })

    it('matches the pure window model for any sequence of attempts (property)', async () => {
      let run = 0
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 120 }),
          fc.array(fc.integer({ min: 0, max: 90_000 }), { minLength: 1, maxLength: 15 }),
          async (limit, windowSeconds, gapsMs) => {
            const key = `test:model:${run++}`
            let model: { windowStartMs: number; count: number } | null = null
            let nowMs = T0.getTime()
            for (const gap of gapsMs) {
              nowMs += gap
              model = nextBucket(model, nowMs, windowSeconds)
              const result = await consumeRateLimit(db().prisma, { key, limit, windowSeconds, now: new Date(nowMs) })
              expect(result.count).toBe(model.count)
              expect(result.ok).toBe(model.count <= limit)
              if (!result.ok) {
                const left = Math.ceil((model.windowStartMs + windowSeconds * 1000 - nowMs) / 1000)
                expect(result.retryAfterSeconds).toBe(Math.max(1, left))
                expect(result.retryAfterSeconds).toBeLessThanOrEqual(windowSeconds)
              }
            }
          },
        ),
        { numRuns: 40 },
      )
    }, 120_000)
  })
})
