// Targeting benchmark (not a test): `npm run bench:targeting [-- --places 1000000 --database-url URL]`.
//
// Seeds N places (default 1,000,000: 900,000 subscriptions, 100,000 of them with a second place),
// half in towns (Rīga, Jelgava, Daugavpils, Liepāja, Valmiera …), half spread over Latvia, then
// times the recipient selection (notify/targeting) for areas from a street block to the whole
// country: the first batch (what the fan-out waits for before the first push), the whole
// selection streamed in batches, and countRecipients (the compose screen's figure). PGlite (in
// memory, in this process) unless --database-url names a PostgreSQL database (a temporary schema
// is created and dropped).
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { countRecipients } from '#notify/targeting/count-recipients.ts'
import { coverArea } from '#notify/targeting/grid.ts'
import { selectAreaRecipientsBatch } from '#notify/targeting/select-area-recipients.ts'
import { applyMigrations } from '../server/db/migrations.ts'
import { pgAdapterFactory, poolConfig } from '../server/db/pg-adapter.ts'
import { pgliteAdapterFactory } from '../server/db/pglite-adapter.ts'

const { values: args } = parseArgs({
  options: {
    places: { type: 'string', default: '1000000' },
    'database-url': { type: 'string' },
    batch: { type: 'string', default: '5000' },
    repeat: { type: 'string', default: '3' },
  },
})
const PLACES = Number(args.places)
const BATCH = Number(args.batch)

type Sql = (sql: string) => Promise<unknown>

async function openDb(): Promise<{ prisma: PrismaClient; kind: string; sql: Sql; close(): Promise<void> }> {
  const url = args['database-url']
  if (!url) {
    const db = await PGlite.create()
    await applyMigrations({ adapterFactory: pgliteAdapterFactory(db) })
    const prisma = new PrismaClient({ adapter: pgliteAdapterFactory(db) })
    return { prisma, kind: 'pglite (in process)', sql: (q) => db.exec(q), close: async () => { await prisma.$disconnect(); await db.close() } }
  }
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE SCHEMA "${schema}"`)
  await admin.query(`SET search_path = "${schema}"`)
  const pool = (role: 'app' | 'migrate') => ({ ...poolConfig({ connectionString: url }, role), options: `-c search_path="${schema}"` })
  await applyMigrations({ adapterFactory: pgAdapterFactory({ pool: pool('migrate'), schema }) })
  const prisma = new PrismaClient({ adapter: pgAdapterFactory({ pool: pool('app'), schema }) })
  return {
    prisma,
    kind: 'postgresql',
    sql: (q) => admin.query(q),
    close: async () => {
      await prisma.$disconnect()
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`)
      await admin.end()
    },
  }
}

// towns: centre, radius (degrees of latitude), share of the town half
const TOWNS = [
  [24.11, 56.95, 0.08, 0.5], [23.72, 56.65, 0.03, 0.1], [26.53, 55.87, 0.04, 0.1], [21.01, 56.51, 0.04, 0.1],
  [25.42, 57.54, 0.02, 0.05], [23.94, 56.97, 0.05, 0.05], [24.6, 56.95, 0.03, 0.05], [27.33, 56.51, 0.02, 0.05],
] as const

async function seed(sql: Sql): Promise<void> {
  const subscriptions = PLACES - Math.floor(PLACES / 10)
  const twoPlaces = PLACES - subscriptions
  // a place: a town (by share) around its centre, or anywhere in Latvia's bounding box
  const townCase = (r: string, a: string, b: string) => {
    let acc = 0
    const arms = TOWNS.map(([lng, lat, radius, share]) => {
      acc += share
      return `WHEN ${r} < ${(acc * 0.5).toFixed(4)} THEN jsonb_build_array(round((${lng} + ${radius} * 1.8 * (${a} - 0.5))::numeric, 4), round((${lat} + ${radius} * (${b} - 0.5))::numeric, 4))`
    })
    return `CASE ${arms.join(' ')} ELSE jsonb_build_array(round((21.0 + 7.2 * ${a})::numeric, 4), round((55.7 + 2.3 * ${b})::numeric, 4)) END`
  }
  await sql(`SELECT setseed(0.42)`)
  // without the per-row trigger (set-based below), as an import would
  await sql(`SET session_replication_role = replica`)
  await sql(
    `INSERT INTO "PushSubscription" ("id", "endpoint", "p256dh", "auth", "languages", "minSeverity", "places", "minLng", "maxLng", "minLat", "maxLat")
     SELECT 's' || i, 'https://push.example/' || i, 'k', 'a', ARRAY['lv'],
            (ARRAY['Minor', 'Minor', 'Moderate', 'Severe']::"AlertSeverity"[])[1 + (i % 4)],
            CASE WHEN i <= ${twoPlaces} THEN jsonb_build_array(${townCase('q.r1', 'q.a1', 'q.b1')}, ${townCase('q.r2', 'q.a2', 'q.b2')})
                 ELSE jsonb_build_array(${townCase('q.r1', 'q.a1', 'q.b1')}) END, 0, 0, 0, 0
       FROM generate_series(1, ${subscriptions}) AS i,
            -- drawn once per subscription (random() in each CASE arm would be drawn again per arm)
            LATERAL (SELECT random() + 0 * i AS r1, random() AS a1, random() AS b1, random() AS r2, random() AS a2, random() AS b2) AS q`,
  )
  await sql(
    `INSERT INTO "SubscriptionPlace" ("subscriptionId", "idx", "cell", "lng", "lat", "minSeverity", "placeCount")
     SELECT s."id", (p.i - 1)::int, "sargs_place_cell"((p.v->>0)::double precision, (p.v->>1)::double precision),
            (p.v->>0)::double precision, (p.v->>1)::double precision, s."minSeverity", jsonb_array_length(s."places")
       FROM "PushSubscription" s, jsonb_array_elements(s."places") WITH ORDINALITY AS p(v, i)`,
  )
  await sql(`SET session_replication_role = DEFAULT`)
}

function circle(lng: number, lat: number, km: number, n = 64): AlertAreaGeometry {
  const r = km / 111.2
  const ring = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n
    return [lng + (r * Math.cos(a)) / Math.cos((lat * Math.PI) / 180), lat + r * Math.sin(a)] as [number, number]
  })
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] }
}

const AREAS: [string, AlertAreaGeometry][] = [
  ['Rīga, 500 m circle', circle(24.11, 56.95, 0.5)],
  ['Jelgava, 2 km circle', circle(23.72, 56.65, 2)],
  ['Rīga, 8 km circle', circle(24.11, 56.95, 8)],
  ['a river valley (concave, 40 × 25 km)', { type: 'Polygon', coordinates: [[[23.4, 56.5], [24.0, 56.5], [24.0, 56.58], [23.55, 56.6], [23.55, 56.68], [24.0, 56.7], [24.0, 56.75], [23.4, 56.75], [23.4, 56.5]]] }],
  ['Kurzeme (west of 22.9°, 7-gon)', { type: 'Polygon', coordinates: [[[20.9, 56.0], [22.9, 56.2], [22.9, 57.0], [22.5, 57.6], [21.7, 57.6], [21.0, 57.1], [20.9, 56.0]]] }],
  ['all of Latvia (bounding box)', { type: 'Polygon', coordinates: [[[20.9, 55.6], [28.3, 55.6], [28.3, 58.1], [20.9, 58.1], [20.9, 55.6]]] }],
]

async function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now()
  const v = await f()
  return [v, performance.now() - t]
}

async function main() {
  const db = await openDb()
  const { prisma } = db
  const [, seedMs] = await time(() => seed(db.sql))
  const [, analyzeMs] = await time(() => db.sql('VACUUM ANALYZE "SubscriptionPlace"'))
  const [{ n }] = await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "SubscriptionPlace"`)
  const lines = [
    `targeting benchmark — ${db.kind}, ${n} places, batch ${BATCH}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `seeded in ${(seedMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(analyzeMs / 1000).toFixed(1)} s; best of ${args.repeat} runs each`,
    '',
    '| area | recipients | places read | point-in-polygon tests | cover ranges | first batch | whole selection | countRecipients |',
    '|---|---|---|---|---|---|---|---|',
  ]
  for (const [name, area] of AREAS) {
    let best = { first: Infinity, all: Infinity, count: Infinity }
    let recipients = 0
    let read = 0
    let tested = 0
    for (let run = 0; run < Number(args.repeat); run++) {
      const t0 = performance.now()
      let after: string | null = null
      let first = 0
      recipients = 0
      read = 0
      tested = 0
      for (;;) {
        const batch = await selectAreaRecipientsBatch(prisma, { area, severity: 'Severe', after, batchSize: BATCH })
        if (!first) first = performance.now() - t0
        recipients += batch.recipients.length
        read += batch.candidates
        tested += batch.tested
        if (batch.done) break
        after = batch.cursor
      }
      const all = performance.now() - t0
      const [counts, count] = await time(() => countRecipients({ prisma, area, severity: 'Severe', channels: ['webpush'] }))
      if (counts.webpush !== recipients) throw new Error(`${name}: count ${counts.webpush} ≠ selected ${recipients}`)
      best = { first: Math.min(best.first, first), all: Math.min(best.all, all), count: Math.min(best.count, count) }
    }
    const ms = (v: number) => (v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(2)} s`)
    lines.push(`| ${name} | ${recipients} | ${read} | ${tested} | ${coverArea(area).length} | ${ms(best.first)} | ${ms(best.all)} | ${ms(best.count)} |`)
    console.error(lines.at(-1))
  }
  console.log(lines.join('\n'))
  await db.close()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
