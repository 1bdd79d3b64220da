// Reliability rows 1, 4 and 5 with the dispatcher as real child processes against the fake push
// service over TLS, on PGlite (shared over the database socket) and PostgreSQL. crash.test.ts
// kills a worker at a random point of a fan-out; these tests put the signal at the exact moment
// that matters: after the pushes went out and before their results were written (the sends in
// doubt), in the middle of a batch's sends (SIGSTOP past the lease, SIGTERM).
//
// Web push has no idempotency key on the wire (RFC 8030 defines none, and a push service does not
// deduplicate): a send in doubt is sent again. What makes that safe is (1) the ledger: only the
// one batch whose results were not written is in doubt, every resend is on record (lease-expired,
// then sent); (2) the Topic header (the same for every send of an alert to a subscription): a push
// service that still holds the first push for an offline device replaces it (RFC 8030 5.4), so
// the device receives one; (3) the service worker's notification tag (the alert identifier) for a
// device that was online for both. These tests check (1) and (2) exactly.
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateVapidKeys } from '#notify/channels/web-push.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'
import { testBackends } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import {
  allSent, check, countBySubscription, issueTestAlert, killWorkers, seedSubscribers, sharedDatabase, startWorker, until, type SharedDatabase,
} from './fixtures/reliability-support.ts'
import type { ReliabilityWorkerConfig } from './fixtures/reliability-worker.ts'

const keys = generateVapidKeys()
const vapidFor = (who: string) => ({ subject: `mailto:${who}@jelgava.example`, ...keys })

for (const backend of testBackends()) {
  describe(`reliability: worker processes killed, frozen, stopped [${backend}]`, () => {
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

    const config = (who: string, extra: Partial<ReliabilityWorkerConfig> = {}): ReliabilityWorkerConfig => ({
      pool: db.pool, ...(db.schema ? { schema: db.schema } : {}), ca: push.ca, vapid: vapidFor(who),
      leaseMs: 1500, batchSize: 10, concurrency: 4, ...extra,
    })
    const sentBy = (who: string) => push.received.filter((r) => r.vapid.sub === `mailto:${who}@jelgava.example`)

    it('row 1: kill -9 after a batch went out and before its results were written → restart: nothing lost; the resends in doubt are that batch only, each with the same Topic, and an offline device receives one', async () => {
      const N = 40
      const subs = await seedSubscribers(db.prisma, push, N)
      // every device is offline during the incident: the push service stores what comes
      for (const sub of subs) push.offline(sub.id)
      const alertId = await issueTestAlert(db.prisma, `urn:sargs:${randomUUID()}`)

      const first = await startWorker(config('first', { holdBeforeComplete: true }))
      await until(() => first.lines.some((l) => l.startsWith('sent ')), 60_000, 'the first batch to go out')
      const inDoubt = Number(first.lines.find((l) => l.startsWith('sent '))!.slice(5))
      first.child.kill('SIGKILL')
      await first.exited
      expect(inDoubt).toBe(10)
      expect(push.received).toHaveLength(inDoubt) // they went out; the ledger does not know yet
      // under the dead worker's leases: the batch in doubt, and the batches its fan-out had claimed
      // for it (all 40 in one fan-out batch, decision 023), not sent
      expect(await db.prisma.delivery.count({ where: { status: 'SENDING' } })).toBe(N)

      const second = await startWorker(config('second'))
      await until(() => allSent(db.prisma, N), 90_000, 'the restarted worker to finish')
      second.child.kill('SIGTERM')
      await second.exited

      const result = await check(db.prisma, push)
      console.info(`[${backend}] row 1 checker: targeted ${N}, acknowledged ${result.acknowledged}, received ${result.received}, ` +
        `lost ${result.lost.length}, resent in doubt ${result.extra}`)
      expect(result.acknowledged).toBe(N)
      expect(result.lost).toEqual([])
      // exactly the batch in doubt was sent twice, nothing else
      expect(result.extra).toBe(inDoubt)
      const firstIds = new Set(sentBy('first').map((r) => r.subscriptionId))
      expect([...result.duplicated.keys()].sort()).toEqual([...firstIds].sort())
      for (const id of result.duplicated.keys()) {
        const both = push.received.filter((r) => r.subscriptionId === id)
        expect(new Set(both.map((r) => r.topic)).size).toBe(1)
        expect(new Set(both.map((r) => (JSON.parse(r.plaintext) as { identifier: string }).identifier)).size).toBe(1)
      }
      // on record: every lease the dead worker held ran out, then each was sent (the batch in doubt
      // for the second time: the duplicates above)
      const history = await attemptHistory(db.prisma, { alertId })
      const log = (await db.prisma.delivery.findMany({ where: { alertId } })).map((d) => ({ ...d, attemptsLog: history.filter((a) => a.deliveryId === d.id) }))
      expect(log).toHaveLength(N)
      for (const d of log) expect(d.attemptsLog.map((a) => a.result)).toEqual(['lease-expired', 'sent'])
      // the devices come online: each receives the alert once (the resend replaced the stored push)
      for (const sub of subs) push.online(sub.id)
      const delivered = countBySubscription(push.delivered)
      expect(delivered.size).toBe(N)
      expect([...delivered.values()].every((n) => n === 1)).toBe(true)
    }, 180_000)

    it('row 4: a worker frozen (SIGSTOP) mid-batch past its lease → another takes over; resumed, it sends nothing more and its results are refused', async () => {
      const N = 30
      const subs = await seedSubscribers(db.prisma, push, N)
      await issueTestAlert(db.prisma, `urn:sargs:${randomUUID()}`)
      // a slow provider, so that the frozen worker is caught in the middle of its sends
      push.latency(150)
      const a = await startWorker(config('a', { concurrency: 2, batchSize: 10 }))
      await until(() => sentBy('a').length >= 3, 60_000, 'worker A to start sending')
      a.child.kill('SIGSTOP')
      // a request already on the wire when the process froze still reaches the fake: count A's
      // sends once nothing more arrives from it (a frozen process writes nothing new)
      let sentBeforeFreeze = sentBy('a').length
      for (let quiet = 0; quiet < 5; ) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        const now = sentBy('a').length
        quiet = now === sentBeforeFreeze ? quiet + 1 : 0
        sentBeforeFreeze = now
      }
      // its lease runs out by the database clock
      await until(async () => {
        const [row] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
          `SELECT count(*) AS "n" FROM "Delivery" WHERE "status" = 'SENDING' AND "leaseExpiresAt" < now()`)
        return Number(row.n) > 0
      }, 30_000, 'the frozen lease to expire')
      push.latency(0)
      const b = await startWorker(config('b'))
      await until(() => allSent(db.prisma, N), 90_000, 'worker B to deliver everything')
      const takenOver = await db.prisma.deliveryAttempt.count({ where: { result: 'lease-expired' } })
      expect(takenOver).toBeGreaterThan(0)

      const resumedAt = Date.now()
      const ticksBefore = a.ticks.length
      a.child.kill('SIGCONT')
      // A finishes the tick it was frozen in: everything it claimed comes back refused
      await until(() => a.ticks.length > ticksBefore, 30_000, 'worker A to finish its frozen tick')
      const frozenTick = a.ticks[ticksBefore]
      expect(frozenTick.sent).toBe(0)
      for (const w of [a, b]) w.child.kill('SIGTERM')
      await Promise.all([a.exited, b.exited])

      // Resumed, A starts no new send. A send that was under way when it froze finishes on waking:
      // if its request had not been written out yet it reaches the fake now (seen in CI), otherwise
      // its timeout fires (a retry outcome) — at most one per parallel send (2), all of them refused.
      const inFlightAtFreeze = push.received.filter((r) => r.vapid.sub === 'mailto:a@jelgava.example' && r.at > resumedAt)
      expect(inFlightAtFreeze.length).toBeLessThanOrEqual(2)
      expect(frozenTick.stale).toBeGreaterThanOrEqual(sentBeforeFreeze + inFlightAtFreeze.length)
      expect(frozenTick.stale).toBeLessThanOrEqual(sentBeforeFreeze + 2)
      // every lease A held ran out and was taken over: the batch it was sending, and the two more
      // its fan-out had claimed for it (all 30 in one fan-out batch, decision 023)
      expect(frozenTick.claimed).toBe(10)
      expect(takenOver).toBe(N)
      const result = await check(db.prisma, push)
      console.info(`[${backend}] row 4 checker: targeted ${N}, acknowledged ${result.acknowledged}, received ${result.received}, ` +
        `A sent ${sentBeforeFreeze} before the freeze, taken over ${takenOver}, lost ${result.lost.length}, resent in doubt ${result.extra}`)
      expect(result.acknowledged).toBe(N)
      expect(result.lost).toEqual([])
      // only what A sent before it froze, or had under way then, was in doubt
      expect(result.extra).toBeLessThanOrEqual(sentBeforeFreeze + inFlightAtFreeze.length)
      for (const sub of subs) expect(countBySubscription(push.received).get(sub.id)).toBeGreaterThanOrEqual(1)
      // the ledger shows B's sends, never A's refused ones
      const stale = await db.prisma.deliveryAttempt.findMany({ where: { result: 'stale' }, include: { delivery: true } })
      expect(stale).toHaveLength(frozenTick.stale)
      const bMessages = new Set(sentBy('b').map((r) => `${push.origin}/message/${r.messageId}`))
      for (const s of stale) {
        // what A made of its sends in flight when it woke (sent, or a timeout: its timers ran on) is refused
        expect(s.detail).toMatch(/^lease lost, result refused: (sent|retry)/)
        expect(bMessages.has(s.delivery.providerMessageId!)).toBe(true)
      }
    }, 180_000)

    it('row 5: SIGTERM while a batch is being sent → the sends in flight finish and are written, the rest is released at once; nothing lost, nothing twice', async () => {
      const N = 30
      await seedSubscribers(db.prisma, push, N)
      await issueTestAlert(db.prisma, `urn:sargs:${randomUUID()}`)
      push.latency(200)
      // a long lease: whatever is not released by the worker itself would stay stuck for 60 s
      const a = await startWorker(config('a', { concurrency: 2, batchSize: 20, leaseMs: 60_000 }))
      await until(() => push.received.length >= 3, 60_000, 'the first pushes')
      const stoppedAt = Date.now()
      a.child.kill('SIGTERM')
      await a.exited
      console.info(`[${backend}] row 5: SIGTERM → exit in ${Date.now() - stoppedAt} ms`)
      expect(a.child.exitCode).toBe(0)
      expect(a.lines).toContain('stopped')

      const rows = await db.prisma.delivery.findMany()
      expect(rows.filter((r) => r.status === 'SENDING')).toEqual([])
      const sent = rows.filter((r) => r.status === 'SENT')
      const released = rows.filter((r) => r.status === 'PENDING')
      expect(sent.length + released.length).toBe(rows.length)
      // the rest is not fanned out yet: the fan-out goes with the claims (decision 023)
      expect(rows.length).toBeLessThanOrEqual(N)
      expect(released.length).toBeGreaterThan(0)
      // every push that went out has its result in the ledger: nothing in doubt
      expect(sent).toHaveLength(push.received.length)
      // released without an attempt counted, and not by a lease running out
      expect(released.every((r) => r.attempts === 0)).toBe(true)
      // no attempt rows at all: each accepted send is on its delivery (decision 023), nothing failed
      expect(sent.every((r) => r.sentAt !== null)).toBe(true)
      expect(await db.prisma.deliveryAttempt.count()).toBe(0)

      push.latency(0)
      const b = await startWorker(config('b'))
      await until(() => allSent(db.prisma, N), 90_000, 'the next worker to finish')
      b.child.kill('SIGTERM')
      await b.exited
      const result = await check(db.prisma, push)
      console.info(`[${backend}] row 5 checker: targeted ${N}, sent before SIGTERM ${sent.length}, released ${released.length}, ` +
        `acknowledged ${result.acknowledged}, received ${result.received}, lost ${result.lost.length}, duplicates ${result.extra}`)
      expect(result.acknowledged).toBe(N)
      expect(result.lost).toEqual([])
      expect(result.extra).toBe(0)
    }, 180_000)
  })
}
