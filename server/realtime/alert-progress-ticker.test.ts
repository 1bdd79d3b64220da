// Live progress over socket.io: a viewer of an alert's room receives `alert.progress` while the
// dispatcher (here in the test, as it would be in a `sargs worker` process) sends to the fake push
// service, up to the complete reading; a role without read:alert:any is refused the room; with
// two app nodes only the lease holder publishes, and (with Redis) a viewer on the other node
// receives it. On PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto'
import { io as ioClient } from 'socket.io-client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AlertProgress } from '#domain/deliveries/get-alert-progress.ts'
import type { RealtimeEventMessage } from '#domain/realtime/protocol.ts'
import { alertRoom, parseRoom, roomPolicy } from '#domain/realtime/rooms.ts'
import { generateVapidKeys, WebPushAdapter } from '#notify/channels/web-push.ts'
import { Dispatcher, type ChannelRoute } from '#notify/dispatch/dispatcher.ts'
import { ExerciseSink } from '#notify/dispatch/exercise-sink.ts'
import { webPushRoute } from '#notify/dispatch/web-push-route.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { createTestDatabase, describeEachBackend, type TestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import type { RealtimeConnection } from '../../app/components/realtime-connection.ts'
import { PROGRESS_EVENT, startAlertProgressTicker, type AlertProgressTicker } from './alert-progress-ticker.ts'
import { connectClient, signedInUser, startRealtimeServer, until, type TestRealtimeServer } from './testing.ts'

const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }
const INSIDE: [number, number] = [23.72, 56.65]

it('alert rooms are rooms of their own kind, joined with read:alert:any', () => {
  const id = randomUUID()
  expect(parseRoom(alertRoom(id))).toEqual({ kind: 'alert', id })
  expect(parseRoom('alert:42')).toBeNull()
  expect(roomPolicy.alert).toBe('read:alert:any')
})

describeEachBackend('alert progress over realtime', (backend) => {
  let db: TestDatabase
  let push: FakePushService
  const vapidKeys = generateVapidKeys()
  const open: RealtimeConnection[] = []
  const servers: TestRealtimeServer[] = []
  const tickers: AlertProgressTicker[] = []

  beforeAll(async () => {
    db = await createTestDatabase({ backend })
    push = await startFakePushService()
  }, 120_000)
  afterAll(async () => {
    for (const c of open) c.close()
    for (const t of tickers) await t.stop()
    for (const s of servers) await s.close()
    await push?.close()
    await db?.close()
  })

  async function server(redisUrl?: string) {
    const s = await startRealtimeServer({ prisma: db.prisma, redisUrl })
    servers.push(s)
    return s
  }

  function ticker(s: TestRealtimeServer, extra: { autoStart?: boolean } = {}) {
    const t = startAlertProgressTicker({ prisma: db.prisma, publisher: s.realtime.publisher, intervalMs: 50, ...extra })
    tickers.push(t)
    return t
  }

  async function subscribers(n: number) {
    for (let i = 0; i < n; i++) {
      const sub = push.createSubscription()
      await db.prisma.pushSubscription.create({
        data: {
          endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, languages: ['lv'], minSeverity: 'Minor',
          places: [INSIDE], minLng: INSIDE[0], maxLng: INSIDE[0], minLat: INSIDE[1], maxLat: INSIDE[1],
        },
      })
    }
  }

  async function issue() {
    const identifier = `urn:sargs:test:${randomUUID()}`
    const payload = {
      identifier, sender: 'sargs@jelgava.lv', sent: '2026-11-22T10:00:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public',
      code: [], references: [],
      info: [{ language: 'lv-LV', category: ['Met'], event: 'Plūdi', responseType: [], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', eventCode: [], parameter: [], resource: [], headline: 'Plūdi', area: [{ areaDesc: 'Jelgava', polygon: [], circle: [], geocode: [] }] }],
    }
    return (await issueAlert(db.prisma, {
      identifier, status: 'Actual', msgType: 'Alert', territoryId: randomUUID(), payload, severity: 'Severe', area: AREA, idempotencyKey: randomUUID(),
    })).id
  }

  function dispatcher() {
    const adapter = new WebPushAdapter({ vapid: { subject: 'mailto:alerts@jelgava.example', ...vapidKeys }, dispatcher: push.dispatcher })
    return new Dispatcher({
      prisma: db.prisma,
      routes: [webPushRoute(adapter) as ChannelRoute<unknown>],
      exerciseSink: new ExerciseSink(),
      batchSize: 5, // several batches: several readings on the way
      fanOutBatchSize: 10,
      sendTimeoutMs: 15_000,
    })
  }

  async function watch(s: TestRealtimeServer, cookie: string, room: string) {
    const c = connectClient(s.url, { cookie })
    open.push(c)
    const received: RealtimeEventMessage[] = []
    const errors: string[] = []
    let ready = false
    c.subscribe([room], (e) => received.push(e), { onError: (_r, e) => errors.push(e), onReady: () => (ready = true) })
    await until(() => ready || errors.length > 0, 10_000, 'subscription answered')
    return { received, errors }
  }

  it('a viewer of the alert room gets progress readings while it goes out, up to the complete one', async () => {
    const s = await server()
    const operator = await signedInUser(db.prisma, { role: 'OPERATOR' })
    await subscribers(30)
    const alertId = await issue()
    const viewer = await watch(s, operator.cookie, alertRoom(alertId))
    expect(viewer.errors).toEqual([])
    const t = ticker(s)
    const d = dispatcher()
    d.start()
    try {
      await until(() => viewer.received.some((e) => (e.payload as AlertProgress).complete), 30_000, 'a complete reading')
    } finally {
      await d.stop()
    }
    const readings = viewer.received.map((e) => e.payload as AlertProgress)
    expect(viewer.received.every((e) => e.type === PROGRESS_EVENT && e.room === alertRoom(alertId))).toBe(true)
    const last = readings.at(-1)!
    expect(last).toMatchObject({ alertId, complete: true, fanout: 'done', total: { targeted: 30, sent: 30, pending: 0, delivered: null } })
    // readings only ever move forward, and each differs from the one before
    for (let i = 1; i < readings.length; i++) {
      expect(readings[i].total.finished).toBeGreaterThanOrEqual(readings[i - 1].total.finished)
      expect(JSON.stringify({ ...readings[i], at: 0 })).not.toBe(JSON.stringify({ ...readings[i - 1], at: 0 }))
    }
    // a complete alert is not published again
    const count = viewer.received.length
    for (let i = 0; i < 3; i++) expect((await t.tick()).published).not.toContain(alertId)
    expect(viewer.received.length).toBe(count)
    await t.stop()
  }, 60_000)

  it('refuses the alert room to a role without read:alert:any, and sends it nothing', async () => {
    const s = await server()
    const coordinator = await signedInUser(db.prisma, { role: 'VOLUNTEER_COORDINATOR' })
    const alertId = await issue()
    const socket = ioClient(s.url, { transports: ['websocket'], extraHeaders: { cookie: coordinator.cookie, origin: s.url }, reconnection: false, forceNew: true })
    try {
      await new Promise((resolve) => socket.on('connect', () => resolve(null)))
      const events: unknown[] = []
      socket.on('event', (e) => events.push(e))
      expect(await socket.emitWithAck('subscribe', { rooms: [alertRoom(alertId)] })).toEqual({ ok: false, error: 'forbidden' })
      // the same user may join a territory room (read:incident:any): the refusal is the alert room's
      expect(await socket.emitWithAck('subscribe', { rooms: [`territory:${randomUUID()}`] })).toMatchObject({ ok: true })
      await s.realtime.publisher.publish(alertRoom(alertId), PROGRESS_EVENT, { n: 1 })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(events).toEqual([])
      const trainer = await signedInUser(db.prisma, { role: 'TRAINER' }) // read:alert:any
      expect((await watch(s, trainer.cookie, alertRoom(alertId))).errors).toEqual([])
    } finally {
      socket.close()
    }
  })

  it('with two app nodes, one publishes (the lease holder); the other takes over when it stops', async () => {
    const redisUrl = process.env.TEST_REDIS_URL
    const a = await server(redisUrl)
    const b = await server(redisUrl)
    const ta = ticker(a, { autoStart: false })
    const tb = ticker(b, { autoStart: false })
    // clear a lease left by an earlier test's ticker
    await db.prisma.setting.deleteMany({ where: { key: 'realtime.progressTicker' } })
    await subscribers(3)
    const everyone = await db.prisma.pushSubscription.count()
    const alertId = await issue()
    const operator = await signedInUser(db.prisma, { role: 'COMMISSION_MEMBER' })
    // with Redis, a viewer on node B sees what node A publishes
    const viewer = await watch(redisUrl ? b : a, operator.cookie, alertRoom(alertId))
    // (the earlier tests' alerts are in the ledger too: look at this one)
    const mine = (r: { leader: boolean; published: string[] }) => ({ leader: r.leader, published: r.published.filter((id) => id === alertId) })
    const first = await ta.tick()
    const second = await tb.tick()
    expect(mine(first)).toEqual({ leader: true, published: [alertId] })
    expect(second).toEqual({ leader: false, published: [] })
    await until(() => viewer.received.length === 1, 5000, 'the reading from node A')
    expect((viewer.received[0].payload as AlertProgress).fanout).toBe('running')
    await dispatcher().drain({ timeoutMs: 30_000 })
    await ta.stop()
    const third = await tb.tick()
    expect(mine(third)).toEqual({ leader: true, published: [alertId] })
    if (redisUrl) {
      await until(() => viewer.received.length === 2, 5000, 'the reading from node B')
      expect(viewer.received[1].payload).toMatchObject({ complete: true, total: { sent: everyone } })
      expect(viewer.received[1].prev).toBe(viewer.received[0].id)
    }
    // B knows A's last published reading: nothing new to say
    expect(mine(await tb.tick()).published).toEqual([])
  }, 60_000)
})
