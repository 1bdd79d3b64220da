// Fan-out benchmark (not a test): `npm run bench:fanout -- --subscribers 100000 [--database-url URL]`.
//
// Seeds N web push subscribers with real P-256 keys across the territory, issues one alert to the
// whole territory and lets the dispatcher (in this process) deliver it to the fake push service
// (a child process that verifies VAPID and decrypts every push). Measures time to first and last
// push after Issue, pushes per second, sender CPU per push (this process: ledger, encryption,
// transport; with --database-url the PostgreSQL server's CPU is not included), peak RSS,
// event-loop lag, VAPID tokens signed, where the dispatcher's time went — and, in the same run,
// the raw floor: one ECDH P-256 + HKDF + AES-128-GCM encryption per subscriber with node:crypto.
// PGlite (in memory, in this process) unless --database-url names a PostgreSQL database (a
// temporary schema is created and dropped).
import { fork } from 'node:child_process'
import crypto, { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { PrismaClient } from '#generated/prisma/client.ts'
import { generateVapidKeys, pushDispatcher, WebPushAdapter } from '#notify/channels/web-push.ts'
import { Dispatcher, type ChannelRoute } from '#notify/dispatch/dispatcher.ts'
import { ExerciseSink } from '#notify/dispatch/exercise-sink.ts'
import { webPushRoute } from '#notify/dispatch/web-push-route.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { applyMigrations } from '../server/db/migrations.ts'
import { pgAdapterFactory, poolConfig } from '../server/db/pg-adapter.ts'
import { pgliteAdapterFactory } from '../server/db/pglite-adapter.ts'
import type { FakeSubscription } from '../tests/fakes/push-service.ts'

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    'database-url': { type: 'string' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '64' },
    /** claim and prepare the next batch while one is sent (the dispatcher's `prefetch`) */
    prefetch: { type: 'string', default: 'on' },
    /** after the run, the ledger alone: a second alert through an adapter that answers at once */
    ledger: { type: 'string', default: 'on' },
    /** off: only the ledger lines (no delivery to the fake push service first) */
    push: { type: 'string', default: 'on' },
  },
})
const N = Number(args.subscribers)
const BBOX = [23.6, 56.6, 23.8, 56.7] as const
const AREA = { type: 'Polygon', coordinates: [[[BBOX[0], BBOX[1]], [BBOX[2], BBOX[1]], [BBOX[2], BBOX[3]], [BBOX[0], BBOX[3]], [BBOX[0], BBOX[1]]]] }
const here = path.dirname(fileURLToPath(import.meta.url))

async function openDb(): Promise<{ prisma: PrismaClient; kind: string; close(): Promise<void> }> {
  const url = args['database-url']
  if (!url) {
    const db = await PGlite.create()
    await applyMigrations({ adapterFactory: pgliteAdapterFactory(db) })
    const prisma = new PrismaClient({ adapter: pgliteAdapterFactory(db) })
    return { prisma, kind: 'pglite (in process)', close: async () => { await prisma.$disconnect(); await db.close() } }
  }
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE SCHEMA "${schema}"`)
  const pool = (role: 'app' | 'migrate') => ({ ...poolConfig({ connectionString: url }, role), options: `-c search_path="${schema}"` })
  await applyMigrations({ adapterFactory: pgAdapterFactory({ pool: pool('migrate'), schema }) })
  const prisma = new PrismaClient({ adapter: pgAdapterFactory({ pool: pool('app'), schema }) })
  return {
    prisma,
    kind: 'postgresql',
    close: async () => {
      await prisma.$disconnect()
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`)
      await admin.end()
    },
  }
}

function cryptoFloor(subscriptions: FakeSubscription[], payload: Buffer): number {
  const started = process.cpuUsage()
  for (const s of subscriptions) {
    const ecdh = crypto.createECDH('prime256v1')
    const senderPublic = ecdh.generateKeys()
    const userPublic = Buffer.from(s.keys.p256dh, 'base64url')
    const secret = ecdh.computeSecret(userPublic)
    const salt = crypto.randomBytes(16)
    const info = Buffer.concat([Buffer.from('WebPush: info\0'), userPublic, senderPublic])
    const ikm = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.from(s.keys.auth, 'base64url'), info, 32))
    const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
    const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
    const cipher = crypto.createCipheriv('aes-128-gcm', cek, nonce)
    Buffer.concat([cipher.update(payload), cipher.update(Buffer.from([2])), cipher.final(), cipher.getAuthTag()])
  }
  const used = process.cpuUsage(started)
  return (used.user + used.system) / subscriptions.length
}

async function main() {
  const child = fork(path.join(here, 'fanout-push-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const messages: ((m: Record<string, unknown>) => boolean)[] = []
  child.on('message', (m: Record<string, unknown>) => {
    const i = messages.findIndex((f) => f(m))
    if (i >= 0) messages.splice(i, 1)
  })
  const next = <T>(pick: (m: Record<string, unknown>) => T | undefined) =>
    new Promise<T>((resolve) => messages.push((m) => { const v = pick(m); if (v !== undefined) resolve(v); return v !== undefined }))
  const ready = await next((m) => (m.ready ? (m as { ca: string }) : undefined))

  const subscriptions: FakeSubscription[] = []
  const collect = (m: Record<string, unknown>) => {
    if (m.subscriptions) subscriptions.push(...(m.subscriptions as FakeSubscription[]))
    return false
  }
  messages.push(collect)
  child.send({ create: N })
  await next((m) => (m.created ? true : undefined))
  messages.splice(messages.indexOf(collect), 1)

  const db = await openDb()
  const { prisma } = db
  let seeded = 0
  for (let i = 0; i < subscriptions.length; i += 5000) {
    const rows = subscriptions.slice(i, i + 5000).map((s, j) => {
      const k = i + j
      const lng = BBOX[0] + ((k * 7919) % 10007) / 10007 * (BBOX[2] - BBOX[0])
      const lat = BBOX[1] + ((k * 104729) % 10009) / 10009 * (BBOX[3] - BBOX[1])
      return { id: randomUUID(), endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth, lng: Number(lng.toFixed(4)), lat: Number(lat.toFixed(4)) }
    })
    seeded += await prisma.$executeRawUnsafe(
      `INSERT INTO "PushSubscription" ("id", "endpoint", "p256dh", "auth", "languages", "minSeverity", "places", "minLng", "maxLng", "minLat", "maxLat")
       SELECT x."id", x."endpoint", x."p256dh", x."auth", ARRAY['lv'], 'Minor', jsonb_build_array(jsonb_build_array(x."lng", x."lat")), x."lng", x."lng", x."lat", x."lat"
         FROM json_to_recordset($1::json) AS x("id" text, "endpoint" text, "p256dh" text, "auth" text, "lng" float8, "lat" float8)`,
      JSON.stringify(rows),
    )
  }


  const vapid = { subject: 'mailto:bench@sargs.example', ...generateVapidKeys() }
  const adapter = new WebPushAdapter({ vapid, dispatcher: pushDispatcher({ ca: ready.ca }) })
  if (args.push === 'off') {
    console.log(`ledger benchmark — ${db.kind}, ${seeded} subscribers, batch ${args.batch}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    console.log(await ledgerAlone(prisma, adapter, seeded))
    console.log(await ledgerRunning(prisma, adapter, seeded))
    child.send({ close: true })
    await db.close()
    return
  }
  const payloadSample = Buffer.from(JSON.stringify({ identifier: 'urn:sargs:bench', headline: 'Plūdu brīdinājums', description: 'x'.repeat(300) }))
  // the floor before and after the run: the machine's speed drifts (by a fifth within an hour
  // here), and the run lies between the two
  const floorSample = subscriptions.slice(0, Math.min(N, 20000))
  const floorBeforeUs = cryptoFloor(floorSample, payloadSample)
  const dispatcher = new Dispatcher({
    prisma,
    routes: [webPushRoute(adapter) as ChannelRoute<unknown>],
    exerciseSink: new ExerciseSink(),
    batchSize: Number(args.batch),
    concurrency: Number(args.concurrency),
    fanOutBatchSize: 5000,
    pollMs: 10,
    prefetch: args.prefetch !== 'off',
  })
  const lag = monitorEventLoopDelay({ resolution: 10 })
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
  dispatcher.start()
  await new Promise((r) => setTimeout(r, 100))
  lag.enable()
  const cpu = process.cpuUsage()
  const issuedAt = Date.now()
  const identifier = `urn:sargs:bench:${randomUUID()}`
  await issueAlert(prisma, {
    identifier, status: 'Actual', msgType: 'Alert', territoryId: 'jelgava', severity: 'Severe', area: AREA, idempotencyKey: identifier,
    payload: { identifier, sender: 'bench', sent: '2026-11-22T10:00:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public', code: [], references: [],
      info: [{ language: 'lv-LV', event: 'Plūdi', headline: 'Plūdu brīdinājums', description: 'x'.repeat(300), category: [], responseType: [], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', eventCode: [], parameter: [], resource: [], area: [] }] },
  })
  dispatcher.poke()
  let stats: { accepted: number; firstAt?: number; lastAt?: number; refused: number }
  for (;;) {
    child.send({ stats: true })
    stats = await next((m) => m.stats as typeof stats | undefined)
    if (stats.accepted >= seeded) break
    if (Date.now() - issuedAt > 600_000) throw new Error(`only ${stats.accepted} of ${seeded} delivered after 10 minutes`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const used = process.cpuUsage(cpu)
  lag.disable()
  clearInterval(sampler)
  await dispatcher.stop()
  const senderUs = (used.user + used.system) / stats.accepted
  const floorAfterUs = cryptoFloor(floorSample, payloadSample)
  const floorUs = (floorBeforeUs + floorAfterUs) / 2
  const t = dispatcher.timings
  const bookkeepingUs = ((t.fanOut + t.reclaim + t.claim + t.prepare + t.complete) * 1000) / stats.accepted
  const seconds = (stats.lastAt! - issuedAt) / 1000
  const lines = [
    `fan-out benchmark — ${db.kind}, ${seeded} subscribers, batch ${args.batch}, concurrency ${args.concurrency}, prefetch ${args.prefetch}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `time to first push      ${stats.firstAt! - issuedAt} ms`,
    `time to last push       ${(seconds).toFixed(1)} s   (${(stats.accepted / seconds).toFixed(0)} pushes/s)`,
    `sender CPU per push     ${senderUs.toFixed(0)} µs   crypto floor ${floorUs.toFixed(0)} µs (before ${floorBeforeUs.toFixed(0)}, after ${floorAfterUs.toFixed(0)})   ratio ${(senderUs / floorUs).toFixed(2)}× (${(senderUs / floorBeforeUs).toFixed(2)}–${(senderUs / floorAfterUs).toFixed(2)}; target ≤ 2, stretch 1.5)`,
    `bookkeeping per push    ${bookkeepingUs.toFixed(1)} µs wall (fan-out ${t.fanOut.toFixed(0)} ms, claim ${t.claim.toFixed(0)} ms, prepare ${t.prepare.toFixed(0)} ms, complete ${t.complete.toFixed(0)} ms; send ${t.send.toFixed(0)} ms)`,
    `VAPID tokens signed     ${adapter.tokensSigned}`,
    `event-loop lag          p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms`,
    `peak RSS                ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    `refused by the fake     ${stats.refused}`,
  ]
  console.log(lines.join('\n'))
  if (args.ledger !== 'off') {
    console.log(await ledgerAlone(prisma, adapter, seeded))
    console.log(await ledgerRunning(prisma, adapter, seeded))
  }
  child.send({ close: true })
  await db.close()
}

/**
 * The ledger alone: a second alert to the same subscribers, delivered by drain() (fan-out, claim,
 * prepare, result write one after the other, nothing overlapped) through an adapter that answers
 * "sent" at once — no encryption, no HTTP, no fake push service competing for the cores. Its wall
 * time per recipient is what the ledger costs; on PostgreSQL the server's CPU is read from /proc.
 */
async function ledgerAlone(prisma: PrismaClient, real: WebPushAdapter, n: number): Promise<string> {
  const instant = { channel: real.channel, limits: real.limits, send: async () => ({ kind: 'sent' as const, httpStatus: 201 }) }
  const dispatcher = new Dispatcher({
    prisma,
    routes: [webPushRoute(instant as unknown as WebPushAdapter) as ChannelRoute<unknown>],
    exerciseSink: new ExerciseSink(),
    batchSize: Number(args.batch),
    concurrency: Number(args.concurrency),
    fanOutBatchSize: 5000,
  })
  const identifier = `urn:sargs:bench:${randomUUID()}`
  const serverCpu = postgresCpuMs()
  const started = performance.now()
  await issueAlert(prisma, {
    identifier, status: 'Actual', msgType: 'Alert', territoryId: 'jelgava', severity: 'Severe', area: AREA, idempotencyKey: identifier,
    payload: { identifier, sender: 'bench', sent: '2026-11-22T10:05:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public', code: [], references: [],
      info: [{ language: 'lv-LV', event: 'Plūdi', headline: 'Plūdu brīdinājums (2)', description: 'y'.repeat(300), category: [], responseType: [], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', eventCode: [], parameter: [], resource: [], area: [] }] },
  })
  await dispatcher.drain({ timeoutMs: 600_000, idleMs: 5 })
  const wall = performance.now() - started
  const serverMs = serverCpu === undefined ? undefined : postgresCpuMs()! - serverCpu
  const [sent] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM "Delivery" d JOIN "Alert" a ON a."id" = d."alertId" WHERE a."identifier" = $1 AND d."status" = 'SENT'`, identifier)
  if (Number(sent.n) !== n) throw new Error(`ledger alone: ${sent.n} of ${n} deliveries SENT`)
  const t = dispatcher.timings
  const per = (ms: number) => ((ms * 1000) / n).toFixed(1)
  return [
    `ledger alone            ${per(wall)} µs per recipient wall (drain, instant adapter, ${n} recipients: fan-out ${per(t.fanOut)}, reclaim ${per(t.reclaim)}, claim ${per(t.claim)}, prepare ${per(t.prepare)}, complete ${per(t.complete)}, send ${per(t.send)} µs)`,
    serverMs === undefined ? '' : `  database server CPU   ${per(serverMs)} µs per recipient (all postgres processes, /proc)`,
  ].filter(Boolean).join('\n')
}

/**
 * The ledger alone as the app runs it: a third alert, the dispatcher's start() loops with
 * prefetch (fan-out, claims, result writes overlapping), the adapter answering at once. Wall time
 * from Issue until every delivery is SENT, per recipient: the rate the ledger sustains.
 */
async function ledgerRunning(prisma: PrismaClient, real: WebPushAdapter, n: number): Promise<string> {
  let sends = 0
  const instant = { channel: real.channel, limits: real.limits, send: async () => ((sends += 1), { kind: 'sent' as const, httpStatus: 201 }) }
  const dispatcher = new Dispatcher({
    prisma,
    routes: [webPushRoute(instant as unknown as WebPushAdapter) as ChannelRoute<unknown>],
    exerciseSink: new ExerciseSink(),
    batchSize: Number(args.batch),
    concurrency: Number(args.concurrency),
    fanOutBatchSize: 5000,
    pollMs: 10,
    prefetch: args.prefetch !== 'off',
  })
  dispatcher.start()
  await new Promise((r) => setTimeout(r, 100))
  const identifier = `urn:sargs:bench:${randomUUID()}`
  const serverCpu = postgresCpuMs()
  const started = performance.now()
  const alert = await issueAlert(prisma, {
    identifier, status: 'Actual', msgType: 'Alert', territoryId: 'jelgava', severity: 'Severe', area: AREA, idempotencyKey: identifier,
    payload: { identifier, sender: 'bench', sent: '2026-11-22T10:10:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public', code: [], references: [],
      info: [{ language: 'lv-LV', event: 'Plūdi', headline: 'Plūdu brīdinājums (3)', description: 'z'.repeat(300), category: [], responseType: [], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', eventCode: [], parameter: [], resource: [], area: [] }] },
  })
  dispatcher.poke()
  // the sends are counted here; only once all went out is the ledger asked (a poll costs it too)
  while (sends < n) await new Promise((r) => setTimeout(r, 5))
  for (;;) {
    const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "Delivery" WHERE "alertId" = $1 AND "status" = 'SENT'`, alert.id)
    if (Number(row.n) >= n) break
    await new Promise((r) => setTimeout(r, 5))
  }
  const wall = performance.now() - started
  const serverMs = serverCpu === undefined ? undefined : postgresCpuMs()! - serverCpu
  await dispatcher.stop()
  const t = dispatcher.timings
  const per = (ms: number) => ((ms * 1000) / n).toFixed(1)
  return [
    `ledger running          ${per(wall)} µs per recipient wall (start(), prefetch ${args.prefetch}, instant adapter, Issue → all ${n} SENT; overlapping: fan-out ${per(t.fanOut)}, reclaim ${per(t.reclaim)}, claim ${per(t.claim)}, prepare ${per(t.prepare)}, complete ${per(t.complete)}, send ${per(t.send)} µs)`,
    serverMs === undefined ? '' : `  database server CPU   ${per(serverMs)} µs per recipient`,
  ].filter(Boolean).join('\n')
}

/** user+system CPU of every postgres process on this machine (ms), undefined without /proc or on PGlite */
function postgresCpuMs(): number | undefined {
  if (!args['database-url'] || !fs.existsSync('/proc/self/stat')) return undefined
  const tick = 100 // USER_HZ on Linux
  let total = 0
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue
      const fields = stat.slice(close + 2).split(' ')
      total += Number(fields[11]) + Number(fields[12])
    } catch {
      // the process ended meanwhile
    }
  }
  return (total * 1000) / tick
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
