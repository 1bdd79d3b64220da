// TEMPORARY until tests/db.ts (createTestDatabase) lands: a fresh PGlite data directory with
// migrations applied, or the PostgreSQL of TEST_DATABASE_URL.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase } from '#server/db/open.ts'

export async function createTestDatabase() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incidents-test-'))
  const db = await openDatabase({ env: { dataDir: dir, databaseUrl: undefined }, role: 'test' })
  return {
    prisma: db.prisma,
    close: async () => {
      await db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
