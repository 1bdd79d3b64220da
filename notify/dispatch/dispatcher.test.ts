// The ledger and the dispatcher against the fake push service, on PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertSeverity, AlertStatus } from '#generated/prisma/enums.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import type { ChannelAdapter, SendResult } from '#notify/channels/contract.ts'
import { generateVapidKeys, WebPushAdapter } from '#notify/channels/web-push.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService, type FakeSubscription } from '#tests/fakes/push-service.ts'
import { Dispatcher, type ChannelRoute, type DispatcherOptions } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { pushTopic, type PushPayload } from './render-push.ts'
import { webPushRoute } from './web-push-route.ts'

// Jelgava centre, a small square around it, and a place outside it
const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }
const INSIDE: [number, number] = [23.72, 56.65]
const INSIDE_2: [number, number] = [23.7, 56.62]
const OUTSIDE: [number, number] = [24.1, 56.95]

function capAlert(identifier: string, status: AlertStatus = 'Actual', severity: AlertSeverity = 'Severe', extra: Partial<CapAlert> = {}): CapAlert {
  const info = (language: string, headline: string) => ({
    language, category: ['Met' as const], event: 'Plūdi', responseType: [], urgency: 'Immediate' as const,
    severity: severity as CapAlert['info'][number]['severity'], certainty: 'Observed' as const, eventCode: [], parameter: [], resource: [],
    headline, description: 'Lielupe', instruction: 'Evakuējieties', expires: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00'),
    area: [{ areaDesc: 'Jelgava', polygon: [], circle: [], geocode: [] }],
  })
  return {
    identifier, sender: 'sargs@jelgava.lv', sent: '2026-11-22T10:00:00+02:00', status, msgType: 'Alert', scope: 'Public',
    code: [], references: [],
    info: [info('lv-LV', 'Plūdu brīdinājums'), info('en-GB', 'Flood warning'), info('ru-RU', 'Предупреждение о наводнении')],
    ...extra,
  } as CapAlert
}

describeEachBackend('dispatcher', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let push: FakePushService
  const vapidKeys = generateVapidKeys()
  const vapid = { subject: 'mailto:alerts@jelgava.example', ...vapidKeys }

  beforeAll(async () => {
    push = await startFakePushService()
    push.expectVapidKey(vapidKeys.publicKey)
  })
  afterAll(async () => push.close())

  async function subscribe(prisma: PrismaClient, options: { places?: [number, number][]; languages?: string[]; minSeverity?: AlertSeverity } = {}) {
    const sub = push.createSubscription()
    const places = options.places ?? [INSIDE]
    const row = await prisma.pushSubscription.create({
      data: {
        endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, languages: options.languages ?? ['lv'],
        minSeverity: options.minSeverity ?? 'Minor', places,
        minLng: Math.min(...places.map((p) => p[0])), maxLng: Math.max(...places.map((p) => p[0])),
        minLat: Math.min(...places.map((p) => p[1])), maxLat: Math.max(...places.map((p) => p[1])),
      },
    })
    return { ...sub, rowId: row.id }
  }

  function dispatcher(extra: Partial<DispatcherOptions> & { routes?: ChannelRoute<unknown>[] } = {}) {
    const sink = new ExerciseSink()
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const d = new Dispatcher({
      prisma: db().prisma,
      routes: [webPushRoute(adapter) as ChannelRoute<unknown>],
      exerciseSink: sink,
      batchSize: 50,
      fanOutBatchSize: 7,
      sendTimeoutMs: 2000,
      retry: { maxAttempts: 6, backoff: { baseMs: 5, capMs: 40 } },
      ...extra,
    })
    return { d, sink, adapter }
  }

  async function issue(identifier = `urn:sargs:${randomUUID()}`, status: AlertStatus = 'Actual', severity: AlertSeverity = 'Severe', key = randomUUID()) {
    return issueAlert(db().prisma, {
      identifier, status, msgType: 'Alert', territoryId: 'jelgava', payload: capAlert(identifier, status, severity),
      severity, area: AREA, idempotencyKey: key,
    })
  }

  const receivedBy = (sub: FakeSubscription) => push.received.filter((r) => r.subscriptionId === sub.id)

  it('delivers an alert exactly once to every subscriber inside the area, in their language, decrypted', async () => {
    const prisma = db().prisma
    const lv = await Promise.all(Array.from({ length: 12 }, () => subscribe(prisma)))
    const en = await Promise.all(Array.from({ length: 5 }, () => subscribe(prisma, { languages: ['en', 'lv'] })))
    const ru = await subscribe(prisma, { languages: ['ru'] })
    const de = await subscribe(prisma, { languages: ['de'] }) // no German: falls back to lv
    const twoPlaces = await subscribe(prisma, { places: [INSIDE, INSIDE_2] }) // one message, not two
    const outside = await subscribe(prisma, { places: [OUTSIDE] })
    const tooMild = await subscribe(prisma, { minSeverity: 'Extreme' })
    const { d, adapter } = dispatcher()
    const alert = await issue('urn:sargs:flood-1')
    await d.drain()

    const targeted = [...lv, ...en, ru, de, twoPlaces]
    for (const sub of targeted) expect(receivedBy(sub)).toHaveLength(1)
    expect(receivedBy(outside)).toHaveLength(0)
    expect(receivedBy(tooMild)).toHaveLength(0)
    const payload = (sub: FakeSubscription) => JSON.parse(receivedBy(sub)[0].plaintext) as PushPayload
    expect(payload(lv[0])).toMatchObject({ identifier: 'urn:sargs:flood-1', lang: 'lv', headline: 'Plūdu brīdinājums', url: '/alerts/urn%3Asargs%3Aflood-1' })
    expect(payload(en[0]).headline).toBe('Flood warning')
    expect(payload(ru).headline).toBe('Предупреждение о наводнении')
    expect(payload(de).lang).toBe('lv')
    const first = receivedBy(lv[0])[0]
    expect(first.urgency).toBe('high')
    expect(first.topic).toBe(pushTopic({ identifier: 'urn:sargs:flood-1', msgType: 'Alert', references: [] }))
    expect(first.ttl).toBeGreaterThan(3000)
    expect(first.ttl).toBeLessThanOrEqual(3600)

    const deliveries = await prisma.delivery.findMany({ where: { alertId: alert.id } })
    expect(deliveries).toHaveLength(targeted.length)
    expect(deliveries.every((x) => x.status === 'SENT' && x.attempts === 1 && x.providerMessageId?.startsWith(push.origin))).toBe(true)
    expect(deliveries.every((x) => x.idempotencyKey === `${alert.id}:webpush:${x.recipientKey}`)).toBe(true)
    // the accepted send is on the delivery (time, HTTP status, provider's id), not an attempt row (decision 023)
    expect(deliveries.every((x) => x.sentAt !== null && x.sentHttpStatus === 201)).toBe(true)
    expect(await prisma.deliveryAttempt.count()).toBe(0)
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).fanoutDoneAt).not.toBeNull()
    expect(adapter.tokensSigned).toBe(1)
  })

  it('issues once for a repeated idempotency key (double click, retried POST)', async () => {
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 3 }, () => subscribe(prisma)))
    const key = randomUUID()
    const [a, b] = await Promise.all([issue('urn:sargs:dbl', 'Actual', 'Severe', key), issue('urn:sargs:dbl', 'Actual', 'Severe', key)])
    const c = await issue('urn:sargs:dbl', 'Actual', 'Severe', key)
    expect(new Set([a.id, b.id, c.id]).size).toBe(1)
    expect([a.created, b.created, c.created].filter(Boolean)).toHaveLength(1)
    expect(await prisma.alert.count()).toBe(1)
    // the same CAP identifier under another key is a conflict, not a second alert
    await expect(issue('urn:sargs:dbl', 'Actual', 'Severe', randomUUID())).rejects.toMatchObject({ code: 'CONFLICT' })
    await dispatcher().d.drain()
    for (const sub of subs) expect(receivedBy(sub)).toHaveLength(1)
  })

  it('two concurrent issues of one identifier under different keys: one alert, the other CONFLICT', async () => {
    for (let round = 0; round < 5; round++) {
      const identifier = `urn:sargs:race-${round}`
      const results = await Promise.allSettled([
        issue(identifier, 'Actual', 'Severe', randomUUID()),
        issue(identifier, 'Actual', 'Severe', randomUUID()),
      ])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(rejected).toHaveLength(1)
      expect(rejected[0].reason).toMatchObject({ code: 'CONFLICT' })
      expect(await db().prisma.alert.count({ where: { identifier } })).toBe(1)
    }
  })

  it('removes a subscription whose endpoint answers 410 and does not retry it', async () => {
    const prisma = db().prisma
    const gone = await subscribe(prisma)
    const fine = await subscribe(prisma)
    push.fault(gone.id, { kind: 'status', status: 410, body: 'expired' })
    const requestsBefore = push.requests
    await issue()
    await dispatcher().d.drain()
    expect(push.requests - requestsBefore).toBe(2)
    expect(receivedBy(fine)).toHaveLength(1)
    expect(await prisma.pushSubscription.findUnique({ where: { id: gone.rowId } })).toBeNull()
    const delivery = await prisma.delivery.findFirstOrThrow({ where: { recipientKey: gone.rowId } })
    expect(delivery).toMatchObject({ status: 'FAILED', attempts: 1, lastError: '410 expired' })
    const attempts = await prisma.deliveryAttempt.findMany({ where: { deliveryId: delivery.id } })
    expect(attempts).toMatchObject([{ result: 'permanent', httpStatus: 410, detail: 'dead address: 410 expired' }])
  })

  it('obeys 429 Retry-After for that channel only; the other channel keeps sending', async () => {
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 4 }, () => subscribe(prisma)))
    push.fault(subs[0].id, { kind: 'status', status: 429, retryAfter: '4' }, 1)
    const other = new RecordingChannel('fake-sms')
    const otherRoute: ChannelRoute<string> = {
      adapter: other,
      async prepare(_db, deliveries) {
        return new Map(deliveries.map((x) => [x.id, `sms to ${x.recipientKey}`]))
      },
    }
    const alert = await issue()
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey")
       SELECT $1, 'fake-sms', 'phone-' || g, $1 || ':fake-sms:phone-' || g FROM generate_series(1, 5) g`,
      alert.id,
    )
    const { d } = dispatcher({ routes: [dispatcher().d['options'].routes[0], otherRoute as ChannelRoute<unknown>], concurrency: 1 })
    // fan out, then one batch per channel: webpush hits the 429 first and pauses
    while ((await d.tick()).fannedOut > 0);
    const pause = await prisma.channelPause.findUniqueOrThrow({ where: { channel: 'webpush' } })
    expect(pause.reason).toMatch(/^429/)
    expect(other.sent).toHaveLength(5) // the other channel was not held up
    const rows = await prisma.delivery.findMany({ where: { channel: 'webpush' }, orderBy: { id: 'asc' } })
    const limited = rows.findIndex((x) => x.recipientKey === subs[0].rowId)
    // the 429 counted as an attempt; the ones before it went out, the rest was given back without one
    expect(rows[limited]).toMatchObject({ status: 'PENDING', attempts: 1, lastError: '429 fault 429' })
    expect(rows.slice(0, limited).every((x) => x.status === 'SENT' && x.attempts === 1)).toBe(true)
    expect(rows.slice(limited + 1).every((x) => x.status === 'PENDING' && x.attempts === 0)).toBe(true)
    const requests = push.requests
    expect((await d.tick()).claimed).toBe(0) // paused: nothing claimed, nothing sent
    expect(push.requests).toBe(requests)
    await d.drain()
    for (const sub of subs) expect(receivedBy(sub)).toHaveLength(1)
    // nothing of this channel was tried again before the pause ended (both on the database clock)
    const resumed = (await attemptHistory(prisma, { id: { in: rows.slice(limited).map((x) => x.id) } })).filter((a) => a.result === 'sent')
    expect(resumed).toHaveLength(rows.length - limited)
    for (const attempt of resumed) expect(attempt.at.getTime()).toBeGreaterThanOrEqual(pause.pausedUntil.getTime())
  })

  it('delivers everything in the end when 30 % of calls fail with 503; every attempt is recorded', async () => {
    const prisma = db().prisma
    const service = await startFakePushService()
    try {
      service.failRate(0.3, 503, 7)
      const subs: FakeSubscription[] = []
      for (let i = 0; i < 40; i += 1) {
        const sub = service.createSubscription()
        subs.push(sub)
        await prisma.pushSubscription.create({
          data: { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, languages: ['lv'], places: [INSIDE],
            minLng: INSIDE[0], maxLng: INSIDE[0], minLat: INSIDE[1], maxLat: INSIDE[1] },
        })
      }
      const adapter = new WebPushAdapter({ vapid, dispatcher: service.dispatcher })
      const d = new Dispatcher({
        prisma, routes: [webPushRoute(adapter) as ChannelRoute<unknown>], exerciseSink: new ExerciseSink(),
        retry: { maxAttempts: 12, backoff: { baseMs: 5, capMs: 40 } },
      })
      await issue()
      await d.drain()
      for (const sub of subs) expect(service.received.filter((r) => r.subscriptionId === sub.id)).toHaveLength(1)
      const deliveries = await prisma.delivery.findMany()
      expect(deliveries.every((x) => x.status === 'SENT')).toBe(true)
      const attempts = await attemptHistory(prisma, {})
      expect(attempts).toHaveLength(service.requests)
      expect(attempts.filter((a) => a.result === 'retry' && a.httpStatus === 503)).toHaveLength(service.refused.length)
      expect(attempts.filter((a) => a.result === 'sent' && a.httpStatus === 201)).toHaveLength(deliveries.length)
      expect(service.refused.length).toBeGreaterThan(5)
      for (const x of deliveries) expect(x.attempts).toBe(attempts.filter((a) => a.deliveryId === x.id).length)
    } finally {
      await service.close()
    }
  })

  it('gives up on a hanging push service after the timeout and retries with the same idempotency key; the fake counts one', async () => {
    const prisma = db().prisma
    const slow = await subscribe(prisma)
    const fine = await subscribe(prisma)
    push.fault(slow.id, { kind: 'hang' }, 1)
    const seen: string[] = []
    // long enough that a healthy push on a loaded 2-core machine is never cut off (a cut-off push
    // that the fake accepted would be received twice)
    const { d } = dispatcher({ sendTimeoutMs: 1500 })
    const adapter = d['options'].routes[0].adapter
    const send = adapter.send.bind(adapter)
    adapter.send = (message, ctx) => {
      seen.push(ctx.idempotencyKey)
      return send(message, ctx)
    }
    const alert = await issue()
    await d.drain()
    expect(receivedBy(slow)).toHaveLength(1)
    expect(receivedBy(fine)).toHaveLength(1)
    const attempts = await attemptHistory(prisma, { recipientKey: slow.rowId })
    expect(attempts.map((a) => [a.result, a.detail?.startsWith('timeout') ?? false])).toEqual([['retry', true], ['sent', false]])
    expect(seen.filter((k) => k === `${alert.id}:webpush:${slow.rowId}`)).toHaveLength(2)
  })

  it('sends a poison recipient to the dead letters after N attempts without blocking the others', async () => {
    const prisma = db().prisma
    const poison = await subscribe(prisma)
    const others = await Promise.all(Array.from({ length: 5 }, () => subscribe(prisma)))
    push.fault(poison.id, { kind: 'status', status: 500, body: 'boom' })
    await issue()
    const { d } = dispatcher({ retry: { maxAttempts: 3, backoff: { baseMs: 5, capMs: 20 } } })
    await d.drain()
    for (const sub of others) expect(receivedBy(sub)).toHaveLength(1)
    const dead = await prisma.delivery.findFirstOrThrow({ where: { recipientKey: poison.rowId }, include: { attemptsLog: { orderBy: { id: 'asc' } } } })
    expect(dead).toMatchObject({ status: 'DEAD', attempts: 3, lastError: '3 attempts; last: 500 boom' })
    expect(dead.attemptsLog.map((a) => a.result)).toEqual(['retry', 'retry', 'dead'])
    // a malformed subscription (keys too short) fails at once, with its reason
    await prisma.pushSubscription.create({
      data: { endpoint: `${push.origin}/push/${randomUUID()}`, p256dh: 'AAAA', auth: 'AAAA', languages: ['lv'], places: [INSIDE],
        minLng: INSIDE[0], maxLng: INSIDE[0], minLat: INSIDE[1], maxLat: INSIDE[1] },
    })
    await issue()
    await d.drain()
    const malformed = await prisma.delivery.findFirstOrThrow({ where: { status: 'FAILED' } })
    expect(malformed.lastError).toMatch(/^invalid subscription/)
  })

  it('a worker frozen past its lease is overtaken; it sends nothing more and its results are refused', async () => {
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 3 }, () => subscribe(prisma)))
    await issue()
    while (await fanOutBatch(prisma));
    // worker A claims, then "freezes" (SIGSTOP) before sending
    let resume!: () => void
    const frozen = new Promise<void>((resolve) => (resume = resolve))
    let claimed!: () => void
    const claimedP = new Promise<void>((resolve) => (claimed = resolve))
    const a = dispatcher({ leaseMs: 300, hooks: { afterClaim: async () => { claimed(); await frozen } } }).d
    const aTick = a.tick()
    await claimedP
    expect(await prisma.delivery.count({ where: { status: 'SENDING' } })).toBe(3)
    await new Promise((r) => setTimeout(r, 400))
    // worker B takes the expired leases over and delivers
    const b = dispatcher().d
    await b.drain()
    for (const sub of subs) expect(receivedBy(sub)).toHaveLength(1)
    resume()
    const report = await aTick
    expect(report).toMatchObject({ claimed: 3, sent: 0 })
    for (const sub of subs) expect(receivedBy(sub)).toHaveLength(1) // A sent nothing after waking
    const deliveries = await prisma.delivery.findMany()
    const attempts = await attemptHistory(prisma, {})
    for (const x of deliveries) {
      expect(x.status).toBe('SENT')
      expect(attempts.filter((a) => a.deliveryId === x.id).map((l) => l.result)).toEqual(['lease-expired', 'sent'])
    }
  })

  it('refuses the results of a worker that sent, froze past its lease and woke up after another took over', async () => {
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 2 }, () => subscribe(prisma)))
    await issue()
    let resume!: () => void
    const frozen = new Promise<void>((resolve) => (resume = resolve))
    let sent!: () => void
    const sentP = new Promise<void>((resolve) => (sent = resolve))
    const a = dispatcher({ leaseMs: 300, hooks: { beforeComplete: async () => { sent(); await frozen } } }).d
    const aTick = (async () => { let r; do { r = await a.tick() } while (r.claimed === 0); return r })()
    await sentP
    await new Promise((r) => setTimeout(r, 400))
    // B reclaims; make B's sends fail so the ledger would show A's "sent" if it were accepted
    for (const sub of subs) push.fault(sub.id, { kind: 'status', status: 503 }, 1)
    const b = dispatcher().d
    await b.tick()
    resume()
    const report = await aTick
    expect(report).toMatchObject({ claimed: 2, sent: 0, stale: 2 })
    const deliveries = await prisma.delivery.findMany({ include: { attemptsLog: { orderBy: { id: 'asc' } } } })
    for (const x of deliveries) {
      expect(x.status).toBe('PENDING') // B's retry stands, not A's late "sent"
      expect(x.attemptsLog.map((l) => l.result).sort()).toEqual(['lease-expired', 'retry', 'stale'])
      expect(x.attemptsLog.find((l) => l.result === 'stale')!.detail).toMatch(/^lease lost, result refused: sent/)
    }
    await b.drain()
    expect((await prisma.delivery.findMany()).every((x) => x.status === 'SENT')).toBe(true)
  })

  it('uses the database clock: a worker whose clock is 10 minutes ahead neither steals a live lease nor retries early', async (context) => {
    // embedded PGlite takes its clock from this very process: there is no second clock to disagree
    if (backend === 'pglite') return context.skip()
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 2 }, () => subscribe(prisma)))
    push.fault(subs[0].id, { kind: 'status', status: 503 }, 1)
    await issue()
    while (await fanOutBatch(prisma));
    // A claims with a one-minute lease and freezes before sending
    let resume!: () => void
    const frozen = new Promise<void>((resolve) => (resume = resolve))
    let claimed!: () => void
    const claimedP = new Promise<void>((resolve) => (claimed = resolve))
    const slowRetry = { maxAttempts: 6, backoff: { baseMs: 30_000, capMs: 60_000 } }
    const a = dispatcher({ leaseMs: 60_000, retry: slowRetry, hooks: { afterClaim: async () => { claimed(); await frozen } } }).d
    const aTick = a.tick()
    await claimedP
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 10 * 60_000)
      const b = dispatcher({ retry: slowRetry }).d
      expect(await b.tick()).toMatchObject({ reclaimed: 0, claimed: 0 })
      resume()
      await aTick
      // subs[0] got a 503: due again in ≥ 15 s by the database's clock, not by B's
      expect(await b.tick()).toMatchObject({ claimed: 0 })
      const retrying = await prisma.delivery.findFirstOrThrow({ where: { recipientKey: subs[0].rowId } })
      expect(retrying.status).toBe('PENDING')
    } finally {
      vi.useRealTimers()
    }
    expect(receivedBy(subs[1])).toHaveLength(1)
    expect(receivedBy(subs[0])).toHaveLength(0)
  })

  it('routes Exercise and Test alerts only to the exercise sink, never to a real channel', async () => {
    const prisma = db().prisma
    const subs = await Promise.all(Array.from({ length: 3 }, () => subscribe(prisma)))
    const { d, sink } = dispatcher()
    await issue('urn:sargs:drill', 'Exercise')
    await issue('urn:sargs:test', 'Test')
    const draft = await issue('urn:sargs:draft', 'Draft')
    await d.drain()
    for (const sub of subs) expect(receivedBy(sub)).toHaveLength(0)
    expect(sink.records).toHaveLength(6)
    expect(sink.records.map((r) => (JSON.parse((r.message as { payload: string }).payload) as PushPayload).status).sort())
      .toEqual(['Exercise', 'Exercise', 'Exercise', 'Test', 'Test', 'Test'])
    expect((await attemptHistory(prisma, {})).map((a) => a.result)).toEqual(Array(6).fill('exercise'))
    expect(await prisma.delivery.count({ where: { alertId: draft.id } })).toBe(0)
  })
})

class RecordingChannel implements ChannelAdapter<string> {
  readonly limits = {}
  readonly sent: string[] = []
  constructor(readonly channel: string) {}
  async send(message: string): Promise<SendResult> {
    this.sent.push(message)
    return { kind: 'sent' }
  }
}
