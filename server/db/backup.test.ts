import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Prisma, type PrismaClient } from '#generated/prisma/client.ts'
import {
  createTestDatabase,
  describeEachBackend,
  type TestBackend,
  testBackends,
  type TestDatabase,
} from '../../tests/db.ts'
import { backupDatabase, readBackupHeader, restoreDatabase } from './backup.ts'

const MAX_BIGINT = 9223372036854775807n

let dir = ''
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sargs-backup-'))
})
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

let counter = 0
const fileName = (label: string) => path.join(dir, `${label}-${++counter}.jsonl.gz`)

/** Every awkward value the schema can hold. */
async function seed(prisma: PrismaClient): Promise<void> {
  const territory = await prisma.territory.create({
    data: {
      slug: 'jelgava',
      name: 'Jelgava — "pilsēta"\nline two',
      boundary: { type: 'Polygon', coordinates: [[[23.7, 56.6], [23.8, 56.6], [23.8, 56.7], [23.7, 56.6]]] },
      namedAreas: { create: [{ name: 'Centrs', geometry: { type: 'Point', coordinates: [23.72, 56.65] } }] },
    },
  })
  const user = await prisma.user.create({
    data: {
      email: 'a@example.lv',
      name: 'Anna \\ Bērziņa \u0000'.replace('\u0000', 'ø'),
      role: 'ADMINISTRATOR',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$abc$def',
      totpLastStep: MAX_BIGINT,
      totpEnrolledAt: new Date('2026-03-04T05:06:07.891Z'),
      sessions: {
        create: {
          id: 'sha256-of-token',
          idleExpiresAt: new Date('2026-03-04T06:00:00.001Z'),
          expiresAt: new Date('1999-12-31T23:59:59.999Z'),
        },
      },
    },
  })
  const incident = await prisma.incident.create({
    data: {
      reference: 'JLG-2026-0001',
      territoryId: territory.id,
      title: 'Plūdi',
      type: 'FLOOD',
      severity: 'SEVERE',
      area: Prisma.JsonNull,
      areaCircle: Prisma.DbNull,
      createdById: user.id,
      closedAt: new Date('2026-01-01T00:00:00.000Z'),
    },
  })
  await prisma.incident.create({
    data: {
      reference: 'JLG-2026-0002',
      territoryId: territory.id,
      title: 'Vētra',
      type: 'STORM',
      severity: 'MINOR',
      area: { nested: { array: [1, 2.5, -3e-7, null, true, 'x'], big: 2 ** 60, empty: {} } },
      areaCircle: { center: [23.7, 56.6], radiusM: 500 },
    },
  })
  await prisma.incidentLogEntry.create({
    data: { incidentId: incident.id, authorId: user.id, occurredAt: new Date('2026-02-03T04:05:06.007Z'), body: 'a;b\tc' },
  })
  await prisma.task.create({ data: { incidentId: incident.id, title: 'Sandbags', assigneeId: user.id, status: 'IN_PROGRESS' } })
  for (let i = 0; i < 1200; i++) {
    await prisma.realtimeEvent.create({ data: { room: `incident:${i % 3}`, type: 'tick', payload: { i } } })
  }
  await prisma.auditLog.create({
    data: { seq: MAX_BIGINT, actorLabel: 'system', action: 'setup', data: { ok: true }, prevHash: '', hash: 'h1' },
  })
  await prisma.setting.create({ data: { key: 'json-null', value: Prisma.JsonNull } })
  await prisma.setting.create({ data: { key: 'string', value: 'a "quoted"\nstring' } })
  // a JSON number no JavaScript number holds exactly
  await prisma.$executeRawUnsafe(
    `UPDATE "Setting" SET value = '{"exact": 123456789012345678901234567890.123456789}' WHERE key = 'string'`,
  )
  await prisma.rateLimitBucket.create({ data: { key: 'ip:1', windowStart: new Date(), count: 2147483647 } })
}

/** Every row of every table in Postgres' text form, ordered: equal dumps = identical data. */
async function dump(prisma: PrismaClient): Promise<Record<string, string[]>> {
  const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname <> '_prisma_migrations' ORDER BY 1`,
  )
  const result: Record<string, string[]> = {}
  for (const { name } of tables) {
    const rows = await prisma.$queryRawUnsafe<{ r: string }[]>(`SELECT t::text AS r FROM "${name}" t ORDER BY 1`)
    result[name] = rows.map((row) => row.r)
  }
  return result
}

async function rewrite(source: string, edit: (lines: string[]) => string[]): Promise<string> {
  const lines = zlib.gunzipSync(await fs.readFile(source)).toString('utf8').trimEnd().split('\n')
  const target = fileName('edited')
  await fs.writeFile(target, zlib.gzipSync(edit(lines).join('\n') + '\n'))
  return target
}

describeEachBackend('backup and restore', (backend) => {
  let source: TestDatabase
  let file = ''
  let tables = 0

  beforeAll(async () => {
    source = await createTestDatabase({ backend })
    await seed(source.prisma)
    file = fileName('good')
    const summary = await backupDatabase(source.prisma, file, { kind: source.kind })
    // every table but the derived ones (their rows are rebuilt on restore); the count grows with the schema
    expect(summary.rows).toBe(1212)
    expect(summary.tables).toBeGreaterThanOrEqual(16)
    tables = summary.tables
  })
  afterAll(async () => {
    await source?.close()
  })

  const restoreTargets: TestBackend[] = backend === 'pglite' ? testBackends() : ['postgres', 'pglite']
  for (const targetBackend of restoreTargets) {
    it(`round-trips every row exactly into a fresh ${targetBackend} database`, async () => {
      const target = await createTestDatabase({ backend: targetBackend })
      try {
        const summary = await restoreDatabase(target.prisma, file)
        expect(summary).toMatchObject({ tables, rows: 1212 })
        expect(await dump(target.prisma)).toEqual(await dump(source.prisma))
        const user = await target.prisma.user.findUniqueOrThrow({ where: { email: 'a@example.lv' } })
        expect(user.totpLastStep).toBe(MAX_BIGINT)
        expect(user.totpEnrolledAt).toEqual(new Date('2026-03-04T05:06:07.891Z'))
        const first = await target.prisma.incident.findUniqueOrThrow({ where: { reference: 'JLG-2026-0001' } })
        expect(first.area).toBeNull() // JSON null ...
        const [{ kind }] = await target.prisma.$queryRawUnsafe<{ kind: string | null }[]>(
          `SELECT jsonb_typeof(area) AS kind FROM "Incident" WHERE reference = 'JLG-2026-0001'`,
        )
        expect(kind).toBe('null') // ... stays JSON null, not SQL NULL
        const [{ circle }] = await target.prisma.$queryRawUnsafe<{ circle: boolean }[]>(
          `SELECT "areaCircle" IS NULL AS circle FROM "Incident" WHERE reference = 'JLG-2026-0001'`,
        )
        expect(circle).toBe(true)
        // sequences continue after the restored rows
        const next = await target.prisma.realtimeEvent.create({ data: { room: 'r', type: 't', payload: {} } })
        const max = await source.prisma.realtimeEvent.aggregate({ _max: { id: true } })
        expect(next.id).toBe((max._max.id ?? 0n) + 1n)
      } finally {
        await target.close()
      }
    })
  }

  it('writes a header a restore checks, and refuses to overwrite a file without force', async () => {
    const header = await readBackupHeader(file)
    expect(header).toMatchObject({ format: 'sargs-backup', version: 1, source: { kind: backend } })
    expect(header.tables.indexOf('Territory')).toBeLessThan(header.tables.indexOf('Incident'))
    expect(header.tables.indexOf('User')).toBeLessThan(header.tables.indexOf('Session'))
    const before = await fs.readFile(file)
    await expect(backupDatabase(source.prisma, file, { kind: source.kind })).rejects.toThrow(/exists; use --force/)
    expect(await fs.readFile(file)).toEqual(before)
    await backupDatabase(source.prisma, file, { kind: source.kind, force: true })
    expect((await fs.readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([])
  })

  it('refuses a non-empty database and leaves it unchanged', async () => {
    const target = await createTestDatabase({ backend })
    try {
      await target.prisma.setting.create({ data: { key: 'already', value: 1 } })
      const before = await dump(target.prisma)
      await expect(restoreDatabase(target.prisma, file)).rejects.toThrow(/not empty \(table "Setting" has rows\)/)
      expect(await dump(target.prisma)).toEqual(before)
    } finally {
      await target.close()
    }
  })

  it('refuses corrupt, truncated, foreign and mismatched files, writing nothing', async () => {
    const target = await createTestDatabase({ backend })
    try {
      const empty = await dump(target.prisma)
      const bytes = await fs.readFile(file)
      const truncatedGzip = fileName('truncated-gzip')
      await fs.writeFile(truncatedGzip, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
      const garbage = fileName('garbage')
      await fs.writeFile(garbage, Buffer.from('this is not a backup at all\n'))
      const foreign = fileName('foreign')
      await fs.writeFile(foreign, zlib.gzipSync('{"some":"other json lines"}\n[1,2,3]\n'))
      const cases: [string, RegExp][] = [
        [truncatedGzip, /cannot read|truncated/],
        [garbage, /cannot read|not a Sargs backup/],
        [foreign, /not a Sargs backup/],
        [await rewrite(file, (l) => l.slice(0, -1)), /truncated \(no end marker\)/],
        [await rewrite(file, (l) => l.filter((x) => !x.startsWith('{"end":"RealtimeEvent"'))), /not terminated/],
        [await rewrite(file, (l) => l.filter((_, i) => i !== l.length - 3)), /wrong row count/],
        [
          await rewrite(file, (l) => {
            // a bad value in the last row of the last table
            const last = l.findLastIndex((x) => x.startsWith('['))
            l[last] = l[last].replace(/"\d{4}-\d\d-\d\d [^"]*"/, '"not a date"')
            return l
          }),
          /not a date|invalid input syntax/,
        ],
        [await rewrite(file, (l) => [l[0].replace('"version":1', '"version":99'), ...l.slice(1)]), /format version 99/],
        [
          await rewrite(file, (l) => [l[0].replace('"migrations":["', '"migrations":["00000000000000_other","'), ...l.slice(1)]),
          /backup was made at migration/,
        ],
        [path.join(dir, 'missing.gz'), /does not exist/],
      ]
      for (const [bad, message] of cases) {
        await expect(restoreDatabase(target.prisma, bad), path.basename(bad)).rejects.toThrow(message)
        expect(await dump(target.prisma)).toEqual(empty)
      }
      // and the target is still usable for a good restore
      await restoreDatabase(target.prisma, file)
      expect(await dump(target.prisma)).toEqual(await dump(source.prisma))
    } finally {
      await target.close()
    }
  })
})
