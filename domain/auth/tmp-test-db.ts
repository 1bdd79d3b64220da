// TEMPORARY until tests/db.ts (createTestDatabase) lands: a fresh PGlite data directory with
// migrations applied, or — with TEST_DATABASE_URL set — a fresh database on that PostgreSQL
// server (created here, dropped on close), so every test file is isolated on both backends.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { openDatabase } from '#server/db/open.ts'

export async function createTestDatabase() {
  // eslint-disable-next-line no-restricted-properties -- test-only helper, like tests/**
  const serverUrl = process.env.TEST_DATABASE_URL
  if (serverUrl) {
    const name = `auth_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    const db = await openDatabase({ env: { dataDir: os.tmpdir(), databaseUrl: url.toString() }, role: 'test' })
    return {
      prisma: db.prisma,
      close: async () => {
        await db.close()
        const c = new pg.Client({ connectionString: serverUrl })
        await c.connect()
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await c.end()
      },
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-test-'))
  const db = await openDatabase({ env: { dataDir: dir, databaseUrl: undefined }, role: 'test' })
  return {
    prisma: db.prisma,
    close: async () => {
      await db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
