// Opening the database for a CLI command: PostgreSQL when DATABASE_URL is set; otherwise the
// embedded PGlite, through the running app's socket when the app holds it (server/db/open.ts).
import { openDatabase, type Database } from '../db/open.ts'
import { parseEnv } from '../env.ts'

export async function openCliDatabase(): Promise<Database> {
  return openDatabase({ env: parseEnv(), role: 'cli' })
}

export async function withCliDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openCliDatabase()
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

export function describeDatabase(db: Database): string {
  if (db.via === 'socket') return 'embedded database, through the running Sargs server'
  return db.kind === 'postgres' ? 'PostgreSQL' : 'embedded database'
}
