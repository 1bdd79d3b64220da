// Reliability rows 1 and 5: the dispatcher runs as a real child process; it is killed with
// SIGKILL mid fan-out, a new one finishes the work, and a checker compares what the ledger
// acknowledged with what the fake push service received. Then SIGTERM stops a worker within
// seconds. PGlite is shared with the children through the app's database socket (servePGlite);
// PostgreSQL runs when TEST_DATABASE_URL is set.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PrismaClient } from '#generated/prisma/client.ts'
import { generateVapidKeys } from '#notify/channels/web-push.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { createTestDatabase, testBackends, testDatabaseUrl, type TestBackend, type TestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { Gate, gatedClient } from '../../server/db/gate.ts'
import { applyMigrations } from '../../server/db/migrations.ts'
import { pgliteAdapterFactory } from '../../server/db/pglite-adapter.ts'
import { servePGlite, type PGliteServer } from '../../server/db/pglite-server.ts'

const N = 240
const BATCH = 20
const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }

type Setup = { prisma: PrismaClient; pool: Record<string, unknown>; schema?: string; close(): Promise<void> }

async function setupPGlite(): Promise<Setup> {
  const db = await PGlite.create()
  await applyMigrations({ adapterFactory: pgliteAdapterFactory(db) })
  const gate = new Gate()
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sargs-crash-'))
  const server: PGliteServer = await servePGlite({ db, gate, path: path.join(dir, '.s.PGSQL.5432') })
  const prisma = new PrismaClient({ adapter: pgliteAdapterFactory(gatedClient(db, gate)) })
  return {
    prisma,
    pool: { host: dir, port: 5432, user: 'postgres', database: 'postgres' },
    close: async () => {
      await prisma.$disconnect()
      await server.close()
      await db.close()
      await fs.rm(dir, { recursive: true, force: true })
    },
  }
}

async function setupPostgres(): Promise<Setup> {
  const db: TestDatabase = await createTestDatabase({ backend: 'postgres' })
  return {
    prisma: db.prisma,
    pool: { connectionString: testDatabaseUrl(), options: `-c search_path="${db.schema}"` },
    schema: db.schema,
    close: () => db.close(),
  }
}

function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const poll = async () => {
      if (await check()) return resolve()
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(() => void poll(), 25)
    }
    void poll()
  })
}

for (const backend of testBackends() as TestBackend[]) {
  describe(`dispatcher process crashes [${backend}]`, () => {
    let setup: Setup
    let push: FakePushService
    const children: ChildProcess[] = []
    const vapid = { subject: 'mailto:alerts@jelgava.example', ...generateVapidKeys() }

    beforeAll(async () => {
      setup = backend === 'pglite' ? await setupPGlite() : await setupPostgres()
      push = await startFakePushService()
    }, 60_000)
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await push?.close()
      await setup?.close()
    })

    function startWorker(): Promise<ChildProcess> {
      const config = { pool: setup.pool, schema: setup.schema, ca: push.ca, vapid, leaseMs: 1500, batchSize: BATCH, concurrency: 4 }
      const child = spawn(process.execPath, ['--import', 'tsx', 'notify/dispatch/fixtures/crash-worker.ts', JSON.stringify(config)], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      children.push(child)
      return new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)))
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('started')) resolve(child)
        })
      })
    }

    const exited = (child: ChildProcess) =>
      new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))

    it('kill -9 mid fan-out, restart: nothing lost; a resent push is one the device already shows once', async () => {
      const { prisma } = setup
      const subs = Array.from({ length: N }, () => push.createSubscription())
      await prisma.pushSubscription.createMany({
        data: subs.map((s, i) => {
          const lng = 23.61 + (i % 60) * 0.003
          const lat = 56.61 + Math.floor(i / 60) * 0.01
          return { endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth, languages: ['lv'], places: [[lng, lat]], minLng: lng, maxLng: lng, minLat: lat, maxLat: lat }
        }),
      })
      const identifier = 'urn:sargs:crash-1'
      await issueAlert(prisma, {
        identifier, status: 'Actual', msgType: 'Alert', territoryId: 'jelgava', severity: 'Severe', area: AREA, idempotencyKey: 'crash-1',
        payload: { identifier, sender: 's', sent: '2026-11-22T10:00:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public', code: [], references: [],
          info: [{ language: 'lv-LV', event: 'Plūdi', headline: 'Plūdi', category: [], responseType: [], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', eventCode: [], parameter: [], resource: [], area: [] }] },
      })

      const first = await startWorker()
      await until(() => push.received.length >= N * 0.3, 60_000, 'the first pushes')
      first.kill('SIGKILL')
      await exited(first)
      const atKill = push.received.length
      expect(atKill).toBeLessThan(N) // it really died mid fan-out
      // deliveries the dead worker had claimed and not yet written back (0 if it died between batches)
      const held = await prisma.delivery.findMany({ where: { status: 'SENDING' }, select: { id: true } })
      const heldAtKill = held.length

      const second = await startWorker()
      await until(async () => {
        if (new Set(push.received.map((r) => r.subscriptionId)).size < N) return false
        const [row] = await prisma.$queryRawUnsafe<{ open: bigint }[]>(
          `SELECT count(*) AS "open" FROM "Delivery" WHERE "status" <> 'SENT'`)
        return Number(row.open) === 0 && (await prisma.delivery.count()) === N
      }, 90_000, 'the restarted worker to finish')

      // row 5: SIGTERM → the worker finishes its batch and exits within seconds
      const stopAt = Date.now()
      second.kill('SIGTERM')
      await exited(second)
      expect(second.exitCode).toBe(0)
      expect(Date.now() - stopAt).toBeLessThan(5000)

      // the checker: acknowledged (SENT in the ledger) vs received by the fake
      const acknowledged = await prisma.delivery.findMany({ where: { status: 'SENT' }, select: { recipientKey: true } })
      const rows = await prisma.pushSubscription.findMany({ select: { id: true, endpoint: true } })
      const endpointOf = new Map(rows.map((r) => [r.id, r.endpoint]))
      const receivedCount = new Map<string, number>()
      for (const r of push.received) receivedCount.set(r.subscriptionId, (receivedCount.get(r.subscriptionId) ?? 0) + 1)
      const lost = acknowledged.filter((a) => !receivedCount.get(endpointOf.get(a.recipientKey)!.split('/').at(-1)!))
      const rawDuplicates = [...receivedCount.values()].reduce((sum, n) => sum + n - 1, 0)
      // what a device shows: the service worker's notification tag is the alert identifier, so a
      // resent push replaces the notification instead of adding one
      const shown = new Set(push.received.map((r) => `${r.subscriptionId}|${(JSON.parse(r.plaintext) as { identifier: string }).identifier}`))
      console.info(`[${backend}] crash checker: targeted ${N}, acknowledged ${acknowledged.length}, received ${push.received.length} ` +
        `(at kill ${atKill}, leases held ${heldAtKill}), lost ${lost.length}, raw duplicates ${rawDuplicates}, shown ${shown.size}`)
      expect(acknowledged).toHaveLength(N)
      expect(lost).toHaveLength(0)
      expect(shown.size).toBe(N)
      // only the sends in doubt (claimed by the killed worker, results not yet written) repeat
      expect(rawDuplicates).toBeLessThanOrEqual(BATCH)
      // every lease the killed worker held ran out and was taken over, on record
      const takenOver = await prisma.deliveryAttempt.findMany({
        where: { result: 'lease-expired', deliveryId: { in: held.map((h) => h.id) } },
        select: { deliveryId: true },
      })
      expect(new Set(takenOver.map((t) => t.deliveryId)).size).toBe(heldAtKill)
    }, 180_000)
  })
}
