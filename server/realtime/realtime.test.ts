// Realtime over a real HTTP server on 127.0.0.1 with real socket.io clients (our browser client
// class) and the real test database.
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { io as ioClient } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RealtimeEventMessage, SubscribeAck } from '#domain/realtime/protocol.ts'
import { appendRealtimeEvent } from '#domain/realtime/append-realtime-event.ts'
import { toEventMessage } from '#domain/realtime/event-store.ts'
import { pruneRealtimeEvents } from '#domain/realtime/prune-realtime-events.ts'
import { revokeSession } from '#domain/auth/sessions.ts'
import { roles, can } from '#domain/auth/policy.ts'
import { createTestDatabase, describeEachBackend, type TestDatabase } from '#tests/db.ts'
import type { RealtimeConnection } from '../../app/components/realtime-connection.ts'
import { socketEventPolicy } from './index.ts'
import { connectClient, signedInUser, startRealtimeServer, until, waitForState, type TestRealtimeServer } from './testing.ts'

let db: TestDatabase
let server: TestRealtimeServer
let operator: Awaited<ReturnType<typeof signedInUser>>
const open: RealtimeConnection[] = []

const territory = () => `territory:${randomUUID()}`
const incident = () => `incident:${randomUUID()}`

function client(options: Parameters<typeof connectClient>[1] = {}) {
  const c = connectClient(server.url, { cookie: operator.cookie, ...options })
  open.push(c)
  return c
}

/** Subscribe and resolve once the subscription is acknowledged (first delivery state known). */
async function listen(c: RealtimeConnection, rooms: string[], options: { since?: string } = {}) {
  const received: RealtimeEventMessage[] = []
  const errors: string[] = []
  const resyncs: string[] = []
  const ready = new Set<string>()
  const stop = c.subscribe(rooms, (e) => received.push(e), {
    since: options.since,
    onError: (_room, error) => errors.push(error),
    onResync: (room) => resyncs.push(room),
    onReady: (room) => ready.add(room),
  })
  await until(() => rooms.every((r) => ready.has(r)) || errors.length > 0, 5000, 'subscription acknowledged')
  return { received, errors, resyncs, stop }
}

/** Raw socket.io client for protocol-level checks. */
function rawSocket(options: { cookie?: string; origin?: string | null; transports?: ('websocket' | 'polling')[] } = {}) {
  const headers: Record<string, string> = {}
  if (options.cookie !== undefined) headers.cookie = options.cookie
  const origin = options.origin === undefined ? server.url : options.origin
  if (origin) headers.origin = origin
  const socket = ioClient(server.url, {
    transports: options.transports ?? ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  })
  return socket
}

function connectOutcome(socket: ReturnType<typeof rawSocket>): Promise<'connected' | string> {
  return new Promise((resolve) => {
    socket.on('connect', () => resolve('connected'))
    socket.on('connect_error', (error) => resolve(error.message))
  })
}

describeEachBackend('realtime', (backend) => {
  beforeAll(async () => {
    db = await createTestDatabase({ backend })
    server = await startRealtimeServer({ prisma: db.prisma, sessionCheckIntervalMs: 200 })
    operator = await signedInUser(db.prisma, { role: 'OPERATOR' })
  }, 120_000)

  afterAll(async () => {
    for (const c of open.splice(0)) c.close()
    await server?.close()
    await db?.close()
  })

  describe('handshake', () => {
    it('refuses a handshake without a session cookie, with an unknown token and with a session whose second factor is not verified', async () => {
      const pending = await signedInUser(db.prisma, { role: 'OPERATOR', mfaVerified: false })
      for (const cookie of ['', 'sargs_session=not-a-token', `sargs_session=${'A'.repeat(43)}`, pending.cookie]) {
        const socket = rawSocket({ cookie })
        expect(await connectOutcome(socket)).toBe('unauthenticated')
        socket.close()
      }
    })

    it('accepts a fully signed-in session from our own origin', async () => {
      const socket = rawSocket({ cookie: operator.cookie })
      expect(await connectOutcome(socket)).toBe('connected')
      socket.close()
    })

    it('refuses a cross-site Origin on websocket and on polling, and a polling request without Origin or Sec-Fetch-Site', async () => {
      for (const transports of [['websocket'], ['polling']] as const) {
        for (const origin of ['https://evil.example', `http://localhost:${server.port + 1}`, 'null']) {
          const socket = rawSocket({ cookie: operator.cookie, origin, transports: [...transports] })
          expect(await connectOutcome(socket)).not.toBe('connected')
          socket.close()
        }
      }
      const bare = rawSocket({ cookie: operator.cookie, origin: null, transports: ['polling'] })
      expect(await connectOutcome(bare)).not.toBe('connected')
      bare.close()
    })

    it('with PUBLIC_URL set, only that origin is ours (not the Host-derived one)', async () => {
      const other = await startRealtimeServer({ prisma: db.prisma, publicUrl: 'https://sargs.example.lv/' })
      try {
        const wrong = ioClient(other.url, { transports: ['websocket'], extraHeaders: { cookie: operator.cookie, origin: other.url }, reconnection: false, forceNew: true })
        expect(await new Promise((resolve) => { wrong.on('connect', () => resolve('connected')); wrong.on('connect_error', (e) => resolve(e.message)) })).not.toBe('connected')
        wrong.close()
        const right = ioClient(other.url, { transports: ['websocket'], extraHeaders: { cookie: operator.cookie, origin: 'https://sargs.example.lv' }, reconnection: false, forceNew: true })
        expect(await new Promise((resolve) => { right.on('connect', () => resolve('connected')); right.on('connect_error', (e) => resolve(e.message)) })).toBe('connected')
        right.close()
      } finally {
        await other.close()
      }
    })
  })

  describe('socket events and the policy table', () => {
    it('lets every role join exactly as the policy table says', async () => {
      for (const role of roles) {
        const who = await signedInUser(db.prisma, { role })
        const c = connectClient(server.url, { cookie: who.cookie })
        open.push(c)
        const result = await listen(c, [territory(), incident()])
        expect(result.errors.length === 0).toBe(can(role, socketEventPolicy.subscribe))
        c.close()
      }
    })

    it('refuses a join for a role the policy does not permit, and delivers nothing to it', async () => {
      const strict = await startRealtimeServer({ prisma: db.prisma, policy: (role) => role !== 'TRAINER' })
      try {
        const trainer = await signedInUser(db.prisma, { role: 'TRAINER' })
        const socket = ioClient(strict.url, { transports: ['websocket'], extraHeaders: { cookie: trainer.cookie, origin: strict.url }, reconnection: false, forceNew: true })
        await new Promise((resolve) => socket.on('connect', () => resolve(null)))
        const room = territory()
        const events: unknown[] = []
        socket.on('event', (e) => events.push(e))
        const ack = await socket.emitWithAck('subscribe', { rooms: [room] })
        expect(ack).toEqual({ ok: false, error: 'forbidden' })
        await strict.realtime.publisher.publish(room, 'incident.created', { n: 1 })
        await new Promise((resolve) => setTimeout(resolve, 200))
        expect(events).toEqual([])
        socket.close()
      } finally {
        await strict.close()
      }
    })

    it('refuses unknown events, malformed payloads and rooms that are not ours', async () => {
      const socket = rawSocket({ cookie: operator.cookie })
      await connectOutcome(socket)
      expect(await socket.emitWithAck('publish', { room: territory() })).toEqual({ ok: false, error: 'unknown-event' })
      expect(await socket.emitWithAck('__proto__', {})).toEqual({ ok: false, error: 'unknown-event' })
      expect(await socket.emitWithAck('subscribe', { rooms: 'territory:x' })).toEqual({ ok: false, error: 'invalid-input' })
      expect(await socket.emitWithAck('subscribe', { rooms: [territory()], extra: 1 })).toEqual({ ok: false, error: 'invalid-input' })
      expect(await socket.emitWithAck('subscribe', { rooms: ['audit:log'] })).toEqual({ ok: false, error: 'invalid-input' })
      expect(await socket.emitWithAck('subscribe', { rooms: ['territory:not-a-uuid'] })).toEqual({ ok: false, error: 'invalid-input' })
      expect(await socket.emitWithAck('subscribe', { rooms: [territory()], since: { x: 'abc' } })).toEqual({ ok: false, error: 'invalid-input' })
      const ok = (await socket.emitWithAck('subscribe', { rooms: [territory()] })) as SubscribeAck
      expect(ok.ok).toBe(true)
      socket.close()
    })
  })

  describe('publish', () => {
    it('reaches clients in the room within a second, and not clients in other rooms', async () => {
      const roomA = territory()
      const roomB = territory()
      const a = await listen(client(), [roomA])
      const b = await listen(client(), [roomB])
      const started = Date.now()
      const id = await server.realtime.publisher.publish(roomA, 'incident.created', { title: 'Plūdi' })
      await until(() => a.received.length === 1, 1000, 'delivery to room A')
      expect(Date.now() - started).toBeLessThan(1000)
      expect(a.received[0]).toMatchObject({ id: id.toString(), room: roomA, type: 'incident.created', payload: { title: 'Plūdi' } })
      expect(typeof a.received[0].at).toBe('string')
      await new Promise((resolve) => setTimeout(resolve, 150))
      expect(b.received).toEqual([])
    })

    it('gives monotonic ids to concurrent publishes and delivers each once, in id order', async () => {
      const room = incident()
      const l = await listen(client(), [room])
      const ids = await Promise.all(Array.from({ length: 20 }, (_, n) => server.realtime.publisher.publish(room, 'task.updated', { n })))
      await until(() => l.received.length === 20, 3000, '20 events')
      expect(l.received.map((e) => e.id)).toEqual([...ids].sort((x, y) => (x < y ? -1 : 1)).map(String))
      expect(new Set(l.received.map((e) => e.id)).size).toBe(20)
    })
  })

  describe('replay', () => {
    it('after a disconnect, a reconnecting client gets exactly the missed events, in order, none twice', async () => {
      const room = territory()
      const c = client()
      const l = await listen(c, [room])
      await server.realtime.publisher.publish(room, 'incident.created', { n: 0 })
      await until(() => l.received.length === 1)
      c.socket.disconnect()
      await waitForState(c, 'offline')
      const missed = []
      for (let n = 1; n <= 5; n++) missed.push(await server.realtime.publisher.publish(room, 'incident.updated', { n }))
      c.retry()
      await waitForState(c, 'connected')
      await until(() => l.received.length === 6, 3000, 'replay of 5 events')
      await server.realtime.publisher.publish(room, 'incident.closed', { n: 6 })
      await until(() => l.received.length === 7, 3000, 'live event after replay')
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(l.received.map((e) => (e.payload as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6])
      expect(l.received.slice(1, 6).map((e) => e.id)).toEqual(missed.map(String))
    })

    it('replays from a loader cursor given as `since`', async () => {
      const room = incident()
      const before = await server.realtime.publisher.publish(room, 'incident.created', { n: 0 })
      const after = await server.realtime.publisher.publish(room, 'incident.updated', { n: 1 })
      const l = await listen(client(), [room], { since: before.toString() })
      await until(() => l.received.length === 1)
      expect(l.received[0].id).toBe(after.toString())
    })

    it('tells a client to resync when the events after its last id are no longer kept', async () => {
      const room = territory()
      const seen = await server.realtime.publisher.publish(room, 'incident.created', { n: 0 })
      const pruned = await server.realtime.publisher.publish(room, 'incident.updated', { n: 1 })
      const kept = await server.realtime.publisher.publish(room, 'incident.updated', { n: 2 })
      const keptRow = await db.prisma.realtimeEvent.findUniqueOrThrow({ where: { id: kept } })
      // prune everything stored before `kept` (earlier tests' events too: they are done)
      const result = await pruneRealtimeEvents({ prisma: db.prisma, now: keptRow.createdAt, retentionMs: 0 })
      expect(result.prunedThrough).toBe(pruned)
      expect(await db.prisma.realtimeEvent.count({ where: { room } })).toBe(1)

      // a client that saw `pruned` still gets a complete replay
      const upToDate = await listen(client(), [room], { since: pruned.toString() })
      expect(upToDate.resyncs).toEqual([])
      expect(upToDate.received.map((e) => e.id)).toEqual([kept.toString()])

      // a client that saw only `seen` missed an event that is gone: resync, then live from the head
      const behind = await listen(client(), [room], { since: seen.toString() })
      expect(behind.resyncs).toEqual([room])
      expect(behind.received).toEqual([])
      const next = await server.realtime.publisher.publish(room, 'incident.updated', { n: 3 })
      await until(() => behind.received.length === 1)
      expect(behind.received[0].id).toBe(next.toString())
    })

    it('fills a gap: an event whose predecessor never arrived live is held back until the replay brings it', async () => {
      const room = territory()
      const c = client()
      const l = await listen(c, [room])
      // two events stored; only the second is emitted live (as when emits from two processes cross)
      const first = await appendRealtimeEvent({ prisma: db.prisma, room, type: 'incident.created', payload: { n: 1 } })
      const second = await appendRealtimeEvent({ prisma: db.prisma, room, type: 'incident.updated', payload: { n: 2 } })
      server.realtime.io.to(room).emit('event', toEventMessage(second))
      await until(() => l.received.length === 2, 3000, 'gap filled by replay')
      expect(l.received.map((e) => e.id)).toEqual([first.id.toString(), second.id.toString()])
      // the late original copy is dropped
      server.realtime.io.to(room).emit('event', toEventMessage(first))
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(l.received).toHaveLength(2)
    })

    it('property: any interleaving of publishes, drops and reconnects delivers every event exactly once, in order', async () => {
      type Step = { kind: 'publish'; count: number } | { kind: 'disconnect' } | { kind: 'drop' } | { kind: 'reconnect' }
      const step = fc.oneof(
        { weight: 4, arbitrary: fc.record({ kind: fc.constant('publish' as const), count: fc.integer({ min: 1, max: 3 }) }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'drop' as const }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'reconnect' as const }) },
      )
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps: Step[]) => {
          const rooms = [territory(), incident()]
          const c = connectClient(server.url, { cookie: operator.cookie })
          try {
            const l = await listen(c, rooms)
            const published: Record<string, string[]> = { [rooms[0]]: [], [rooms[1]]: [] }
            let n = 0
            for (const s of steps) {
              if (s.kind === 'publish') {
                for (let i = 0; i < s.count; i++) {
                  const room = rooms[n++ % 2]
                  published[room].push((await server.realtime.publisher.publish(room, 'incident.updated', { n })).toString())
                }
              } else if (s.kind === 'disconnect') {
                c.socket.disconnect()
              } else if (s.kind === 'drop') {
                // the connection breaks under the server's feet; the client reconnects by itself
                if (c.socket.id) server.realtime.io.of('/').sockets.get(c.socket.id)?.conn.close()
              } else {
                c.retry()
              }
            }
            c.retry()
            await waitForState(c, 'connected')
            const total = published[rooms[0]].length + published[rooms[1]].length
            await until(() => l.received.length >= total, 5000, `${total} events`)
            await new Promise((resolve) => setTimeout(resolve, 30))
            for (const room of rooms) {
              expect(l.received.filter((e) => e.room === room).map((e) => e.id)).toEqual(published[room])
            }
            expect(l.received).toHaveLength(total)
          } finally {
            c.close()
          }
        }),
        { numRuns: 25 },
      )
    }, 120_000)
  })

  describe('Redis adapter', () => {
    it('refuses to start, with a clear message, when Redis does not answer', async () => {
      await expect(
        startRealtimeServer({ prisma: db.prisma, redisUrl: 'redis://127.0.0.1:1', redisConnectTimeoutMs: 1500 }),
      ).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:1.* did not answer/)
    })

    it.skipIf(!process.env.TEST_REDIS_URL)('carries a publish on one server to a client of another, and reports health', async () => {
      const one = await startRealtimeServer({ prisma: db.prisma, redisUrl: process.env.TEST_REDIS_URL })
      const two = await startRealtimeServer({ prisma: db.prisma, redisUrl: process.env.TEST_REDIS_URL })
      try {
        expect(await one.realtime.health!()).toEqual({ ok: true })
        const room = incident()
        const c = connectClient(two.url, { cookie: operator.cookie })
        open.push(c)
        const l = await listen(c, [room])
        const id = await one.realtime.publisher.publish(room, 'incident.updated', { via: 'one' })
        await until(() => l.received.length === 1, 1000, 'delivery through Redis')
        expect(l.received[0]).toMatchObject({ id: id.toString(), payload: { via: 'one' } })
      } finally {
        await one.close()
        await two.close()
      }
    })
  })

  describe('session re-checks', () => {
    it('disconnects a socket whose session is revoked (periodic check); it stays offline until the page signs in again', async () => {
      const who = await signedInUser(db.prisma, { role: 'COMMISSION_MEMBER' })
      const c = connectClient(server.url, { cookie: who.cookie })
      open.push(c)
      await listen(c, [territory()])
      await waitForState(c, 'connected')
      await revokeSession(db.prisma, { sessionId: who.session.id })
      await waitForState(c, 'offline', 3000)
      expect(c.sessionEnded).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 1500)) // past its one retry with the old cookie
      expect(c.state).toBe('offline')

      // the page signs in again (a new cookie): the next subscription reconnects
      const again = await signedInUser(db.prisma, { role: 'COMMISSION_MEMBER' })
      ;(c.socket.io.opts.extraHeaders as Record<string, string>).cookie = again.cookie
      const room = territory()
      const l = await listen(c, [room])
      expect(c.state).toBe('connected')
      await server.realtime.publisher.publish(room, 'incident.created', { n: 1 })
      await until(() => l.received.length === 1)
    })

    it('refuses the next event of a socket whose session ended, before the periodic check', async () => {
      const slow = await startRealtimeServer({ prisma: db.prisma, sessionCheckIntervalMs: 3_600_000 })
      try {
        const who = await signedInUser(db.prisma, { role: 'OPERATOR' })
        const socket = ioClient(slow.url, { transports: ['websocket'], extraHeaders: { cookie: who.cookie, origin: slow.url }, reconnection: false, forceNew: true })
        await new Promise((resolve) => socket.on('connect', () => resolve(null)))
        await revokeSession(db.prisma, { sessionId: who.session.id })
        const disconnected = new Promise((resolve) => socket.on('disconnect', (reason) => resolve(reason)))
        expect(await socket.emitWithAck('subscribe', { rooms: [territory()] })).toEqual({ ok: false, error: 'unauthenticated' })
        expect(await disconnected).toBe('io server disconnect')
      } finally {
        await slow.close()
      }
    })
  })
})
