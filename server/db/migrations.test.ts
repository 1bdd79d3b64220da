import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabase, describeEachBackend, type TestDatabase } from '../../tests/db.ts'
import {
  applyMigrations,
  createMigration,
  LOCKFILE_NAME,
  MIGRATIONS_DIR,
  readMigrations,
  SCHEMA_PATH,
} from './migrations.ts'

type MigrationRow = {
  id: string
  checksum: string
  finished_at: Date | null
  migration_name: string
  logs: string | null
  rolled_back_at: Date | null
  started_at: Date
  applied_steps_count: number
}

const tempDirs: string[] = []
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })))
})

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sargs-migrations-'))
  tempDirs.push(dir)
  return dir
}

/** A copy of prisma/migrations plus extra folders. */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await tempDir()
  await fs.cp(MIGRATIONS_DIR, dir, { recursive: true })
  for (const [name, sql] of Object.entries(extra)) {
    await fs.mkdir(path.join(dir, name))
    await fs.writeFile(path.join(dir, name, 'migration.sql'), sql)
  }
  return dir
}

async function migrationRows(db: TestDatabase): Promise<MigrationRow[]> {
  return db.prisma.$queryRawUnsafe<MigrationRow[]>(
    'SELECT * FROM _prisma_migrations ORDER BY migration_name, started_at',
  )
}

describeEachBackend('migrations', (backend) => {
  it('are applied, recorded as the stock CLI records them, and idempotent', async () => {
    const db = await createTestDatabase({ backend })
    try {
      const folders = await readMigrations()
      expect(folders.length).toBeGreaterThan(0)
      const rows = await migrationRows(db)
      expect(rows.map((r) => r.migration_name)).toEqual(folders.map((f) => f.name))
      for (const [i, row] of rows.entries()) {
        const sql = await fs.readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'))
        expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'))
        expect(row.checksum).toBe(folders[i].checksum)
        expect(row.finished_at).toBeInstanceOf(Date)
        expect(row.rolled_back_at).toBeNull()
        expect(row.logs).toBeNull()
        expect(row.applied_steps_count).toBe(1)
        expect(row.id).toMatch(/^[0-9a-f-]{36}$/)
      }
      expect(await applyMigrations({ adapterFactory: db.adapterFactory })).toEqual([])
      expect(await applyMigrations({ adapterFactory: db.adapterFactory })).toEqual([])
      expect(await migrationRows(db)).toHaveLength(rows.length)
      // the schema is usable through Prisma
      await db.prisma.setting.create({ data: { key: 'k', value: { a: 1 } } })
      expect(await db.prisma.setting.count()).toBe(1)
    } finally {
      await db.close()
    }
  })

  it('applies a new migration folder, including ";" inside strings and function bodies', async () => {
    const db = await createTestDatabase({ backend })
    try {
      const dir = await migrationsWith({
        '29990101000000_trigger': `
CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL DEFAULT 'a;b');
CREATE FUNCTION note_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.body = '' THEN RAISE EXCEPTION 'empty; refused'; END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER note_guard BEFORE INSERT ON "Note" FOR EACH ROW EXECUTE FUNCTION note_guard();
`,
      })
      expect(await applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir: dir })).toEqual([
        '29990101000000_trigger',
      ])
      await db.prisma.$executeRawUnsafe(`INSERT INTO "Note" DEFAULT VALUES`)
      const [note] = await db.prisma.$queryRawUnsafe<{ body: string }[]>(`SELECT body FROM "Note"`)
      expect(note.body).toBe('a;b')
      await expect(db.prisma.$executeRawUnsafe(`INSERT INTO "Note" (body) VALUES ('')`)).rejects.toThrow(
        /empty; refused/,
      )
      expect(await applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir: dir })).toEqual([])
    } finally {
      await db.close()
    }
  })

  it('a failing migration is recorded as failed, applies nothing, and blocks later runs', async () => {
    const db = await createTestDatabase({ backend })
    try {
      const dir = await migrationsWith({
        '29990101000000_broken': `CREATE TABLE "Half" ("id" INT);\nSELECT 1/0;\n`,
      })
      await expect(applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir: dir })).rejects.toThrow(
        /division by zero/,
      )
      const broken = (await migrationRows(db)).find((r) => r.migration_name === '29990101000000_broken')
      expect(broken?.finished_at).toBeNull()
      expect(broken?.logs).toMatch(/division by zero/)
      const [{ half }] = await db.prisma.$queryRawUnsafe<{ half: string | null }[]>(
        `SELECT to_regclass('"Half"')::text AS half`,
      )
      expect(half).toBeNull()
      await expect(applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir: dir })).rejects.toThrow(
        /failed migrations/,
      )
    } finally {
      await db.close()
    }
  })
})

describe('createMigration', () => {
  it('says "no changes" when prisma/schema.prisma matches the migrations', async () => {
    const lines: string[] = []
    const dir = await tempDir()
    await fs.cp(MIGRATIONS_DIR, dir, { recursive: true })
    const created = await createMigration('nothing', { migrationsDir: dir, log: (l) => lines.push(l) })
    expect(created).toBeNull()
    expect(lines).toEqual(['no changes'])
    expect((await fs.readdir(dir)).sort()).toEqual((await fs.readdir(MIGRATIONS_DIR)).sort())
  })

  it('writes <timestamp>_<name>/migration.sql for a changed schema, and the lockfile', async () => {
    const dir = await tempDir()
    await fs.cp(MIGRATIONS_DIR, dir, { recursive: true })
    await fs.rm(path.join(dir, LOCKFILE_NAME))
    const schemaPath = path.join(dir, 'schema.prisma')
    const schema = await fs.readFile(SCHEMA_PATH, 'utf8')
    await fs.writeFile(schemaPath, `${schema}\nmodel Extra {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n`)
    const created = await createMigration('Add extra!', {
      migrationsDir: dir,
      schemaPath,
      now: new Date(Date.UTC(2999, 0, 2, 3, 4, 5)),
      log: () => {},
    })
    expect(created?.name).toBe('29990102030405_add_extra')
    const sql = await fs.readFile(path.join(dir, '29990102030405_add_extra', 'migration.sql'), 'utf8')
    expect(sql).toContain('CREATE TABLE "Extra"')
    expect(sql).not.toContain('CREATE TABLE "User"')
    expect(await fs.readFile(path.join(dir, LOCKFILE_NAME), 'utf8')).toContain('provider = "postgresql"')
    // and the new folder applies on top of the others
    const db = await createTestDatabase()
    try {
      expect(await applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir: dir })).toEqual([
        '29990102030405_add_extra',
      ])
    } finally {
      await db.close()
    }
    // the migrations folder is now up to date with the schema
    expect(await createMigration('again', { migrationsDir: dir, schemaPath, log: () => {} })).toBeNull()
  })
})
