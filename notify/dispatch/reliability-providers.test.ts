// Reliability rows 6, 10, 11, 12, 13, 15 and 30: the dispatcher and the ledger against the fake
// push service over TLS on 127.0.0.1 with its faults, on PGlite and PostgreSQL. What each row
// promises is read back from the ledger (Delivery, DeliveryAttempt, ChannelPause), the operator's
// views of it (delivery report, dead letters) and what the fake received and decrypted.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import { listDeadLetters } from '#domain/deliveries/list-dead-letters.ts'
import { listDeliveryReport } from '#domain/deliveries/list-delivery-report.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import type { ChannelAdapter, SendResult } from '#notify/channels/contract.ts'
import { generateVapidKeys, WebPushAdapter, type WebPushMessage } from '#notify/channels/web-push.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService, type FakeSubscription } from '#tests/fakes/push-service.ts'
import { Dispatcher, type ChannelRoute, type DispatcherOptions } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import type { PushPayload } from './render-push.ts'
import { webPushRoute } from './web-push-route.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'

const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }
const INSIDE: [number, number] = [23.72, 56.65]

function capAlert(identifier: string, severity: AlertSeverity, description = 'Lielupe pārplūst'): CapAlert {
  const info = (language: string, headline: string) => ({
    language, category: ['Met' as const], event: 'Plūdi', responseType: [], urgency: 'Immediate' as const,
    severity: severity as CapAlert['info'][number]['severity'], certainty: 'Observed' as const, eventCode: [], parameter: [], resource: [],
    headline, description, instruction: 'Evakuējieties', expires: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00'),
    area: [{ areaDesc: 'Jelgava', polygon: [], circle: [], geocode: [] }],
  })
  return {
    identifier, sender: 'sargs@jelgava.lv', sent: '2026-11-22T10:00:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public',
    code: [], references: [], info: [info('lv-LV', 'Plūdu brīdinājums'), info('en-GB', 'Flood warning')],
  } as CapAlert
}

/** A second, test-only channel (a pager, say): records what it sends. */
class RecordingChannel implements ChannelAdapter<string> {
  readonly limits = {}
  readonly sent: string[] = []
  constructor(readonly channel: string) {}
  async send(message: string): Promise<SendResult> {
    this.sent.push(message)
    return { kind: 'sent', providerMessageId: `${this.channel}:${this.sent.length}` }
  }
}

describeEachBackend('reliability: providers and channels', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let push: FakePushService
  const vapid = { subject: 'mailto:alerts@jelgava.example', ...generateVapidKeys() }

  beforeAll(async () => {
    push = await startFakePushService()
    push.expectVapidKey(vapid.publicKey)
  })
  afterAll(async () => push.close())

  async function subscribe(prisma: PrismaClient, places: [number, number][] = [INSIDE], keys?: { endpoint?: string; p256dh?: string }) {
    const sub = push.createSubscription()
    const row = await prisma.pushSubscription.create({
      data: {
        endpoint: keys?.endpoint ?? sub.endpoint, p256dh: keys?.p256dh ?? sub.keys.p256dh, auth: sub.keys.auth, languages: ['lv'], places,
        minLng: Math.min(...places.map((p) => p[0])), maxLng: Math.max(...places.map((p) => p[0])),
        minLat: Math.min(...places.map((p) => p[1])), maxLat: Math.max(...places.map((p) => p[1])),
      },
    })
    return { ...sub, rowId: row.id }
  }

  async function issue(options: { severity?: AlertSeverity; description?: string; area?: unknown } = {}) {
    const identifier = `urn:sargs:${randomUUID()}`
    const severity = options.severity ?? 'Severe'
    return issueAlert(db().prisma, {
      identifier, status: 'Actual', msgType: 'Alert', territoryId: 'jelgava', payload: capAlert(identifier, severity, options.description),
      severity, area: options.area ?? AREA, idempotencyKey: identifier,
    })
  }

  function dispatcher(extra: Partial<DispatcherOptions> = {}) {
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    return new Dispatcher({
      prisma: db().prisma, routes: [webPushRoute(adapter) as ChannelRoute<unknown>], exerciseSink: new ExerciseSink(),
      // a generous timeout: on a loaded machine a short one turns slow answers into resends
      batchSize: 50, sendTimeoutMs: 10_000, retry: { maxAttempts: 6, backoff: { baseMs: 5, capMs: 40 } }, ...extra,
    })
  }

  const receivedBy = (sub: FakeSubscription) => push.received.filter((r) => r.subscriptionId === sub.id)
  const requestsFor = (sub: FakeSubscription) =>
    receivedBy(sub).length + push.refused.filter((r) => r.subscriptionId === sub.id).length
  const ms = (a: Date, b: Date) => a.getTime() - b.getTime()

  it('row 6: poison recipients (endpoint not https, keys not on the curve, always 500, always hanging) end in the dead letters or failed with their reason; the rest is never held up', async () => {
    const prisma = db().prisma
    const plainHttp = await subscribe(prisma, [INSIDE], { endpoint: `http://127.0.0.1:9/push/${randomUUID()}` })
    const offCurve = await subscribe(prisma, [INSIDE], { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url') })
    const failing = await subscribe(prisma)
    const hanging = await subscribe(prisma)
    push.fault(failing.id, { kind: 'status', status: 500, body: 'internal error' })
    push.fault(hanging.id, { kind: 'hang' })
    const others = await Promise.all(Array.from({ length: 12 }, () => subscribe(prisma)))
    const alert = await issue()
    await dispatcher({ batchSize: 4, sendTimeoutMs: 1500, retry: { maxAttempts: 3, backoff: { baseMs: 5, capMs: 20 } } }).drain()

    // everyone else got it once, at the first attempt: sharing batches with the poisons cost them nothing
    for (const sub of others) expect(receivedBy(sub)).toHaveLength(1)
    const history = await attemptHistory(prisma, { alertId: alert.id })
    const rows = (await prisma.delivery.findMany({ where: { alertId: alert.id } })).map((r) => ({ ...r, attemptsLog: history.filter((a) => a.deliveryId === r.id) }))
    const byKey = new Map(rows.map((r) => [r.recipientKey, r]))
    for (const sub of others) {
      expect(byKey.get(sub.rowId)).toMatchObject({ status: 'SENT', attempts: 1 })
      expect(byKey.get(sub.rowId)!.attemptsLog.map((a) => a.result)).toEqual(['sent'])
    }

    // retryable poisons: N attempts, then the dead-letter list, with the reason
    expect(byKey.get(failing.rowId)).toMatchObject({ status: 'DEAD', attempts: 3, lastError: '3 attempts; last: 500 internal error' })
    expect(byKey.get(hanging.rowId)).toMatchObject({ status: 'DEAD', attempts: 3, lastError: '3 attempts; last: timeout after 1500 ms' })
    for (const sub of [failing, hanging]) {
      expect(byKey.get(sub.rowId)!.attemptsLog.map((a) => a.result)).toEqual(['retry', 'retry', 'dead'])
    }
    expect(requestsFor(failing)).toBe(3)
    // a subscription that can never work fails at once, without a request, with its reason
    expect(byKey.get(offCurve.rowId)).toMatchObject({ status: 'FAILED', attempts: 1 })
    expect(byKey.get(offCurve.rowId)!.lastError).toMatch(/^invalid subscription/)
    expect(requestsFor(offCurve)).toBe(0)
    // a plain http endpoint is never contacted (its VAPID token would go in the clear)
    expect(byKey.get(plainHttp.rowId)).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'invalid subscription: endpoint is not https' })

    // the operator sees them in the dead-letter list
    const dead = await listDeadLetters({ prisma })
    // the two given up after N attempts (DEAD) and the two refused for good at once (FAILED)
    expect(dead.rows.map((r) => r.status).sort()).toEqual(['DEAD', 'DEAD', 'FAILED', 'FAILED'])
    const given = dead.rows.filter((r) => r.status === 'DEAD')
    expect(given.map((r) => r.lastError).sort()).toEqual([
      '3 attempts; last: 500 internal error', '3 attempts; last: timeout after 1500 ms',
    ])
    expect(given.every((r) => r.attempts === 3)).toBe(true)
    for (const failed of dead.rows.filter((r) => r.status === 'FAILED')) {
      expect(failed).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/^invalid subscription/) })
    }
    expect(dead.rows.every((r) => r.identifier === alert.identifier)).toBe(true)
  })

  it('row 10: 5xx four times in a row → retried with capped exponential backoff and jitter (read from the ledger), delivered in the end, every attempt and answer in the delivery report', async () => {
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 12 }, () => subscribe(prisma)))
    // four failures each before success: attempts 1–4 show the backoff growing up to its cap
    for (const sub of subs) push.fault(sub.id, { kind: 'status', status: 503, body: 'busy' }, 4)
    const policy = { baseMs: 100, capMs: 400 }
    const d = dispatcher({ retry: { maxAttempts: 8, backoff: policy } })
    const alert = await issue()
    const delays = new Map<number, Map<string, number>>() // attempt → delivery → scheduled delay (ms)
    for (let round = 0; round < 500; round += 1) {
      await d.tick()
      const pending = await prisma.delivery.findMany({ where: { alertId: alert.id, status: 'PENDING', attempts: { gt: 0 } } })
      for (const p of pending) {
        const byAttempt = delays.get(p.attempts) ?? new Map<string, number>()
        byAttempt.set(String(p.id), ms(p.nextAttemptAt!, p.updatedAt))
        delays.set(p.attempts, byAttempt)
      }
      if ((await prisma.delivery.count({ where: { alertId: alert.id, status: { not: 'SENT' } } })) === 0 && pending.length === 0) {
        if (await prisma.delivery.count({ where: { alertId: alert.id } })) break
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    // (a network error on a reused connection may add an attempt to some: the same rule applies)
    for (const attempt of [1, 2, 3, 4]) expect(delays.get(attempt)?.size).toBe(12)
    for (const [attempt, byDelivery] of delays) {
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1))
      for (const delay of byDelivery.values()) {
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2 - 1)
        expect(delay).toBeLessThanOrEqual(ceiling + 1)
      }
    }
    // capped: attempts 3 and 4 share the ceiling; jittered: the retries do not move in lockstep
    expect(Math.max(...delays.get(4)!.values())).toBeLessThanOrEqual(policy.capMs + 1)
    expect(new Set(delays.get(1)!.values()).size).toBeGreaterThanOrEqual(6)

    for (const sub of subs) expect(receivedBy(sub)).toHaveLength(1)
    const report = await listDeliveryReport({ prisma, alertId: alert.id, limit: 100 })
    expect(report.rows).toHaveLength(12)
    for (const row of report.rows) {
      expect(row.status).toBe('SENT')
      expect(row.attempts.filter((a) => a.httpStatus === 503)).toHaveLength(4)
      expect(row.attempts.slice(0, -1).every((a) => a.result === 'retry')).toBe(true)
      expect(row.attempts.at(-1)).toMatchObject({ result: 'sent', httpStatus: 201 })
    }
    // every answer the push service gave is in the report
    const answered = report.rows.flatMap((r) => r.attempts).filter((a) => a.httpStatus !== null)
    expect(answered).toHaveLength(subs.reduce((n, s) => n + requestsFor(s), 0))
  })

  it('row 11: 429 Retry-After pauses web push for exactly that long (database clock) while a second channel keeps sending; then web push resumes', async () => {
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 4 }, () => subscribe(prisma)))
    push.fault(subs[0].id, { kind: 'status', status: 429, retryAfter: '4', body: 'slow down' }, 1)
    const pager = new RecordingChannel('test-pager')
    const pagerRoute: ChannelRoute<string> = {
      adapter: pager,
      async prepare(_db, deliveries) {
        return new Map(deliveries.map((x) => [x.id, `page ${x.recipientKey}`]))
      },
    }
    const alert = await issue()
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey")
       SELECT $1, 'test-pager', 'pager-' || g, $1 || ':test-pager:pager-' || g FROM generate_series(1, 12) g`,
      alert.id,
    )
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const d = dispatcher({ routes: [webPushRoute(adapter) as ChannelRoute<unknown>, pagerRoute as ChannelRoute<unknown>], batchSize: 3, concurrency: 1 })
    // web push until the 429
    while (!(await prisma.channelPause.findUnique({ where: { channel: 'webpush' } }))) await d.tick()
    const pause = await prisma.channelPause.findUniqueOrThrow({ where: { channel: 'webpush' } })
    const limited = await prisma.delivery.findFirstOrThrow({ where: { recipientKey: subs[0].rowId }, include: { attemptsLog: true } })
    const the429 = limited.attemptsLog.find((a) => a.httpStatus === 429)!
    // waits as told: exactly Retry-After from the answer, and the limited message not before
    expect(ms(pause.pausedUntil, the429.at)).toBe(4000)
    expect(pause.reason).toBe('429 slow down')
    expect(ms(limited.nextAttemptAt!, pause.pausedUntil)).toBeGreaterThanOrEqual(0)

    // meanwhile the pager channel sends all it has, batch after batch; web push claims nothing
    const webRequests = push.requests
    while (pager.sent.length < 12) {
      const report = await d.tick()
      expect(report.claimed).toBeGreaterThan(0) // only pager claims
    }
    expect(push.requests).toBe(webRequests)
    const [clock] = await prisma.$queryRawUnsafe<{ now: Date }[]>('SELECT now() AS "now"')
    expect(ms(pause.pausedUntil, clock.now)).toBeGreaterThan(0) // all of it happened during the pause
    expect(await prisma.delivery.count({ where: { channel: 'test-pager', status: 'SENT' } })).toBe(12)

    // after the pause, web push delivers the rest, none of it early
    await d.drain({ timeoutMs: 20_000 })
    for (const sub of subs) expect(receivedBy(sub)).toHaveLength(1)
    const late = receivedBy(subs[0])[0]
    expect(late.at).toBeGreaterThanOrEqual(pause.pausedUntil.getTime() - 50)
    const afterPause = await attemptHistory(prisma, { recipientKey: subs[0].rowId })
    expect(afterPause.map((a) => [a.result, a.httpStatus])).toEqual([['retry', 429], ['sent', 201]])
  })

  it('row 12: the push service takes the push and the answer never comes → timeout, resent with the same Topic and payload; an offline device receives one', async () => {
    const prisma = db().prisma
    const lostAnswer = await subscribe(prisma)
    const fine = await subscribe(prisma)
    push.offline(lostAnswer.id)
    push.fault(lostAnswer.id, { kind: 'accept-then-hang' }, 1)
    const keys: string[] = []
    const d = dispatcher({ sendTimeoutMs: 1500 })
    const route = d['options'].routes[0]
    const send = route.adapter.send.bind(route.adapter)
    route.adapter.send = (message, ctx) => {
      keys.push(ctx.idempotencyKey)
      return send(message, ctx)
    }
    const alert = await issue()
    await d.drain()
    const delivery = { ...(await prisma.delivery.findFirstOrThrow({ where: { recipientKey: lostAnswer.rowId } })), attemptsLog: await attemptHistory(prisma, { recipientKey: lostAnswer.rowId }) }
    expect(delivery.status).toBe('SENT')
    expect(delivery.attemptsLog.map((a) => [a.result, a.detail?.startsWith('timeout after 1500 ms') ?? false])).toEqual([['retry', true], ['sent', false]])
    // the same idempotency key both times (web push has no header for it: RFC 8030 defines none)
    expect(keys.filter((k) => k === `${alert.id}:webpush:${lostAnswer.rowId}`)).toHaveLength(2)
    // the service took it twice — the same Topic and the same content …
    const both = receivedBy(lostAnswer)
    expect(both).toHaveLength(2)
    expect(both[0].topic).toBeDefined()
    expect(both[1].topic).toBe(both[0].topic)
    expect(both[1].plaintext).toBe(both[0].plaintext)
    // … so the second replaced the first while the device was offline: it receives one
    push.online(lostAnswer.id)
    expect(push.delivered.filter((r) => r.subscriptionId === lostAnswer.id)).toHaveLength(1)
    expect(receivedBy(fine)).toHaveLength(1)
  })

  it('row 13: permanent 4xx (400, 403, 413) → not retried, failed with the reason; the subscription stays; the rest goes on', async () => {
    const prisma = db().prisma
    const [bad, refused, tooLarge] = await Promise.all([subscribe(prisma), subscribe(prisma), subscribe(prisma)])
    push.fault(bad.id, { kind: 'status', status: 400, body: 'malformed' }, 1)
    push.fault(refused.id, { kind: 'status', status: 403, body: 'VAPID refused' }, 1)
    push.fault(tooLarge.id, { kind: 'status', status: 413, body: 'too large' }, 1)
    const others = await Promise.all(Array.from({ length: 5 }, () => subscribe(prisma)))
    const first = await issue()
    await dispatcher().drain()
    for (const sub of others) expect(receivedBy(sub)).toHaveLength(1)
    for (const [sub, status, reason] of [[bad, 400, '400 malformed'], [refused, 403, '403 VAPID refused'], [tooLarge, 413, '413 too large']] as const) {
      // not retried: one request, one attempt on record (the claim counter may count a claim that
      // was given back unsent; what matters is what reached the service and what the report shows)
      expect(requestsFor(sub)).toBe(1)
      const row = await prisma.delivery.findFirstOrThrow({ where: { alertId: first.id, recipientKey: sub.rowId }, include: { attemptsLog: true } })
      expect(row).toMatchObject({ status: 'FAILED', lastError: reason })
      // the 4xx is the last attempt, nothing after it; before it, at most a failure that never reached
      // the service (no HTTP status: a connection failing on a loaded machine, seen once locally)
      const attempts = [...row.attemptsLog].sort((x, y) => (x.id < y.id ? -1 : 1))
      expect(attempts.at(-1)).toMatchObject({ result: 'permanent', httpStatus: status, detail: reason })
      for (const earlier of attempts.slice(0, -1)) expect(earlier).toMatchObject({ result: 'retry', httpStatus: null })
    }
    // not a dead address: the next alert reaches them
    expect(await prisma.pushSubscription.count()).toBe(8)
    await issue()
    await dispatcher().drain()
    for (const sub of [bad, refused, tooLarge]) expect(receivedBy(sub)).toHaveLength(1)
  })

  it('row 15: 404 and 410 remove the subscription, are not retried, and cancel its other pending deliveries', async () => {
    const prisma = db().prisma
    const notFound = await subscribe(prisma)
    const gone = await subscribe(prisma)
    const fine = await subscribe(prisma)
    push.fault(notFound.id, { kind: 'status', status: 404, body: 'no such subscription' })
    push.fault(gone.id, { kind: 'status', status: 410, body: 'expired' })
    const first = await issue()
    const second = await issue()
    while (await fanOutBatch(prisma));
    // one batch per alert: the first alert's answers are written before the second is claimed
    await dispatcher({ batchSize: 3 }).drain()
    for (const [sub, reason] of [[notFound, '404 no such subscription'], [gone, '410 expired']] as const) {
      expect(requestsFor(sub)).toBe(1)
      expect(await prisma.pushSubscription.findUnique({ where: { id: sub.rowId } })).toBeNull()
      expect(await prisma.delivery.findFirstOrThrow({ where: { alertId: first.id, recipientKey: sub.rowId } }))
        .toMatchObject({ status: 'FAILED', attempts: 1, lastError: reason })
      expect(await prisma.delivery.findFirstOrThrow({ where: { alertId: second.id, recipientKey: sub.rowId } }))
        .toMatchObject({ status: 'CANCELLED', attempts: 0, lastError: 'subscription gone (404/410)' })
    }
    expect(receivedBy(fine)).toHaveLength(2)
    // a later alert does not even target them
    const third = await issue()
    await dispatcher().drain()
    expect(await prisma.delivery.count({ where: { alertId: third.id } })).toBe(1)
  })

  it('row 15: a long alert is cut to fit 4 KB; a payload over the limit is refused before sending; every push carries TTL and Urgency', async () => {
    const prisma = db().prisma
    const sub = await subscribe(prisma)
    const long = 'Lielupe pārplūst, ūdens līmenis ceļas. '.repeat(600) // ~24 KB of Latvian text
    const severities: AlertSeverity[] = ['Extreme', 'Severe', 'Moderate', 'Minor']
    for (const severity of severities) await issue({ severity, description: severity === 'Extreme' ? long : 'Īsi' })
    await dispatcher().drain()
    const pushes = receivedBy(sub)
    expect(pushes).toHaveLength(4)
    for (const p of pushes) {
      expect(p.headers.ttl).toMatch(/^\d+$/)
      expect(p.ttl).toBeGreaterThan(3000)
      expect(p.ttl).toBeLessThanOrEqual(3600)
      expect(p.headers.urgency).toBeDefined()
      expect(p.body.length).toBeLessThanOrEqual(4096)
    }
    const bySeverity = new Map(pushes.map((p) => [(JSON.parse(p.plaintext) as PushPayload).severity, p]))
    expect([...bySeverity.keys()].sort()).toEqual([...severities].sort())
    expect(bySeverity.get('Extreme')!.urgency).toBe('high')
    expect(bySeverity.get('Severe')!.urgency).toBe('high')
    expect(bySeverity.get('Moderate')!.urgency).toBe('normal')
    expect(bySeverity.get('Minor')!.urgency).toBe('normal')
    const cut = JSON.parse(bySeverity.get('Extreme')!.plaintext) as PushPayload
    expect(cut.headline).toBe('Plūdu brīdinājums')
    expect(cut.description.endsWith('…')).toBe(true)
    expect(cut.description.length).toBeLessThan(long.length)

    // a message over the limit (a route that forgot to cut) never reaches the push service
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const base = webPushRoute(adapter)
    const oversized: ChannelRoute<WebPushMessage> = {
      ...base,
      async prepare(dbc, deliveries, alerts) {
        const out = await base.prepare(dbc, deliveries, alerts)
        for (const [id, m] of out) if ('payload' in m) out.set(id, { ...m, payload: 'x'.repeat(5000) })
        return out
      },
    }
    const requests = push.requests
    const refusedAlert = await issue()
    await dispatcher({ routes: [oversized as ChannelRoute<unknown>] }).drain()
    expect(push.requests).toBe(requests)
    const row = await prisma.delivery.findFirstOrThrow({ where: { alertId: refusedAlert.id }, include: { attemptsLog: true } })
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'payload 5000 bytes > 3993' })
    expect(row.attemptsLog).toMatchObject([{ result: 'permanent', httpStatus: null }])
    expect(await prisma.pushSubscription.count()).toBe(1) // refused, not a dead address
  })

  it('row 30: one person reachable by several routes (several places inside, an area of two polygons, two workers at once) gets one message per address per alert', async () => {
    const prisma = db().prisma
    // two separate squares; a place in each, and in both
    const west: [number, number] = [23.65, 56.65]
    const east: [number, number] = [23.95, 56.65]
    const area = { type: 'MultiPolygon', coordinates: [
      [[[23.6, 56.6], [23.7, 56.6], [23.7, 56.7], [23.6, 56.7], [23.6, 56.6]]],
      [[[23.9, 56.6], [24.0, 56.6], [24.0, 56.7], [23.9, 56.7], [23.9, 56.6]]],
    ] }
    const both = await subscribe(prisma, [west, east, [23.66, 56.66], [23.96, 56.64]])
    const westOnly = await subscribe(prisma, [west])
    const eastOnly = await subscribe(prisma, [east, [23.91, 56.61]])
    const outside = await subscribe(prisma, [[23.8, 56.65]])
    // the same browser subscribing again is the same address: one row (the endpoint is unique)
    await expect(prisma.pushSubscription.create({
      data: { endpoint: both.endpoint, p256dh: both.keys.p256dh, auth: both.keys.auth, languages: ['en'], places: [west], minLng: west[0], maxLng: west[0], minLat: west[1], maxLat: west[1] },
    })).rejects.toThrow()
    const alert = await issue({ area })
    const a = dispatcher({ batchSize: 1, fanOutBatchSize: 1 })
    const b = dispatcher({ batchSize: 1, fanOutBatchSize: 1 })
    await Promise.all([a.drain(), b.drain()])
    for (const sub of [both, westOnly, eastOnly]) expect(receivedBy(sub)).toHaveLength(1)
    expect(receivedBy(outside)).toHaveLength(0)
    const rows = await prisma.delivery.findMany({ where: { alertId: alert.id } })
    expect(rows.map((r) => r.recipientKey).sort()).toEqual([both.rowId, westOnly.rowId, eastOnly.rowId].sort())
    expect(rows.every((r) => r.status === 'SENT' && r.attempts === 1)).toBe(true)
  })
})
