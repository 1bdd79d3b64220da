// Opening the database, for the app, the CLI and tests (docs/decisions/002-database.md).
//
// - DATABASE_URL set: PostgreSQL through @prisma/adapter-pg (a pool; broken connections are
//   dropped by the pool and replaced on the next query, so a server restart heals itself).
// - Otherwise: embedded PGlite in <dataDir>/pglite. One process only may open it, so:
//   * the app takes the data directory's lock (./lock.ts), opens PGlite and serves it on a
//     unix socket (./pglite-server.ts, <dataDir>/run/.s.PGSQL.5432, 0600) recorded in the lock;
//   * the CLI, when a live app holds the lock, connects through that socket with the pg adapter
//     (every CLI session is serialised with the app's work by ./gate.ts); when nobody holds it,
//     the CLI takes the lock and opens PGlite itself.
// Migrations are applied on open for the app and tests; the CLI applies them with `sargs migrate`.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { PrismaClient } from '#generated/prisma/client.ts'
import type { Env } from '../env.ts'
import { Gate, gatedClient } from './gate.ts'
import { acquireLock, DatabaseLockedError, type DataDirLock, liveHolder, type LockInfo, lockPathFor } from './lock.ts'
import { applyMigrations } from './migrations.ts'
import { pgAdapterFactory, poolConfig, type PoolRole } from './pg-adapter.ts'
import { pgliteAdapterFactory } from './pglite-adapter.ts'
import { type PGliteServer, servePGlite } from './pglite-server.ts'

export type DatabaseRole = 'app' | 'cli' | 'test'
export type DatabaseKind = 'pglite' | 'postgres'
/** embedded: this process owns PGlite; socket: through the app's socket; server: PostgreSQL */
export type DatabaseVia = 'embedded' | 'socket' | 'server'
export type Health = { ok: boolean; latencyMs: number; error?: string }

export type Database = {
  prisma: PrismaClient
  kind: DatabaseKind
  via: DatabaseVia
  /** For the schema engine (applyMigrations): one connection, no statement timeout. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory
  /** Migrations applied by this open (app and test roles). */
  appliedMigrations: string[]
  health(): Promise<Health>
  close(): Promise<void>
}

export type OpenOptions = {
  env: Pick<Env, 'dataDir' | 'databaseUrl'>
  role: DatabaseRole
  /** Apply pending migrations on open (default: true for app and test, false for cli). */
  migrate?: boolean
  /** How long the CLI waits for a starting app to publish its socket (default 30 s). */
  socketWaitMs?: number
  /** How long the app waits for a CLI command holding the embedded database (default 60 s). */
  lockWaitMs?: number
  log?: (line: string) => void
}

const SOCKET_PORT = 5432
const SOCKET_NAME = `.s.PGSQL.${SOCKET_PORT}`
/** sun_path is 108 bytes on Linux, 104 on macOS. */
const MAX_SOCKET_PATH = 100

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const migrate = options.migrate ?? options.role !== 'cli'
  const log = options.log ?? (() => {})
  const database = options.env.databaseUrl
    ? await openPostgres(options.env.databaseUrl, options.role)
    : options.role === 'cli'
      ? await openForCli(options)
      : await openEmbedded(
          options.env.dataDir,
          options.role,
          await lockForApp(options.env.dataDir, options.role, options.lockWaitMs ?? 60_000, log),
          log,
        )
  if (migrate) {
    try {
      database.appliedMigrations = await applyMigrations({ adapterFactory: database.adapterFactory })
    } catch (error) {
      await database.close()
      throw error
    }
    for (const name of database.appliedMigrations) log(`applied migration ${name}`)
  }
  return database
}

async function openPostgres(url: string, role: DatabaseRole): Promise<Database> {
  const target = postgresTarget(url)
  if (target.schema) await ensureSchema(target.connectionString, target.schema)
  const onError = () => {
    /* the pool drops the broken connection; the next query reconnects */
  }
  const factory = (poolRole: PoolRole) =>
    pgAdapterFactory({
      pool: { ...poolConfig({ connectionString: target.connectionString }, poolRole), options: target.options },
      schema: target.schema,
      onError,
    })
  const prisma = new PrismaClient({ adapter: factory(role) })
  return database({
    prisma,
    kind: 'postgres',
    via: 'server',
    adapterFactory: factory('migrate'),
    close: () => prisma.$disconnect(),
  })
}

/**
 * Prisma's `?schema=NAME` in DATABASE_URL: pg ignores it, so it becomes the adapter's schema
 * and the connections' search_path (migrations are written without a schema).
 */
export function postgresTarget(url: string): { connectionString: string; schema?: string; options?: string } {
  const parsed = new URL(url)
  const schema = parsed.searchParams.get('schema') || undefined
  if (!schema) return { connectionString: url }
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(schema)) {
    throw new Error(`DATABASE_URL: unsupported schema name "${schema}" (letters, digits, _ and $ only)`)
  }
  parsed.searchParams.delete('schema')
  return { connectionString: parsed.toString(), schema, options: `-c search_path="${schema}"` }
}

async function ensureSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])
    if (!rowCount) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
  } finally {
    await client.end()
  }
}

/** The CLI: through the app's socket when it runs, else PGlite in this process. */
async function openForCli(options: OpenOptions): Promise<Database> {
  const dataDir = options.env.dataDir
  const deadline = Date.now() + (options.socketWaitMs ?? 30_000)
  for (;;) {
    const holder = liveHolder(dataDir)
    if (holder?.socket) return openThroughSocket(holder.socket)
    if (holder && holder.role !== 'app') throw new DatabaseLockedError(holder, lockPathFor(dataDir))
    if (!holder) {
      try {
        return await openEmbedded(dataDir, 'cli', acquireLock(dataDir, 'cli'))
      } catch (error) {
        if (!(error instanceof DatabaseLockedError)) throw error
      }
    }
    // an app is starting (locked, socket not yet published) or won the race: wait for it
    if (Date.now() > deadline) {
      throw new Error(
        `the Sargs server (pid ${holder?.pid ?? '?'}) holds ${dataDir} but does not share it: ` +
          'stop the server to run this command',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function openThroughSocket(socket: NonNullable<LockInfo['socket']>): Promise<Database> {
  // No session parameters (statement_timeout ...): the app's PGlite is one backend, shared.
  const pool = {
    host: socket.host,
    port: socket.port,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 10_000,
  }
  const factory = pgAdapterFactory({ pool, onError: () => {} })
  const prisma = new PrismaClient({ adapter: factory })
  return database({
    prisma,
    kind: 'pglite',
    via: 'socket',
    adapterFactory: factory,
    close: () => prisma.$disconnect(),
  })
}

/** The app (or a test) waits a while for a CLI command that holds the embedded database. */
async function lockForApp(
  dataDir: string,
  role: DatabaseRole,
  waitMs: number,
  log: (line: string) => void,
): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs
  let told = false
  for (;;) {
    try {
      return acquireLock(dataDir, role)
    } catch (error) {
      if (!(error instanceof DatabaseLockedError) || error.holder.role !== 'cli' || Date.now() > deadline) {
        throw error
      }
      if (!told) log(`waiting: ${error.message}`)
      told = true
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}

/** PGlite in this process, holding the data directory's lock; the app also serves it. */
async function openEmbedded(
  dataDir: string,
  role: DatabaseRole,
  lock: DataDirLock,
  log: (line: string) => void = () => {},
): Promise<Database> {
  let db: PGlite | undefined
  let server: PGliteServer | undefined
  let tempDir: string | undefined
  try {
    db = await PGlite.create({ dataDir: path.join(dataDir, 'pglite') })
    const gate = new Gate()
    const adapterFactory = pgliteAdapterFactory(gatedClient(db, gate))
    if (role === 'app') {
      const served = await serve(dataDir, db, gate, log)
      server = served?.server
      tempDir = served?.tempDir
      if (served) lock.update({ socket: { host: served.host, port: SOCKET_PORT } })
    }
    const prisma = new PrismaClient({ adapter: adapterFactory })
    const opened = db
    const served = server
    return database({
      prisma,
      kind: 'pglite',
      via: 'embedded',
      adapterFactory,
      close: async () => {
        await prisma.$disconnect()
        await closeEmbedded(lock, opened, served, tempDir)
      },
    })
  } catch (error) {
    await closeEmbedded(lock, db, server, tempDir).catch(() => {})
    throw error
  }
}

async function closeEmbedded(
  lock: DataDirLock,
  db: PGlite | undefined,
  server: PGliteServer | undefined,
  tempDir: string | undefined,
): Promise<void> {
  try {
    if (server) lock.update({ socket: null })
    await server?.close()
    if (db && !db.closed) await db.close()
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true })
  } finally {
    lock.release()
  }
}

/**
 * Serve the database to the CLI. Best effort: without the socket the app still runs, and CLI
 * commands must wait for it to stop. Unix sockets only (not on Windows).
 */
async function serve(
  dataDir: string,
  db: PGlite,
  gate: Gate,
  log: (line: string) => void,
): Promise<{ server: PGliteServer; host: string; tempDir?: string } | undefined> {
  if (process.platform === 'win32') {
    log('the embedded database is not shared with the sargs CLI on Windows: stop the server to use it')
    return undefined
  }
  const dir = await socketDirectory(dataDir)
  try {
    const server = await servePGlite({ db, gate, path: path.join(dir.path, SOCKET_NAME) })
    return { server, host: dir.path, tempDir: dir.temporary ? dir.path : undefined }
  } catch (error) {
    if (dir.temporary) await fs.rm(dir.path, { recursive: true, force: true })
    log(`the embedded database is not shared with the sargs CLI: ${(error as Error).message}`)
    return undefined
  }
}

/** <dataDir>/run (0700), or a private temporary directory when that path is too long. */
async function socketDirectory(dataDir: string): Promise<{ path: string; temporary: boolean }> {
  const run = path.join(dataDir, 'run')
  if (path.join(run, SOCKET_NAME).length <= MAX_SOCKET_PATH) {
    await fs.mkdir(run, { recursive: true, mode: 0o700 })
    await fs.chmod(run, 0o700)
    return { path: run, temporary: false }
  }
  const temp = await fs.mkdtemp(path.join(os.tmpdir(), `sargs-${randomUUID().slice(0, 8)}-`))
  await fs.chmod(temp, 0o700)
  return { path: temp, temporary: true }
}

function database(parts: Omit<Database, 'health' | 'appliedMigrations'>): Database {
  let closing: Promise<void> | undefined
  return {
    ...parts,
    appliedMigrations: [],
    health: () => checkHealth(parts.prisma),
    close: () => (closing ??= parts.close()),
  }
}

async function checkHealth(prisma: PrismaClient, timeoutMs = 5000): Promise<Health> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      prisma.$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return { ok: true, latencyMs: Math.round(performance.now() - started) }
  } catch (error) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    }
  } finally {
    clearTimeout(timer)
  }
}
