// The realtime event store on the real test database: ids, the per-room chain, replay, pruning.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, describeEachBackend, type TestDatabase } from '#tests/db.ts'
import { AppError } from '#domain/errors.ts'
import { appendRealtimeEvent } from './append-realtime-event.ts'
import { toEventMessage } from './event-store.ts'
import { pruneRealtimeEvents } from './prune-realtime-events.ts'
import { readPrunedThrough, readRealtimeCursor, readRealtimeEvents, REPLAY_LIMIT } from './read-realtime-events.ts'
import { incidentRoom, parseRoom, territoryRoom } from './rooms.ts'

let db: TestDatabase
const room = () => territoryRoom(randomUUID())

describe('rooms', () => {
  it('accepts territory and incident rooms with a uuid, nothing else', () => {
    const id = randomUUID()
    expect(parseRoom(territoryRoom(id))).toEqual({ kind: 'territory', id })
    expect(parseRoom(incidentRoom(id.toUpperCase()))).toEqual({ kind: 'incident', id })
    for (const bad of [`user:${id}`, 'territory:', 'territory:1', `territory:${id}:x`, ` incident:${id}`, 42, null, `incident:${id}${'0'.repeat(60)}`]) {
      expect(parseRoom(bad)).toBeNull()
    }
  })
})

describeEachBackend('realtime event store', (backend) => {
  beforeAll(async () => {
    db = await createTestDatabase({ backend })
  }, 120_000)
  afterAll(async () => {
    await db?.close()
  })

  describe('appendRealtimeEvent', () => {
    it('gives increasing ids and links each event to the previous one in its room', async () => {
      const a = room()
      const b = room()
      const e1 = await appendRealtimeEvent({ prisma: db.prisma, room: a, type: 'incident.created', payload: { n: 1 } })
      const e2 = await appendRealtimeEvent({ prisma: db.prisma, room: b, type: 'incident.created', payload: { n: 2 } })
      const e3 = await appendRealtimeEvent({ prisma: db.prisma, room: a, type: 'log-entry.created', payload: { n: 3 } })
      expect(e1.id < e2.id && e2.id < e3.id).toBe(true)
      expect([e1.prev, e2.prev, e3.prev]).toEqual([null, null, e1.id])
      expect(toEventMessage(e3)).toEqual({
        id: e3.id.toString(),
        prev: e1.id.toString(),
        room: a,
        type: 'log-entry.created',
        payload: { n: 3 },
        at: e3.createdAt.toISOString(),
      })
    })

    it('refuses rooms and types that are not ours, storing nothing', async () => {
      const before = await db.prisma.realtimeEvent.count()
      await expect(appendRealtimeEvent({ prisma: db.prisma, room: 'lobby', type: 'x', payload: {} })).rejects.toBeInstanceOf(AppError)
      await expect(appendRealtimeEvent({ prisma: db.prisma, room: room(), type: 'Bad Type', payload: {} })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
      expect(await db.prisma.realtimeEvent.count()).toBe(before)
    })

    it('keeps the chain consistent under concurrent appends (ids commit in order)', async () => {
      const rooms = [room(), room(), room()]
      const appended = await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          appendRealtimeEvent({ prisma: db.prisma, room: rooms[n % 3], type: 'task.updated', payload: { n } }),
        ),
      )
      for (const r of rooms) {
        const chain = appended.filter((e) => e.room === r).sort((x, y) => (x.id < y.id ? -1 : 1))
        expect(chain).toHaveLength(10)
        // each event's prev is exactly the room's previous event: no two saw the same predecessor
        expect(chain.map((e) => e.prev)).toEqual([null, ...chain.slice(0, -1).map((e) => e.id)])
      }
    })
  })

  describe('readRealtimeEvents', () => {
    it('replays the events after `since` per room, in id order, and reports a head', async () => {
      const a = room()
      const b = room()
      const ids = []
      for (let n = 0; n < 5; n++) ids.push((await appendRealtimeEvent({ prisma: db.prisma, room: n % 2 ? b : a, type: 'incident.updated', payload: { n } })).id)
      const cursor = await readRealtimeCursor({ prisma: db.prisma })
      const replay = await readRealtimeEvents({ prisma: db.prisma, rooms: [{ room: a, since: ids[0] }, { room: b, since: null }] })
      const ra = replay[a]
      const rb = replay[b]
      if (ra.resync || rb.resync) throw new Error('unexpected resync')
      expect(ra.events.map((e) => e.id)).toEqual([ids[2], ids[4]])
      expect(ra.events.map((e) => e.payload)).toEqual([{ n: 2 }, { n: 4 }])
      expect(rb.events).toEqual([]) // no `since`: from now on
      expect(rb.head >= cursor).toBe(true)
      expect(ra.head >= ids[4]).toBe(true)
    })

    it('asks for a resync when more events were missed than a replay carries', async () => {
      const a = room()
      const first = await appendRealtimeEvent({ prisma: db.prisma, room: a, type: 'incident.updated', payload: {} })
      for (let n = 0; n < 3; n++) await appendRealtimeEvent({ prisma: db.prisma, room: a, type: 'incident.updated', payload: { n } })
      expect((await readRealtimeEvents({ prisma: db.prisma, rooms: [{ room: a, since: first.id }], limit: 2 }))[a].resync).toBe(true)
      expect((await readRealtimeEvents({ prisma: db.prisma, rooms: [{ room: a, since: first.id }], limit: 3 }))[a].resync).toBe(false)
      expect(REPLAY_LIMIT).toBeGreaterThanOrEqual(100)
    })
  })

  describe('pruneRealtimeEvents', () => {
    it('deletes a prefix of events older than the retention, remembers how far, and resyncs clients behind it', async () => {
      const a = room()
      const old = await appendRealtimeEvent({ prisma: db.prisma, room: a, type: 'incident.created', payload: {} })
      const older = await appendRealtimeEvent({ prisma: db.prisma, room: a, type: 'incident.updated', payload: {} })
      await new Promise((resolve) => setTimeout(resolve, 20))
      const recent = await appendRealtimeEvent({ prisma: db.prisma, room: a, type: 'incident.updated', payload: {} })
      // retention reaching exactly up to `recent`
      const result = await pruneRealtimeEvents({ prisma: db.prisma, now: recent.createdAt, retentionMs: 0 })
      expect(result.prunedThrough).toBe(older.id)
      expect(result.deleted).toBeGreaterThanOrEqual(2)
      expect(await readPrunedThrough(db.prisma)).toBe(older.id)
      expect(await db.prisma.realtimeEvent.findMany({ where: { room: a }, select: { id: true } })).toEqual([{ id: recent.id }])

      const replay = await readRealtimeEvents({ prisma: db.prisma, rooms: [{ room: a, since: old.id }] })
      expect(replay[a]).toMatchObject({ resync: true })
      const fine = await readRealtimeEvents({ prisma: db.prisma, rooms: [{ room: a, since: older.id }] })
      if (fine[a].resync) throw new Error('unexpected resync')
      expect(fine[a].events.map((e) => e.id)).toEqual([recent.id])

      // pruning again with an earlier cutoff never moves the mark back
      const again = await pruneRealtimeEvents({ prisma: db.prisma, now: old.createdAt, retentionMs: 0 })
      expect(again).toEqual({ deleted: 0, prunedThrough: older.id })
    })
  })
})
