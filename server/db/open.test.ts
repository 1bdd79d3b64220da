import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseUrl } from '../../tests/db.ts'
import { DatabaseLockedError, liveHolder, lockPathFor } from './lock.ts'
import { readMigrations } from './migrations.ts'
import { type Database, openDatabase } from './open.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const FIXTURE = path.join(ROOT, 'server/db/fixtures/app-process.ts')
const SLOW = 180_000

const dirs: string[] = []
const children = new Set<ChildProcessWithoutNullStreams>()
afterEach(() => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-open-'))
  dirs.push(dir)
  return dir
}

const embedded = (dir: string) => ({ dataDir: dir, databaseUrl: undefined })

type AppProcess = { child: ChildProcessWithoutNullStreams; stop(): Promise<number> }

/** Start the fixture "app" holding `dir`; resolves once it prints "ready". */
async function startApp(dir: string, mode: '' | 'busy' = ''): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, mode], { cwd: ROOT })
  children.add(child)
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('ready\n')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`app exited (${code}): ${err}`)))
  })
  return {
    child,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.stdin.end()
      await exited
      children.delete(child)
      const match = /increments (\d+)/.exec(out)
      if (!match) throw new Error(`app did not report: ${out} ${err}`)
      return Number(match[1])
    },
  }
}

/** Run the sargs CLI as a user would. */
async function sargs(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/sargs.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)))
  return { code, out, err }
}

describe('openDatabase on embedded PGlite', () => {
  it(
    'the app holds the directory, serves it, and a second app is refused; the CLI goes through the socket',
    async () => {
      const dir = dataDir()
      const migrations = (await readMigrations()).map((m) => m.name)
      const app = await openDatabase({ env: embedded(dir), role: 'app' })
      let cli: Database | undefined
      try {
        expect(app.kind).toBe('pglite')
        expect(app.via).toBe('embedded')
        expect(app.appliedMigrations).toEqual(migrations)
        expect(await app.health()).toMatchObject({ ok: true })
        const holder = liveHolder(dir)
        expect(holder).toMatchObject({ pid: process.pid, role: 'app', socket: { host: path.join(dir, 'run'), port: 5432 } })
        const socketPath = path.join(dir, 'run', '.s.PGSQL.5432')
        expect((fs.statSync(socketPath).mode & 0o777).toString(8)).toBe('600')
        expect((fs.statSync(path.join(dir, 'run')).mode & 0o777).toString(8)).toBe('700')

        await expect(openDatabase({ env: embedded(dir), role: 'app' })).rejects.toThrow(DatabaseLockedError)
        await expect(openDatabase({ env: embedded(dir), role: 'test' })).rejects.toThrow(/in use by the Sargs server/)

        cli = await openDatabase({ env: embedded(dir), role: 'cli' })
        expect(cli.via).toBe('socket')
        await app.prisma.setting.create({ data: { key: 'from-app', value: { big: '9007199254740993' } } })
        expect(await cli.prisma.setting.findUnique({ where: { key: 'from-app' } })).toMatchObject({
          value: { big: '9007199254740993' },
        })
        expect(await cli.health()).toMatchObject({ ok: true })
        // a CLI transaction holds the gate: the app's statement waits for its end
        const order: string[] = []
        const cliTx = cli.prisma.$transaction(async (tx) => {
          await tx.setting.create({ data: { key: 'from-cli', value: 1 } })
          order.push('cli wrote')
          await new Promise((resolve) => setTimeout(resolve, 300))
          order.push('cli commits')
        })
        await new Promise((resolve) => setTimeout(resolve, 100))
        const seen = await app.prisma.setting.findUnique({ where: { key: 'from-cli' } })
        order.push('app read')
        await cliTx
        expect(order).toEqual(['cli wrote', 'cli commits', 'app read'])
        expect(seen).not.toBeNull()
      } finally {
        await cli?.close()
        await app.close()
      }
      expect(fs.existsSync(lockPathFor(dir))).toBe(false)
      expect(fs.existsSync(path.join(dir, 'run', '.s.PGSQL.5432'))).toBe(false)
    },
    SLOW,
  )

  it(
    'the CLI opens the directory itself when no app runs, without migrating; an app waits for it',
    async () => {
      const dir = dataDir()
      const cli = await openDatabase({ env: embedded(dir), role: 'cli' })
      try {
        expect(cli.via).toBe('embedded')
        expect(cli.appliedMigrations).toEqual([])
        expect(liveHolder(dir)).toMatchObject({ role: 'cli', socket: null })
        await expect(openDatabase({ env: embedded(dir), role: 'app', lockWaitMs: 0 })).rejects.toThrow(
          /another sargs cli/,
        )
        await expect(openDatabase({ env: embedded(dir), role: 'cli' })).rejects.toThrow(DatabaseLockedError)
      } finally {
        setTimeout(() => void cli.close(), 300)
      }
      // the app waits for the CLI command to finish
      const lines: string[] = []
      const app = await openDatabase({ env: embedded(dir), role: 'app', lockWaitMs: 30_000, log: (l) => lines.push(l) })
      try {
        expect(lines[0]).toMatch(/^waiting: .* in use by another sargs cli process/)
        expect(lines).toContain(`applied migration ${(await readMigrations())[0].name}`)
      } finally {
        await app.close()
      }
    },
    SLOW,
  )

  it(
    'a CLI in another process works through the socket while an app process is busy, without interleaving',
    async () => {
      const dir = dataDir()
      const app = await startApp(dir, 'busy')
      const cli = await openDatabase({ env: embedded(dir), role: 'cli' })
      try {
        expect(cli.via).toBe('socket')
        const read = async () =>
          ((await cli.prisma.setting.findUniqueOrThrow({ where: { key: 'counter' } })).value as { n: number }).n
        // a CLI transaction that bumps the counter by 1000, waits, and rolls back: if app
        // transactions ran inside it, their increments would be lost or the +1000 kept
        for (let round = 0; round < 3; round++) {
          const before = await read()
          await expect(
            cli.prisma.$transaction(async (tx) => {
              await tx.$executeRaw`UPDATE "Setting" SET value = jsonb_build_object('n', (value->>'n')::int + 1000) WHERE key = 'counter'`
              const inside = (await tx.setting.findUniqueOrThrow({ where: { key: 'counter' } })).value as { n: number }
              await new Promise((resolve) => setTimeout(resolve, 200))
              const later = (await tx.setting.findUniqueOrThrow({ where: { key: 'counter' } })).value as { n: number }
              expect(later.n).toBe(inside.n)
              expect(inside.n).toBeGreaterThanOrEqual(before + 1000)
              throw new Error('roll back')
            }),
          ).rejects.toThrow('roll back')
          expect(await read()).toBeLessThan(1000)
        }
      } finally {
        await cli.close()
      }
      const increments = await app.stop()
      expect(increments).toBeGreaterThan(0)
      const after = await openDatabase({ env: embedded(dir), role: 'cli' })
      try {
        const final = await after.prisma.setting.findUniqueOrThrow({ where: { key: 'counter' } })
        expect(final.value).toEqual({ n: increments })
      } finally {
        await after.close()
      }
    },
    SLOW,
  )

  it(
    'the sargs CLI migrates, backs up and refuses to restore into the running (non-empty) app, then works without it',
    async () => {
      const dir = dataDir()
      const file = path.join(dir, 'backup.jsonl.gz')
      const app = await startApp(dir, 'busy')
      const migrate = await sargs(dir, 'migrate')
      expect(migrate).toMatchObject({ code: 0 })
      expect(migrate.out).toMatch(/No pending migrations \(embedded database, through the running Sargs server\)/)
      const backup = await sargs(dir, 'backup', file)
      expect(backup.err).toBe('')
      // every table of the schema but the derived ones; the count grows with the schema
      const tables = Number(/Backup written to .*: (\d+) tables, 1 rows/.exec(backup.out)?.[1])
      expect(tables).toBeGreaterThanOrEqual(16)
      expect(await sargs(dir, 'backup', file)).toMatchObject({ code: 1, err: expect.stringMatching(/exists; use --force/) })
      const restore = await sargs(dir, 'restore', file)
      expect(restore.code).toBe(1)
      expect(restore.err).toMatch(/not empty \(table "Setting" has rows\)/)
      const increments = await app.stop()

      const fresh = dataDir()
      expect((await sargs(fresh, 'migrate')).out).toMatch(/Applied \d+_init/)
      expect((await sargs(fresh, 'restore', file)).out).toContain(`Restored 1 rows into ${tables} tables`)
      const restored = await openDatabase({ env: embedded(fresh), role: 'cli' })
      try {
        const counter = await restored.prisma.setting.findUniqueOrThrow({ where: { key: 'counter' } })
        expect((counter.value as { n: number }).n).toBeLessThanOrEqual(increments)
      } finally {
        await restored.close()
      }
      const again = await sargs(fresh, 'restore', path.join(dir, 'nope.gz'))
      expect(again).toMatchObject({ code: 1 })
      expect(again.err).toMatch(/nope.gz does not exist/)
      expect((await sargs(fresh, 'backup')).code).toBe(2)
    },
    SLOW,
  )

  it(
    'serves from a private temporary directory when the data directory path is too long for a socket',
    async () => {
      const dir = path.join(dataDir(), 'a-rather-long-directory-name-'.repeat(4))
      const app = await openDatabase({ env: embedded(dir), role: 'app' })
      let host = ''
      try {
        host = liveHolder(dir)?.socket?.host ?? ''
        expect(host.startsWith(os.tmpdir())).toBe(true)
        expect((fs.statSync(host).mode & 0o777).toString(8)).toBe('700')
        const cli = await openDatabase({ env: embedded(dir), role: 'cli' })
        try {
          expect(cli.via).toBe('socket')
          expect(await cli.prisma.setting.count()).toBe(0)
        } finally {
          await cli.close()
        }
      } finally {
        await app.close()
      }
      expect(fs.existsSync(host)).toBe(false)
    },
    SLOW,
  )

  it(
    'a killed app leaves a stale lock that the next opener takes over',
    async () => {
      const dir = dataDir()
      const app = await startApp(dir)
      const holder = liveHolder(dir)
      expect(holder?.pid).toBe(app.child.pid)
      const exited = new Promise((resolve) => app.child.once('exit', resolve))
      app.child.kill('SIGKILL')
      await exited
      expect(fs.existsSync(lockPathFor(dir))).toBe(true)
      expect(liveHolder(dir)).toBeNull()
      const db = await openDatabase({ env: embedded(dir), role: 'app' })
      try {
        expect(liveHolder(dir)?.pid).toBe(process.pid)
        expect(await db.health()).toMatchObject({ ok: true })
      } finally {
        await db.close()
      }
    },
    SLOW,
  )
})

const url = testDatabaseUrl()

describe.runIf(url)('openDatabase on PostgreSQL', () => {
  const name = `sargs_open_${randomUUID().replace(/-/g, '').slice(0, 10)}`
  let databaseUrl = ''
  const admin = () => new pg.Client({ connectionString: url })

  beforeAll(async () => {
    const client = admin()
    await client.connect()
    await client.query(`CREATE DATABASE "${name}"`)
    await client.end()
    const u = new URL(url!)
    u.pathname = `/${name}`
    databaseUrl = u.toString()
  })

  afterAll(async () => {
    const client = admin()
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    await client.end()
  })

  it("honours Prisma's ?schema= in DATABASE_URL", async () => {
    const db = await openDatabase({ env: { dataDir: dataDir(), databaseUrl: `${databaseUrl}?schema=Other_1` }, role: 'app' })
    try {
      await db.prisma.setting.create({ data: { key: 'in-schema', value: true } })
      const [{ where }] = await db.prisma.$queryRawUnsafe<{ where: string }[]>(
        `SELECT n.nspname AS where FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relname = '_prisma_migrations'`,
      )
      expect(where).toBe('Other_1')
      const [{ rows }] = await db.prisma.$queryRawUnsafe<{ rows: bigint }[]>(
        `SELECT count(*) AS rows FROM "Other_1"."Setting"`,
      )
      expect(rows).toBe(1n)
    } finally {
      await db.close()
    }
    await expect(
      openDatabase({ env: { dataDir: dataDir(), databaseUrl: `${databaseUrl}?schema=bad-name` }, role: 'cli' }),
    ).rejects.toThrow(/unsupported schema name/)
  })

  it('migrates on open, reports health, and reconnects after its connections are killed', async () => {
    const db = await openDatabase({ env: { dataDir: dataDir(), databaseUrl }, role: 'app' })
    try {
      expect(db.kind).toBe('postgres')
      expect(db.via).toBe('server')
      expect(db.appliedMigrations).toEqual((await readMigrations()).map((m) => m.name))
      expect(await db.health()).toMatchObject({ ok: true })
      await db.prisma.setting.create({ data: { key: 'k', value: 1 } })
      // what a server restart does to the pool's connections
      const client = admin()
      await client.connect()
      const { rowCount } = await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [name],
      )
      await client.end()
      expect(rowCount).toBeGreaterThan(0)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await db.prisma.setting.count()).toBe(1)
      expect(await db.health()).toMatchObject({ ok: true })
      const again = await openDatabase({ env: { dataDir: dataDir(), databaseUrl }, role: 'cli' })
      try {
        expect(again.appliedMigrations).toEqual([])
        expect(await again.prisma.setting.count()).toBe(1)
      } finally {
        await again.close()
      }
    } finally {
      await db.close()
    }
  })
})
