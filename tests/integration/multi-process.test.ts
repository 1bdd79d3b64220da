// Several app processes: two real Sargs processes (the production build, `node --import tsx
// server/index.ts`) on one PostgreSQL schema and one Redis. A dashboard connected to process A
// receives a change made through process B's web route, through socket.io's Redis adapter.
// Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both).
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '#server/db/open.ts'
import type { RealtimeEventMessage } from '#domain/realtime/protocol.ts'
import { connectClient, until, waitForState } from '#server/realtime/testing.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { createSignedInUser } from '#tests/support/sessions.ts'
import type { RealtimeConnection } from '../../app/components/realtime-connection.ts'

const databaseUrl = process.env.TEST_DATABASE_URL
const redisUrl = process.env.TEST_REDIS_URL

/** The URL with a query parameter set (keeps any the URL already has). */
function withParam(url: string, key: string, value: string): string {
  const u = new URL(url)
  u.searchParams.set(key, value)
  return u.toString()
}

describe.skipIf(!databaseUrl || !redisUrl)('two app processes behind one Redis', () => {
  const schema = `mp_${randomBytes(6).toString('hex')}`
  let appUrl: string
  let a: RunningApp | undefined
  let b: RunningApp | undefined
  let db: Database | undefined
  const clients: RealtimeConnection[] = []

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`CREATE SCHEMA "${schema}"`)
    await admin.end()
    appUrl = withParam(databaseUrl!, 'schema', schema)
    const env = { DATABASE_URL: appUrl, REDIS_URL: redisUrl!, SEED_DEMO: 'true' }
    // one after the other: A applies the migrations and seeds the demo territory, B finds both done
    a = await startApp({ env })
    b = await startApp({ env })
    const check = new pg.Client({ connectionString: databaseUrl })
    await check.connect()
    const { rows } = await check.query<{ t: string | null }>(`SELECT to_regclass('"${schema}"."RealtimeEvent"')::text AS t`)
    await check.end()
    if (!rows[0].t) {
      console.warn(`multi-process: the app ignored ?schema=${schema} in DATABASE_URL and uses the database's default schema`)
    }
    db = await openDatabase({ env: { dataDir: a.dataDir, databaseUrl: appUrl }, role: 'test', migrate: false })
  }, 300_000)

  afterAll(async () => {
    for (const c of clients) c.close()
    await db?.close()
    await Promise.all([a?.stop(), b?.stop()])
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  }, 60_000)

  it('both processes report Redis healthy', async () => {
    for (const app of [a!, b!]) {
      const res = await fetch(`${app.url}/healthz`)
      const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> }
      expect(res.status).toBe(200)
      expect(body.checks.redis?.ok).toBe(true)
      expect(body.checks.database?.ok).toBe(true)
    }
  })

  it('a log entry added through process B reaches a dashboard connected to process A within a second', async () => {
    const operator = await createSignedInUser(db!.prisma, 'OPERATOR')
    const incident = await db!.prisma.incident.findFirstOrThrow({ where: { status: { not: 'CLOSED' } }, orderBy: { createdAt: 'asc' } })
    const territoryRoom = `territory:${incident.territoryId}`
    const incidentRoom = `incident:${incident.id}`

    const dashboard = connectClient(a!.url, { cookie: operator.cookie })
    clients.push(dashboard)
    const received: RealtimeEventMessage[] = []
    const receivedAt = new Map<string, number>()
    const ready = new Set<string>()
    dashboard.subscribe(
      [territoryRoom, incidentRoom],
      (e) => {
        receivedAt.set(e.id, Date.now())
        received.push(e)
      },
      { onReady: (room) => ready.add(room) },
    )
    await waitForState(dashboard, 'connected', 10_000)
    await until(() => ready.size === 2, 10_000, 'subscribed on A')

    const body = `Ūdens līmenis ceļas (${randomBytes(3).toString('hex')})`
    const sent = Date.now()
    const res = await fetch(`${b!.url}/incidents/${incident.id}`, {
      method: 'POST',
      headers: { cookie: operator.cookie, origin: b!.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intent: 'log', body }).toString(),
      redirect: 'manual',
    })
    expect(res.status).toBeLessThan(400)
    await until(() => received.filter((e) => e.type === 'log-entry.created').length === 2, 5000, 'the log entry on A')
    const entries = received.filter((e) => e.type === 'log-entry.created')
    // from the moment B stored the event (its `at`, same machine clock) to A's dashboard having it
    const delivery = Math.max(...entries.map((e) => receivedAt.get(e.id)! - Date.parse(e.at)))
    const total = Math.max(...entries.map((e) => receivedAt.get(e.id)!)) - sent
    console.log(
      `multi-process: a change through B reached A's dashboard ${delivery} ms after it was stored ` +
        `(${total} ms after the request to B was sent, page render included)`,
    )
    expect(delivery).toBeLessThan(1000)
    expect(entries.map((e) => e.room).sort()).toEqual([incidentRoom, territoryRoom].sort())
    expect(entries.every((e) => (e.payload as { body?: string }).body === body)).toBe(true)
  })

  it('a dashboard that reconnects to the other process replays what it missed, none twice', async () => {
    const who = await createSignedInUser(db!.prisma, 'COMMISSION_MEMBER')
    const operator = await createSignedInUser(db!.prisma, 'OPERATOR')
    const incident = await db!.prisma.incident.findFirstOrThrow({ where: { status: { not: 'CLOSED' } }, orderBy: { createdAt: 'asc' } })
    const room = `incident:${incident.id}`

    const onA = connectClient(a!.url, { cookie: who.cookie })
    clients.push(onA)
    const seen: RealtimeEventMessage[] = []
    let ready = false
    onA.subscribe([room], (e) => seen.push(e), { onReady: () => (ready = true) })
    await until(() => ready, 10_000, 'subscribed on A')
    const post = (app: RunningApp, body: string) =>
      fetch(`${app.url}/incidents/${incident.id}`, {
        method: 'POST',
        headers: { cookie: operator.cookie, origin: app.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ intent: 'log', body }).toString(),
        redirect: 'manual',
      })
    expect((await post(b!, 'pirms pārtraukuma')).status).toBeLessThan(400)
    await until(() => seen.length === 1, 5000, 'first entry on A')
    const last = onA.lastId(room)!
    onA.close()

    // while this dashboard is away, changes through both processes
    for (const [app, body] of [[a!, 'pārtraukumā 1'], [b!, 'pārtraukumā 2'], [a!, 'pārtraukumā 3']] as const) {
      expect((await post(app, body)).status).toBeLessThan(400)
    }
    // it comes back through process B, from the last id it saw
    const onB = connectClient(b!.url, { cookie: who.cookie })
    clients.push(onB)
    const replayed: RealtimeEventMessage[] = []
    onB.subscribe([room], (e) => replayed.push(e), { since: last })
    await until(() => replayed.length === 3, 5000, 'the 3 missed entries on B')
    expect((await post(a!, 'pēc atgriešanās')).status).toBeLessThan(400)
    await until(() => replayed.length === 4, 5000, 'the live entry after the replay')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(replayed.map((e) => (e.payload as { body: string }).body)).toEqual(['pārtraukumā 1', 'pārtraukumā 2', 'pārtraukumā 3', 'pēc atgriešanās'])
    const ids = replayed.map((e) => BigInt(e.id))
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true)
  })
})
