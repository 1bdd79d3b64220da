// Reliability row 22: a worker whose clock is off by ±10 minutes. The dispatcher runs as a child
// process whose Date is shifted (fixtures/shift-clock.ts, loaded with --import); the database's
// clock is right. Leases, retry schedules and Retry-After pauses are all measured on the database
// clock, so a worker 10 minutes ahead neither steals a live lease, nor retries early, nor ignores
// a pause, and a worker 10 minutes behind neither waits 10 minutes for an expired lease nor for
// due work. Nothing is sent twice. On PGlite too: the database runs in this process, whose clock
// is not shifted, and the worker reaches it over the database socket.
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateVapidKeys } from '#notify/channels/web-push.ts'
import { claimDeliveries, releaseDeliveries } from '#notify/ledger/claim.ts'
import { completeDeliveries, pauseChannel } from '#notify/ledger/complete.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { testBackends } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import {
  allSent, check, issueTestAlert, killWorkers, seedSubscribers, sharedDatabase, startWorker, until, type SharedDatabase, type Worker,
} from './fixtures/reliability-support.ts'
import type { ReliabilityWorkerConfig } from './fixtures/reliability-worker.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'

const TEN_MINUTES = 10 * 60_000
const vapid = { subject: 'mailto:alerts@jelgava.example', ...generateVapidKeys() }

for (const backend of testBackends()) {
  describe(`reliability: worker clock off by ±10 minutes [${backend}]`, () => {
    let db: SharedDatabase
    let push: FakePushService

    beforeEach(async () => {
      db = await sharedDatabase(backend)
      push = await startFakePushService()
    }, 60_000)
    afterEach(async () => {
      killWorkers()
      await push?.close()
      await db?.close()
    })
    afterAll(() => killWorkers())

    const config = (): ReliabilityWorkerConfig => ({
      pool: db.pool, ...(db.schema ? { schema: db.schema } : {}), ca: push.ca, vapid, leaseMs: 30_000, batchSize: 10, concurrency: 4, pollMs: 20,
    })
    /** let the worker run `n` more ticks */
    const ticks = async (worker: Worker, n: number) => {
      const target = worker.ticks.length + n
      await until(() => worker.ticks.length >= target, 60_000, `${n} ticks`)
    }
    const idle = (worker: Worker, from: number) => worker.ticks.slice(from).every((t) => t.claimed === 0 && t.reclaimed === 0)

    it('row 22: leases, retries and pauses follow the database clock; a worker ahead takes nothing early, a worker behind waits for nothing; nothing twice', async () => {
      const { prisma } = db
      const subs = await seedSubscribers(prisma, push, 6)
      await issueTestAlert(prisma, `urn:sargs:${randomUUID()}`)
      while (await fanOutBatch(prisma));
      const policy = { maxAttempts: 6, backoff: { baseMs: 60_000, capMs: 60_000 } }

      // another worker holds all six under a live one-minute lease
      const live = await claimDeliveries(prisma, { channel: 'webpush', limit: 10, leaseMs: 60_000 })
      expect(live.deliveries).toHaveLength(6)

      // a worker 10 minutes AHEAD: by its own clock the lease ran out 9 minutes ago
      const ahead = await startWorker(config(), { clockShiftMs: TEN_MINUTES })
      await ticks(ahead, 10)
      // its clock really is ahead (each tick report carries the worker's Date.now())
      expect(ahead.ticks.at(-1)!.at - Date.now()).toBeGreaterThan(TEN_MINUTES - 60_000)
      expect(idle(ahead, 0)).toBe(true)
      expect(push.requests).toBe(0)
      expect(await prisma.delivery.count({ where: { status: 'SENDING', leaseToken: live.token } })).toBe(6)

      // the holder writes a provider failure for three (retry in 30–60 s) and gives the others back
      const [failing, released] = [live.deliveries.slice(0, 3), live.deliveries.slice(3)]
      await completeDeliveries(prisma, live.token, failing.map((delivery) => ({ delivery, result: { kind: 'retry', reason: '503 test', httpStatus: 503 } })), policy)
      await releaseDeliveries(prisma, live.token, released.map((d) => d.id))
      await until(() => ahead.ticks.reduce((n, t) => n + t.sent, 0) >= 3, 60_000, 'the released three to be sent')
      const from = ahead.ticks.length
      await ticks(ahead, 10)
      // the three due now were sent; the retries (due in ≥ 30 s by the database, long past by the worker's clock) were not
      expect(push.received).toHaveLength(3)
      expect(idle(ahead, from)).toBe(true)
      const retrying = await prisma.delivery.findMany({ where: { id: { in: failing.map((d) => d.id) } } })
      expect(retrying.every((d) => d.status === 'PENDING' && d.attempts === 1)).toBe(true)

      // the provider said wait a minute (Retry-After), then the retries fall due by the database
      // clock — in this order: the worker polls every 20 ms, and rows due before the pause is
      // written would be claimed in between (a CI run on PostgreSQL did so once)
      await pauseChannel(prisma, 'webpush', 60_000, '429 test')
      await prisma.$executeRawUnsafe(`UPDATE "Delivery" SET "nextAttemptAt" = now() WHERE "status" = 'PENDING'`)
      const paused = ahead.ticks.length
      await ticks(ahead, 10)
      expect(idle(ahead, paused)).toBe(true)
      expect(push.received).toHaveLength(3)
      ahead.child.kill('SIGTERM')
      await ahead.exited

      // the pause is over, and a worker claims the three and dies: its half-second lease runs out
      await prisma.channelPause.deleteMany()
      const dead = await claimDeliveries(prisma, { channel: 'webpush', limit: 10, leaseMs: 500 })
      expect(dead.deliveries).toHaveLength(3)

      // a worker 10 minutes BEHIND: by its clock that lease has 10 minutes to go; the database says it is over
      const behind = await startWorker(config(), { clockShiftMs: -TEN_MINUTES })
      await until(() => allSent(prisma, 6), 60_000, 'the worker behind to take over and deliver')
      behind.child.kill('SIGTERM')
      await behind.exited
      expect(behind.ticks.reduce((n, t) => n + t.reclaimed, 0)).toBe(3)
      expect(Date.now() - behind.ticks.at(-1)!.at).toBeGreaterThan(TEN_MINUTES - 60_000)

      const result = await check(prisma, push)
      console.info(`[${backend}] row 22 checker: targeted 6, acknowledged ${result.acknowledged}, received ${result.received}, lost ${result.lost.length}, duplicates ${result.extra}`)
      expect(result.acknowledged).toBe(6)
      expect(result.lost).toEqual([])
      expect(result.extra).toBe(0)
      expect(new Set(push.received.map((r) => r.subscriptionId))).toEqual(new Set(subs.map((s) => s.id)))
      const log = await attemptHistory(prisma, { id: { in: failing.map((d) => d.id) } })
      for (const d of failing) expect(log.filter((a) => a.deliveryId === d.id).map((a) => a.result)).toEqual(['retry', 'lease-expired', 'sent'])
    }, 180_000)
  })
}
