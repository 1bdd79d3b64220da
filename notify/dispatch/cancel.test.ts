// Update, Cancel and all-clear in the ledger (reliability row 21, decision 008), against the fake
// push service, issued through the domain (issueCapAlert), on PGlite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { generateVapidKeys, WebPushAdapter } from '#notify/channels/web-push.ts'
import { claimDeliveries, reclaimExpiredLeases } from '#notify/ledger/claim.ts'
import { completeDeliveries } from '#notify/ledger/complete.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { Dispatcher, type ChannelRoute, type DispatcherOptions } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { bounds, check, composeAlert, demoTerritory, identifierOf, issue, OUTSIDE, subscribe, type Territory } from './fixtures/engine-support.ts'
import { webPushRoute } from './web-push-route.ts'
import { deliveryState } from '#tests/support/delivery-state.ts'

/** A promise with its resolve, to hold a worker and let it go. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const poll = async () => {
      if (await check()) return resolve()
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(() => void poll(), 10)
    }
    void poll()
  })
}

describeEachBackend('Update and Cancel reach', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let push: FakePushService
  const vapid = { subject: 'mailto:alerts@jelgava.example', ...generateVapidKeys() }
  let territory: Territory

  beforeAll(async () => {
    push = await startFakePushService()
  })
  afterAll(async () => push.close())

  async function setup(): Promise<PrismaClient> {
    push.received.length = 0
    territory = await demoTerritory(db().prisma)
    return db().prisma
  }

  function dispatcher(extra: Partial<DispatcherOptions> = {}) {
    return new Dispatcher({
      prisma: db().prisma,
      routes: [webPushRoute(new WebPushAdapter({ vapid, dispatcher: push.dispatcher })) as ChannelRoute<unknown>],
      exerciseSink: new ExerciseSink(),
      batchSize: 10,
      fanOutBatchSize: 100,
      sendTimeoutMs: 5000,
      supersessionCheckMs: 0,
      retry: { maxAttempts: 6, backoff: { baseMs: 5, capMs: 40 } },
      ...extra,
    })
  }

  const alertRow = (prisma: PrismaClient, id: string) => prisma.alert.findUniqueOrThrow({ where: { id }, select: { id: true, identifier: true } })

  it('row 21: a Cancel issued while the original is half sent stops the rest and reaches exactly those who got it', async () => {
    const prisma = await setup()
    const N = 30
    const subs = []
    for (let i = 0; i < N; i++) subs.push(await subscribe(prisma, push))
    const original = await composeAlert(prisma, territory)
    const originalId = await issue(prisma, original)

    // worker A: batches of 10, one at a time. The 11th send goes out for real but its result is
    // held (in flight when the Cancel commits); the sends after it wait before they start.
    const hold = gate()
    let sends = 0
    let held = false
    const realAdapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const holdingAdapter = Object.assign(Object.create(realAdapter) as WebPushAdapter, {
      send: async (...args: Parameters<WebPushAdapter['send']>) => {
        const result = await realAdapter.send(...args)
        if (identifierOf({ plaintext: args[0].payload } as never) === original.identifier && ++sends === 11) {
          held = true
          await hold.opened
        }
        return result
      },
    })
    const a = dispatcher({
      routes: [webPushRoute(holdingAdapter) as ChannelRoute<unknown>],
      concurrency: 1,
      hooks: { beforeSend: async () => (held ? hold.opened : undefined) },
    })
    await a.tick() // the fan-out of all 30, claimed by A in three batches of 10 (decision 023); the first sent
    const secondBatch = a.tick()
    await until(() => held, 'the 11th send in flight')
    expect(push.received).toHaveLength(11)

    const cancel = await composeAlert(prisma, territory, { msgType: 'Cancel', references: [original], headline: 'Atcelts' })
    const cancelId = await issue(prisma, cancel)
    const atCommit = push.received.length
    // the referenced alert is superseded; nothing of it was left PENDING to cancel in the same
    // commit: the rest is the batch A is sending and the batch its fan-out holds for it (SENDING)
    const superseded = await prisma.alert.findUniqueOrThrow({ where: { id: originalId } })
    expect(superseded).toMatchObject({ supersededById: cancelId })
    expect(superseded.supersededAt).not.toBeNull()
    const atCancel = await prisma.delivery.groupBy({ by: ['status'], where: { alertId: originalId }, _count: true })
    expect(Object.fromEntries(atCancel.map((s) => [s.status, s._count]))).toEqual({ SENT: 10, SENDING: 20 })

    // worker B fans the Cancel out; it must wait for A's send in flight and A's held batch
    const b = dispatcher()
    expect(await fanOutBatch(prisma)).toBeNull() // passed over while the original has sends in flight
    const drained = b.drain()
    hold.open()
    await secondBatch
    await a.drain() // A takes its held batch: superseded, nothing of it is sent
    await drained

    const after = push.received.slice(atCommit)
    // nobody received the original after the Cancel committed
    expect(after.filter((r) => identifierOf(r) === original.identifier)).toHaveLength(0)
    const got = await check(prisma, push, await alertRow(prisma, originalId))
    const gotCancel = await check(prisma, push, await alertRow(prisma, cancelId))
    console.info(`[${backend}] row 21: original acknowledged ${got.acknowledged}, received ${got.received}, lost ${got.lost.length}, duplicates ${got.duplicates}; ` +
      `cancel acknowledged ${gotCancel.acknowledged}, received ${gotCancel.received}, lost ${gotCancel.lost.length}, duplicates ${gotCancel.duplicates}`)
    expect(got).toMatchObject({ acknowledged: 11, received: 11, lost: [], duplicates: 0 })
    expect(gotCancel).toMatchObject({ acknowledged: 11, received: 11, lost: [], duplicates: 0 })
    // exactly those who got the original (the one in flight included), nobody else
    expect([...gotCancel.receivers].sort()).toEqual([...got.receivers].sort())
    const statuses = await prisma.delivery.groupBy({ by: ['status'], where: { alertId: originalId }, _count: true })
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count]))).toEqual({ SENT: 11, CANCELLED: 19 })
    // the 19 claimed but not started when the Cancel committed are on record as cancelled attempts
    expect(await prisma.deliveryAttempt.count({ where: { result: 'cancelled', delivery: { alertId: originalId } } })).toBe(19)
    expect(await prisma.delivery.count({ where: { status: { in: ['PENDING', 'SENDING'] } } })).toBe(0)
  })

  it('an all-clear Update reaches everyone the original reached, also those who moved away, and the area; once each', async () => {
    const prisma = await setup()
    const stays = await subscribe(prisma, push)
    const movesAway = await subscribe(prisma, push)
    const raisesThreshold = await subscribe(prisma, push)
    const onlyExtreme = await subscribe(prisma, push, { minSeverity: 'Extreme' })
    const outside = await subscribe(prisma, push, { places: [OUTSIDE] })
    const original = await composeAlert(prisma, territory, { severity: 'Severe' })
    const originalId = await issue(prisma, original)
    await dispatcher().drain()

    // afterwards: one moves outside the area, one only wants Extreme now, a newcomer subscribes inside
    await prisma.pushSubscription.update({ where: { id: movesAway.rowId }, data: { places: [OUTSIDE], ...bounds([OUTSIDE]) } })
    await prisma.pushSubscription.update({ where: { id: raisesThreshold.rowId }, data: { minSeverity: 'Extreme' } })
    const newcomer = await subscribe(prisma, push)
    const allClear = await composeAlert(prisma, territory, { msgType: 'Update', references: [original], severity: 'Minor', headline: 'Trauksmes beigas', responseType: ['AllClear'] })
    const allClearId = await issue(prisma, allClear)
    await dispatcher().drain()

    const result = await check(prisma, push, await alertRow(prisma, allClearId))
    expect(result).toMatchObject({ lost: [], duplicates: 0 })
    expect([...result.receivers].sort()).toEqual([stays.id, movesAway.id, raisesThreshold.id, newcomer.id].sort())
    expect(result.receivers.has(onlyExtreme.id)).toBe(false)
    expect(result.receivers.has(outside.id)).toBe(false)
    expect((await check(prisma, push, await alertRow(prisma, originalId))).receivers.size).toBe(3)
    const deliveries = await prisma.delivery.findMany({ where: { alertId: allClearId } })
    expect(deliveries.map((d) => d.recipientKey).sort()).toEqual([stays.rowId, movesAway.rowId, raisesThreshold.rowId, newcomer.rowId].sort())
  })

  it('a Cancel skips those the original did not reach (dead address, other channels) and fans out only its own channels', async () => {
    const prisma = await setup()
    const fine = await subscribe(prisma, push)
    const gone = await subscribe(prisma, push)
    push.fault(gone.id, { kind: 'status', status: 410, body: 'expired' })
    const original = await composeAlert(prisma, territory)
    const originalId = await issue(prisma, original)
    await dispatcher().drain()
    // the original also reached a phone on another channel (written as the SMS route would)
    await prisma.delivery.create({ data: { alertId: originalId, channel: 'sms', recipientKey: '+37120000000', idempotencyKey: `${originalId}:sms:+37120000000`, ...deliveryState('SENT') } })
    const latecomer = await subscribe(prisma, push) // inside the area, subscribed after the original

    const cancel = await composeAlert(prisma, territory, { msgType: 'Cancel', references: [original], headline: 'Atcelts' })
    const cancelId = await issue(prisma, cancel) // channels: webpush only
    await dispatcher().drain()
    const deliveries = await prisma.delivery.findMany({ where: { alertId: cancelId }, select: { channel: true, recipientKey: true, status: true } })
    expect(deliveries).toEqual([{ channel: 'webpush', recipientKey: fine.rowId, status: 'SENT' }])
    const result = await check(prisma, push, await alertRow(prisma, cancelId))
    expect([...result.receivers]).toEqual([fine.id])
    expect(result.receivers.has(latecomer.id)).toBe(false)
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: cancelId } })).fanoutDoneAt).not.toBeNull()

    // a Cancel naming both channels reaches the phone too (one row per address and channel)
    const second = await composeAlert(prisma, territory)
    const secondId = await issue(prisma, second, ['webpush', 'sms'])
    await dispatcher().drain()
    await prisma.delivery.create({ data: { alertId: secondId, channel: 'sms', recipientKey: '+37120000000', idempotencyKey: `${secondId}:sms:+37120000000`, ...deliveryState('SENT') } })
    const cancel2 = await composeAlert(prisma, territory, { msgType: 'Cancel', references: [second], headline: 'Atcelts' })
    const cancel2Id = await issue(prisma, cancel2, ['webpush', 'sms'])
    await fanOutBatch(prisma)
    const rows = await prisma.delivery.findMany({ where: { alertId: cancel2Id }, select: { channel: true, recipientKey: true }, orderBy: { channel: 'asc' } })
    expect(rows.map((r) => `${r.channel}:${r.recipientKey}`).sort()).toEqual([`sms:+37120000000`, `webpush:${fine.rowId}`, `webpush:${latecomer.rowId}`].sort())
  })

  it('a superseded alert is never claimed, a retry or an expired lease of it becomes CANCELLED, its fan-out stops; the Update waits for the lease', async () => {
    const prisma = await setup()
    for (let i = 0; i < 6; i++) await subscribe(prisma, push)
    const original = await composeAlert(prisma, territory)
    const originalId = await issue(prisma, original)
    // fan out 4 of the 6, then claim 2 (one "comes back as retry", one's worker dies) and leave 2 PENDING
    await fanOutBatch(prisma, { batchSize: 4 })
    const claimed = await claimDeliveries(prisma, { channel: 'webpush', limit: 2, leaseMs: 300 })
    expect(claimed.deliveries).toHaveLength(2)
    const policy = { maxAttempts: 5, backoff: { baseMs: 10, capMs: 20 } }

    const update = await composeAlert(prisma, territory, { msgType: 'Update', references: [original], headline: 'Atjaunināts' })
    const updateId = await issue(prisma, update)
    // claims take nothing of the original (a PENDING row written back by a racing worker included)
    await prisma.delivery.updateMany({ where: { alertId: originalId, status: 'CANCELLED' }, data: deliveryState('PENDING') })
    expect((await claimDeliveries(prisma, { channel: 'webpush', limit: 10, leaseMs: 1000 })).deliveries).toHaveLength(0)
    // the first claimed one comes back as a retry: CANCELLED, on record
    const refused = await completeDeliveries(prisma, claimed.token, [{ delivery: claimed.deliveries[0], result: { kind: 'retry', reason: '503' } }], policy)
    expect(refused.size).toBe(0)
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: claimed.deliveries[0].id } })).toMatchObject({ status: 'CANCELLED' })
    // the Update is passed over while the second is SENDING (its worker died)
    expect(await fanOutBatch(prisma)).toMatchObject({ alertId: originalId, done: true }) // the original's fan-out stops
    expect(await prisma.delivery.count({ where: { alertId: originalId } })).toBe(4)
    expect(await prisma.delivery.count({ where: { alertId: originalId, status: 'PENDING' } })).toBe(0) // swept
    expect(await fanOutBatch(prisma)).toBeNull()
    // until its lease runs out (database clock): then it is cancelled, not retried
    await until(async () => (await reclaimExpiredLeases(prisma, { maxAttempts: 5 })) === 1, 'the lease to expire')
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: claimed.deliveries[1].id } })).toMatchObject({ status: 'CANCELLED' })
    const attempts = await prisma.deliveryAttempt.findMany({ where: { deliveryId: { in: claimed.deliveries.map((d) => d.id) } }, orderBy: { id: 'asc' } })
    expect(attempts.map((x) => x.result)).toEqual(['cancelled', 'cancelled'])
    // now the Update fans out: the area only (nobody received the original)
    const fan = await fanOutBatch(prisma)
    expect(fan).toMatchObject({ alertId: updateId, done: true, inserted: 6 })
    expect(await prisma.delivery.count({ where: { alertId: originalId, status: { notIn: ['CANCELLED'] } } })).toBe(0)
  })
})
