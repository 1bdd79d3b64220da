// Test databases for Vitest, with the migrations of prisma/migrations applied; no mocks.
//
//   import { createTestDatabase, describeEachBackend, useTestDatabase } from '../../tests/db.ts'
//
//   describeEachBackend('incidents', (backend) => {
//     const db = useTestDatabase(backend, 'reset') // one database, emptied after each test
//     it('creates', async () => { await db().prisma.incident.create(...) })
//   })
//
// - PGlite (always): an in-memory PGlite cloned from a template data directory in which the
//   migrations were applied once. The template is cached in memory and on disk (os.tmpdir(),
//   keyed by the migrations' checksums and the PGlite version), so a test database costs about
//   one second instead of an initdb plus the migrations.
// - PostgreSQL (when TEST_DATABASE_URL is set): each database is a fresh schema with a unique
//   name in that database, migrated, and dropped on close.
import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest'
import { PrismaClient } from '#generated/prisma/client.ts'
import { applyMigrations, readMigrations } from '../server/db/migrations.ts'
import { pgAdapterFactory, poolConfig } from '../server/db/pg-adapter.ts'
import { pgliteAdapterFactory } from '../server/db/pglite-adapter.ts'

export type TestBackend = 'pglite' | 'postgres'

export type TestDatabase = {
  prisma: PrismaClient
  kind: TestBackend
  /** For applyMigrations and other schema-engine calls. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory
  /** PostgreSQL only: the schema this database lives in. */
  schema?: string
  /** Empty every table (not the migrations), restarting sequences: ~tens of ms. */
  reset(): Promise<void>
  close(): Promise<void>
}

/** The URL of the PostgreSQL used by tests, if any (CI sets it). */
export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined
}

/**
 * The backends to run database tests on: PGlite, plus PostgreSQL when TEST_DATABASE_URL is set.
 * TEST_BACKENDS=postgres (with TEST_DATABASE_URL) runs the PostgreSQL side only: CI runs the PGlite
 * side in its own step first and does not repeat it.
 */
export function testBackends(): TestBackend[] {
  if (!testDatabaseUrl()) return ['pglite']
  return process.env.TEST_BACKENDS === 'postgres' ? ['postgres'] : ['pglite', 'postgres']
}

export async function createTestDatabase(options: { backend?: TestBackend } = {}): Promise<TestDatabase> {
  const backend = options.backend ?? 'pglite'
  return backend === 'postgres' ? createPostgresDatabase() : createPGliteDatabase()
}

/** describe() once per backend: "name [pglite]", "name [postgres]". */
export function describeEachBackend(name: string, fn: (backend: TestBackend) => void): void {
  for (const backend of testBackends()) describe(`${name} [${backend}]`, () => fn(backend))
}

/**
 * A database for the enclosing describe block, returned as a getter:
 * - 'all' (default): one database shared by the block's tests;
 * - 'reset': one database, emptied (reset()) after each test — isolation at little cost;
 * - 'each': a new database for each test (about a second each on PGlite).
 */
export function useTestDatabase(
  backend: TestBackend = 'pglite',
  scope: 'all' | 'reset' | 'each' = 'all',
): () => TestDatabase {
  let current: TestDatabase | undefined
  const [before, after] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll]
  before(async () => {
    current = await createTestDatabase({ backend })
  })
  if (scope === 'reset') afterEach(async () => current?.reset())
  after(async () => {
    await current?.close()
    current = undefined
  })
  return () => {
    if (!current) throw new Error('the test database is only available inside tests')
    return current
  }
}

async function truncateAll(prisma: PrismaClient): Promise<void> {
  const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT tablename AS name FROM pg_tables
      WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  )
  if (tables.length === 0) return
  const list = tables.map((t) => `"${t.name.replace(/"/g, '""')}"`).join(', ')
  await asDatabaseOwner(prisma, [`TRUNCATE ${list} RESTART IDENTITY CASCADE`])
}

/**
 * Run statements as someone with full control of the database would: in one transaction with
 * triggers off (session_replication_role = replica, superuser only), so tests can empty the
 * append-only tables or tamper with the audit log the way an intruder with database access could.
 */
export async function asDatabaseOwner(prisma: PrismaClient, statements: string[]): Promise<void> {
  await prisma.$transaction([
    prisma.$executeRawUnsafe('SET LOCAL session_replication_role = replica'),
    ...statements.map((sql) => prisma.$executeRawUnsafe(sql)),
  ])
}

// ---------------------------------------------------------------------------------------------
// PGlite

let template: Promise<Blob> | undefined

async function createPGliteDatabase(): Promise<TestDatabase> {
  template ??= loadTemplate().catch((error: unknown) => {
    template = undefined
    throw error
  })
  const db = await PGlite.create({ loadDataDir: await template })
  const adapterFactory = pgliteAdapterFactory(db)
  const prisma = new PrismaClient({ adapter: adapterFactory })
  return {
    prisma,
    kind: 'pglite',
    adapterFactory,
    reset: () => truncateAll(prisma),
    close: async () => {
      await prisma.$disconnect()
      await db.close()
    },
  }
}

async function loadTemplate(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `sargs-test-template-${await templateKey()}.tar.gz`)
  const cached = await fs.readFile(file).catch(() => null)
  if (cached) return new Blob([cached])
  const db = await PGlite.create()
  try {
    await applyMigrations({ adapterFactory: pgliteAdapterFactory(db) })
    const dump = await db.dumpDataDir('gzip')
    const temp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}`
    await fs.writeFile(temp, Buffer.from(await dump.arrayBuffer()))
    await fs.rename(temp, file)
    return dump
  } finally {
    await db.close()
  }
}

async function templateKey(): Promise<string> {
  const hash = createHash('sha256')
  const require = createRequire(import.meta.url)
  const pglite = JSON.parse(
    await fs.readFile(path.join(path.dirname(require.resolve('@electric-sql/pglite')), '../package.json'), 'utf8'),
  ) as { version: string }
  hash.update(`pglite ${pglite.version}\n`)
  for (const m of await readMigrations()) hash.update(`${m.name} ${m.checksum}\n`)
  return hash.digest('hex').slice(0, 16)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function createPostgresDatabase(): Promise<TestDatabase> {
  const url = testDatabaseUrl()
  if (!url) throw new Error('TEST_DATABASE_URL is not set')
  const schema = `test_${process.pid}_${randomUUID().replace(/-/g, '').slice(0, 12)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`)
    const inSchema = (role: 'test' | 'migrate') => ({
      ...poolConfig({ connectionString: url }, role),
      options: `-c search_path="${schema}"`,
    })
    const adapterFactory = pgAdapterFactory({ pool: inSchema('migrate'), schema })
    await applyMigrations({ adapterFactory })
    const prisma = new PrismaClient({ adapter: pgAdapterFactory({ pool: inSchema('test'), schema }) })
    return {
      prisma,
      kind: 'postgres',
      adapterFactory,
      schema,
      reset: () => truncateAll(prisma),
      close: async () => {
        try {
          await prisma.$disconnect()
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        } finally {
          await admin.end()
        }
      },
    }
  } catch (error) {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await admin.end()
    throw error
  }
}
