// Reliability rows 2 and 3 with real processes (fixtures/engine-process.ts, bin/sargs.js worker)
// against the fake push service, on PGlite (a data directory the processes open as the app and the
// CLI do) and PostgreSQL (DATABASE_URL with a schema of its own):
//   row 2: the web process dies right after the commit that issues an alert, before any dispatch →
//          the alert is in the database, nothing is marked sent; `sargs worker --drain` sends it:
//          lost 0, duplicates 0.
//   row 3: the web process (dispatcher inline) and a worker process are killed at once mid-sending
//          → after a restart every accepted alert completes, nothing lost, every alert shown once
//          per device, and the database is intact (audit chain, ledger consistent).
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '#domain/audit/verify-audit.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { createTestDatabase, testBackends, testDatabaseUrl, type TestBackend, type TestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { openDatabase } from '../../server/db/open.ts'
import type { EngineProcessConfig } from './fixtures/engine-process.ts'
import { check, demoTerritory, identifierOf, INSIDE, bounds } from './fixtures/engine-support.ts'

const root = path.resolve(import.meta.dirname, '../..')
const TUNING = { batchSize: 20, leaseMs: 1500, concurrency: 4, fanOutBatchSize: 50, pollMs: 50, retry: { maxAttempts: 10, backoff: { baseMs: 20, capMs: 200 } } }

type Place = { dataDir: string; databaseUrl?: string; pg?: TestDatabase }

function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
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
  describe(`processes killed [${backend}]`, () => {
    let push: FakePushService
    let caFile: string
    const children: ChildProcess[] = []
    const dirs: string[] = []
    const pgs: TestDatabase[] = []

    beforeAll(async () => {
      push = await startFakePushService()
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-ca-'))
      dirs.push(dir)
      caFile = path.join(dir, 'ca.pem')
      fs.writeFileSync(caFile, push.ca)
    })
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await push?.close()
      for (const pg of pgs) await pg.close()
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
    })

    /** a fresh database with the demo territory and n subscribers inside the alert area */
    async function place(n: number): Promise<Place> {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-proc-'))
      dirs.push(dataDir)
      let databaseUrl: string | undefined
      let pg: TestDatabase | undefined
      if (backend === 'postgres') {
        pg = await createTestDatabase({ backend: 'postgres' })
        pgs.push(pg)
        const url = new URL(testDatabaseUrl()!)
        url.searchParams.set('schema', pg.schema!)
        databaseUrl = url.toString()
      }
      await withDatabase({ dataDir, databaseUrl }, async (prisma) => {
        await demoTerritory(prisma)
        const subs = Array.from({ length: n }, () => push.createSubscription())
        await prisma.pushSubscription.createMany({
          data: subs.map((s) => ({ endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth, languages: ['lv'], places: [INSIDE], ...bounds([INSIDE]) })),
        })
      })
      return { dataDir, databaseUrl, pg }
    }

    /** the database from this process (the embedded one only while no Sargs process holds it) */
    async function withDatabase<T>(p: Pick<Place, 'dataDir' | 'databaseUrl'>, fn: (prisma: PrismaClient) => Promise<T>): Promise<T> {
      const db = await openDatabase({ env: { dataDir: p.dataDir, databaseUrl: p.databaseUrl }, role: 'test' })
      try {
        return await fn(db.prisma)
      } finally {
        await db.close()
      }
    }

    function childEnv(p: Place): NodeJS.ProcessEnv {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'production', NODE_EXTRA_CA_CERTS: caFile,
        DATA_DIR: p.dataDir, VAPID_SUBJECT: 'mailto:cp@jelgava.example', PUSH_SERVICE_HOSTS: '127.0.0.1' }
      if (p.databaseUrl) env.DATABASE_URL = p.databaseUrl
      return env
    }

    type Started = { child: ChildProcess; lines: string[]; waitFor(pattern: RegExp): Promise<string>; exited: Promise<void> }

    function start(p: Place, args: string[]): Started {
      const child = spawn(process.execPath, args, { cwd: root, env: childEnv(p), stdio: ['pipe', 'pipe', 'pipe'] })
      children.push(child)
      const lines: string[] = []
      let stderr = ''
      let buffer = ''
      const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = []
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i)
          buffer = buffer.slice(i + 1)
          lines.push(line)
          for (const w of [...waiters]) if (w.pattern.test(line)) {
            waiters.splice(waiters.indexOf(w), 1)
            w.resolve(line)
          }
        }
      })
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      return {
        child,
        lines,
        exited,
        waitFor: (pattern) => {
          const seen = lines.find((l) => pattern.test(l))
          if (seen) return Promise.resolve(seen)
          return new Promise((resolve, reject) => {
            waiters.push({ pattern, resolve })
            void exited.then(() => reject(new Error(`process exited (${child.exitCode ?? child.signalCode}) before ${pattern}: ${stderr.slice(-2000)}`)))
          })
        },
      }
    }

    const engine = (p: Place, config: Omit<EngineProcessConfig, 'dataDir' | 'databaseUrl'>) =>
      start(p, ['--import', 'tsx', 'notify/dispatch/fixtures/engine-process.ts', JSON.stringify({ ...config, dataDir: p.dataDir, databaseUrl: p.databaseUrl })])

    it('row 2: the web process dies right after the commit; the alert still goes out (sargs worker), once each', async () => {
      const N = 40
      const p = await place(N)
      push.received.length = 0
      const web = engine(p, { role: 'web', inline: true, killAfterIssue: true, tuning: TUNING })
      await web.waitFor(/^ready$/)
      web.child.stdin!.write('issue\n')
      const [, id, identifier] = (await web.waitFor(/^issued /)).split(' ')
      await web.exited
      expect(web.child.signalCode).toBe('SIGKILL')

      // accepted: in the database, its commit the queue entry; nothing marked sent, nothing received
      await withDatabase(p, async (prisma) => {
        const alert = await prisma.alert.findUniqueOrThrow({ where: { id } })
        expect(alert).toMatchObject({ identifier, fanoutDoneAt: null })
        expect(await prisma.delivery.count({ where: { alertId: id, status: 'SENT' } })).toBe(0)
      })
      expect(push.received).toHaveLength(0)

      const worker = start(p, [path.join(root, 'bin/sargs.js'), 'worker', '--drain'])
      await worker.exited
      expect(worker.child.exitCode).toBe(0)
      expect(worker.lines.join('\n')).toMatch(/nothing left to send/)

      await withDatabase(p, async (prisma) => {
        const result = await check(prisma, push, { id, identifier })
        console.info(`[${backend}] row 2: targeted ${N}, acknowledged ${result.acknowledged}, received ${result.received}, lost ${result.lost.length}, duplicates ${result.duplicates}`)
        expect(result).toMatchObject({ acknowledged: N, received: N, lost: [], duplicates: 0 })
        expect(await prisma.delivery.count({ where: { status: { not: 'SENT' } } })).toBe(0)
        expect((await verifyAuditChain(prisma)).ok).toBe(true)
      })
    }, 240_000)

    it('row 3: web and worker killed at once mid-sending; after a restart every accepted alert completes, database intact', async () => {
      const N = 120
      const ALERTS = 3
      const p = await place(N)
      push.received.length = 0
      const web = engine(p, { role: 'web', inline: true, tuning: TUNING })
      await web.waitFor(/^ready$/)
      const worker = engine(p, { role: 'worker', tuning: TUNING })
      await worker.waitFor(/started$/)
      for (let i = 0; i < ALERTS; i++) web.child.stdin!.write('issue\n')
      await until(() => web.lines.filter((l) => l.startsWith('issued ')).length === ALERTS, 'the alerts to be issued')
      const issued = web.lines.filter((l) => l.startsWith('issued ')).map((l) => {
        const [, id, identifier] = l.split(' ')
        return { id, identifier }
      })
      await until(() => push.received.length >= N * ALERTS * 0.3, 'the first pushes')
      web.child.kill('SIGKILL')
      worker.child.kill('SIGKILL')
      await Promise.all([web.exited, worker.exited])
      const atKill = push.received.length
      expect(atKill).toBeLessThan(N * ALERTS) // they really died mid-sending

      const restarted = engine(p, { role: 'web', inline: true, tuning: TUNING })
      await restarted.waitFor(/^ready$/)
      await until(() => new Set(push.received.map((r) => `${r.subscriptionId}|${identifierOf(r)}`)).size === N * ALERTS, 'every alert to every subscriber')
      // row 5 for the app: SIGTERM finishes or releases the work in flight and exits promptly
      restarted.child.kill('SIGTERM')
      await restarted.exited
      expect(restarted.child.exitCode).toBe(0)

      await withDatabase(p, async (prisma) => {
        let rawDuplicates = 0
        for (const alert of issued) {
          const result = await check(prisma, push, alert)
          rawDuplicates += result.duplicates
          expect(result.acknowledged).toBe(N)
          expect(result.lost).toHaveLength(0)
          expect(result.receivers.size).toBe(N)
          expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).fanoutDoneAt).not.toBeNull()
        }
        console.info(`[${backend}] row 3: ${ALERTS} alerts × ${N}: received ${push.received.length} (at kill ${atKill}), lost 0, raw duplicates ${rawDuplicates}, shown ${N * ALERTS}`)
        // only sends in doubt repeat: at most one batch per killed process
        expect(rawDuplicates).toBeLessThanOrEqual(2 * TUNING.batchSize)
        // the database is intact: the ledger is complete and consistent, the audit chain verifies
        expect(await prisma.delivery.count()).toBe(N * ALERTS)
        expect(await prisma.delivery.count({ where: { status: { not: 'SENT' } } })).toBe(0)
        expect(await prisma.delivery.count({ where: { OR: [{ leaseExpiresAt: { not: null } }, { nextAttemptAt: { not: null } }, { attempts: 0 }] } })).toBe(0)
        // no lease left open: every batch was written or swept (decision 024)
        expect(await prisma.deliveryLease.count()).toBe(0)
        const audit = await verifyAuditChain(prisma)
        expect(audit.ok).toBe(true)
        expect(await prisma.auditLog.count({ where: { action: 'alert.issued' } })).toBe(ALERTS)
        const [counts] = await prisma.$queryRawUnsafe<{ attempts: number; sent: number }[]>(
          // every delivery has its accepted send on record (decision 023: on the delivery row)
          `SELECT (SELECT count(*)::int FROM "Delivery" WHERE "sentAt" IS NOT NULL) AS "sent",
                  (SELECT count(*)::int FROM "DeliveryAttempt" a LEFT JOIN "Delivery" d ON d."id" = a."deliveryId" WHERE d."id" IS NULL) AS "attempts"`,
        )
        expect(counts).toEqual({ sent: N * ALERTS, attempts: 0 })
      })
    }, 300_000)
  })
}
