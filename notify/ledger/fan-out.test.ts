// The area fan-out inserts each batch without ON CONFLICT (decision 026). A row that exists
// already makes the unique index refuse the batch; the batch rolls back and is done again with ON
// CONFLICT DO NOTHING, so the fan-out goes on and each address still gets one delivery. On PGlite
// and PostgreSQL (the two driver adapters report a unique violation each their own way).
// Each area channel keeps a cursor of its own (decision 027); the migration that introduced them
// keeps an alert in the middle of its fan-out where it was; a channel's own loop waits for an
// alert another caller holds rather than passing it.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import { expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { bounds, composeAlert, demoTerritory, issue } from '#notify/dispatch/fixtures/engine-support.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { fanOutBatch, isUniqueViolation, pendingAreaChannels, type FanOutOptions } from './fan-out.ts'

// [lng, lat] inside the compose square: the lowest grid cell of it, and the highest
const LOW: [number, number] = [23.712, 56.647]
const HIGH: [number, number] = [23.725, 56.652]

async function subscriber(prisma: PrismaClient, place: [number, number]): Promise<string> {
  const row = await prisma.pushSubscription.create({
    data: { endpoint: `https://push.example.net/send/${randomUUID()}`, p256dh: 'k', auth: 'a', languages: ['lv'], places: [place], ...bounds([place]) },
  })
  return row.id
}

describeEachBackend('area fan-out', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('recognises a unique violation of a raw statement on this driver adapter', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const alertId = await issue(prisma, await composeAlert(prisma, territory), ['phone'])
    const insert = () => prisma.$executeRawUnsafe(
      `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey") VALUES ($1, 'phone', 'x', $1 || ':phone:x')`, alertId)
    await insert()
    const error = await insert().then(() => undefined, (e: unknown) => e)
    expect(isUniqueViolation(error)).toBe(true)
    expect(isUniqueViolation(new Error('duplicate key'))).toBe(false)
    expect(isUniqueViolation(await prisma.$executeRawUnsafe('SELECT 1/0').then(() => undefined, (e: unknown) => e))).toBe(false)
  })

  for (const mode of ['insert', 'claim'] as const) {
    it(`a subscriber who moves ahead of the cursor mid fan-out gets one delivery; the refused batch is done again (${mode})`, async () => {
      const prisma = db().prisma
      const territory = await demoTerritory(prisma)
      const low = [await subscriber(prisma, LOW), await subscriber(prisma, LOW)].sort()
      const high = await subscriber(prisma, HIGH)
      const alertId = await issue(prisma, await composeAlert(prisma, territory), ['webpush'])
      // a lease token of its own for every call, as the dispatcher's channel loop does
      const options = (): FanOutOptions => ({
        batchSize: 1,
        ...(mode === 'claim' ? { claim: { channel: 'webpush', token: `t-${randomUUID()}`, leaseMs: 60_000, batch: 10 } } : {}),
      })

      // places come in (cell, subscription) order: the first batch is the first low subscriber
      const first = await fanOutBatch(prisma, options())
      expect(first).toMatchObject({ alertId, inserted: 1, done: false })
      // … who now moves to the highest cell, where the selection will find them again
      await prisma.pushSubscription.update({ where: { id: low[0] }, data: { places: [HIGH], ...bounds([HIGH]) } })

      const results = []
      for (let i = 0; i < 10; i++) {
        const next = await fanOutBatch(prisma, options())
        if (!next) break
        results.push(next)
      }
      expect(results.at(-1)).toMatchObject({ done: true })
      // every batch after the first found one candidate; the moved subscriber's batch inserted nothing
      expect(results.map((r) => r.inserted).reduce((a, b) => a + b, 0)).toBe(2)
      expect(results.some((r) => r.candidates === 1 && r.inserted === 0)).toBe(true)

      const rows = await prisma.delivery.findMany({ where: { alertId }, select: { recipientKey: true, status: true, leaseToken: true } })
      expect(rows.map((r) => r.recipientKey).sort()).toEqual([...low, high].sort())
      if (mode === 'claim') {
        // claimed rows are SENDING under a lease each; the redone batch claimed none and left no lease
        const claimed = results.flatMap((r) => r.claimed ?? []).flatMap((c) => c.deliveries.map((d) => d.recipientKey))
        expect(claimed.sort()).toEqual([low[1], high].sort())
        expect(rows.every((r) => r.status === 'SENDING' && r.leaseToken)).toBe(true)
        const leases = await prisma.deliveryLease.findMany({ select: { token: true } })
        expect(leases.map((l) => l.token).sort()).toEqual([...new Set(rows.map((r) => r.leaseToken!))].sort())
      } else {
        expect(rows.every((r) => r.status === 'PENDING')).toBe(true)
      }
    })
  }

  // PostgreSQL only: PGlite has one connection, so no two transactions ever overlap there
  it.skipIf(backend !== 'postgres')('a channel\'s own loop waits for the alert another caller holds, where the fan-out loop passes it (decision 027)', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const member = await subscriber(prisma, LOW)
    const alertId = await issue(prisma, await composeAlert(prisma, territory), ['webpush'])
    const claimOptions = (): FanOutOptions => ({ claim: { channel: 'webpush', token: `t-${randomUUID()}`, leaseMs: 60_000, batch: 10 } })
    // another caller's transaction holds the alert's row lock (as web push's loop would while SMS claims)
    const hold = async (id: string) => {
      let release!: () => void
      let locked!: () => void
      const isLocked = new Promise<void>((resolve) => (locked = resolve))
      const done = prisma.$transaction(async (tx) => {
        await tx.$queryRawUnsafe(`SELECT 1 FROM "Alert" WHERE "id" = $1 FOR UPDATE`, id)
        locked()
        await new Promise<void>((resolve) => (release = resolve))
      }, { timeout: 20_000 })
      await isLocked
      return async () => {
        release()
        await done
      }
    }

    let unlock = await hold(alertId)
    // the fan-out loop passes a locked alert: it has others to look at, and comes back next round
    expect(await fanOutBatch(prisma)).toBeNull()
    // the channel's claim waits, holding nothing, and takes its turn once the holder commits
    let settled = false
    const claiming = fanOutBatch(prisma, claimOptions()).finally(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(settled).toBe(false)
    await unlock()
    const result = await claiming
    expect(result).toMatchObject({ alertId, inserted: 1, done: true })
    expect(result?.claimed?.flatMap((c) => c.deliveries.map((d) => d.recipientKey))).toEqual([member])

    // a lock held past the wait (two seconds): the claim gives up with nothing done, no error
    const second = await issue(prisma, await composeAlert(prisma, territory), ['webpush'])
    unlock = await hold(second)
    const started = performance.now()
    expect(await fanOutBatch(prisma, claimOptions())).toBeNull()
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900)
    expect(await prisma.delivery.count({ where: { alertId: second } })).toBe(0)
    await unlock()
    // its turn comes at the next call
    expect(await fanOutBatch(prisma, claimOptions())).toMatchObject({ alertId: second, inserted: 1, done: true })
  })

  it('the migration to per-channel cursors keeps an alert in the middle of its fan-out where it was (decision 027)', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    // the statement of the migration that converts "channel|cursor", run on the column it read
    const migration = fs.readFileSync(new URL('../../prisma/migrations/20261205130914_area_fan_out_per_channel/migration.sql', import.meta.url), 'utf8')
    const convert = /UPDATE "Alert"[\s\S]*?;/.exec(migration)![0]
    await prisma.$executeRawUnsafe(`ALTER TABLE "Alert" ADD COLUMN "fanoutCursor" TEXT`)
    try {
      const legacy: Record<string, string | null> = {
        'webpush|14664:0:abc': 'a1', 'webpush|': 'a2', 'sms|14665:1:def': 'a3', 'sms|': 'a4', '14664:0:old': 'a5',
      }
      const ids: Record<string, string> = {}
      for (const cursor of Object.keys(legacy)) {
        const id = await issue(prisma, await composeAlert(prisma, territory, { headline: cursor }), ['webpush', 'sms'])
        await prisma.$executeRawUnsafe(`UPDATE "Alert" SET "fanoutCursor" = $2 WHERE "id" = $1`, id, cursor)
        ids[cursor] = id
      }
      await prisma.$executeRawUnsafe(convert)
      const rows = await prisma.alert.findMany({ where: { id: { in: Object.values(ids) } }, select: { id: true, fanoutCursors: true } })
      const by = new Map(rows.map((r) => [r.id, r.fanoutCursors]))
      expect(by.get(ids['webpush|14664:0:abc'])).toEqual({ webpush: '14664:0:abc' })
      expect(by.get(ids['webpush|'])).toEqual({ webpush: null })
      expect(by.get(ids['sms|14665:1:def'])).toEqual({ webpush: true, sms: '14665:1:def' })
      expect(by.get(ids['sms|'])).toEqual({ webpush: true, sms: null })
      expect(by.get(ids['14664:0:old'])).toEqual({ webpush: '14664:0:old' })
      // and the fan-out reads them so: SMS only is left where web push was done
      expect(pendingAreaChannels(by.get(ids['sms|']) as never, ['webpush', 'sms'])).toEqual(['sms'])
      expect(pendingAreaChannels(by.get(ids['webpush|']) as never, ['webpush', 'sms'])).toEqual(['webpush', 'sms'])
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "Alert" DROP COLUMN "fanoutCursor"`)
    }
  })
})
