// Logical, backend-independent backups (PGlite <-> PostgreSQL), gzip'd JSON lines:
//
//   {"format":"sargs-backup","version":1,"createdAt":...,"source":...,"migrations":[...],"tables":[...]}
//   {"table":"User","columns":[{"name":"id","type":"text"},...]}
//   ["<id>","<email>",...,null]          one line per row, every value in Postgres' text form
//   {"end":"User","rows":12}
//   ...                                   tables in foreign-key dependency order
//   {"end":true,"tables":13,"rows":4711}
//
// Values are exported as their PostgreSQL text representation (`col::text`) and restored with
// a cast to the column's exact type, so nothing passes through JavaScript types: BigInt beyond
// 2^53, JSON (including JSON null vs SQL NULL, key order of json), timestamps to the
// microsecond, enums, arrays all round-trip exactly. The snapshot is one REPEATABLE READ
// transaction on PostgreSQL (on PGlite, one transaction of the single backend).
// A restore goes into an empty, migrated database at the same migrations, in one transaction:
// any error (corrupt or truncated file, a row the schema rejects) leaves nothing behind.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import readline from 'node:readline'
import { finished } from 'node:stream/promises'
import zlib from 'node:zlib'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { DatabaseKind } from './open.ts'

export const BACKUP_FORMAT = 'sargs-backup'
export const BACKUP_VERSION = 1
const FETCH_SIZE = 1000
const INSERT_BATCH_ROWS = 500
const INSERT_BATCH_BYTES = 4 * 1024 * 1024
const TRANSACTION_TIMEOUT_MS = 24 * 3600_000
const MIGRATIONS_TABLE = '_prisma_migrations'

type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>

export type Column = { name: string; type: string }
export type BackupHeader = {
  format: typeof BACKUP_FORMAT
  version: number
  createdAt: string
  source: { kind: DatabaseKind; serverVersion: string }
  migrations: string[]
  tables: string[]
}
export type BackupSummary = { file: string; tables: number; rows: number; bytes: number; migrations: string[] }

export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BackupError'
  }
}

// ---------------------------------------------------------------------------------------------
// Catalogue

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`

/** Tables the database derives itself (a trigger fills them when their source rows are restored). */
const DERIVED_TABLES = ['SubscriptionPlace', 'SmsSubscriptionPlace', 'StockBalance']

async function tableNames(tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRawUnsafe<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = current_schema()
        AND c.relname <> '${MIGRATIONS_TABLE}' AND c.relname NOT IN (${DERIVED_TABLES.map((t) => `'${t}'`).join(', ')})
      ORDER BY c.relname`,
  )
  return rows.map((r) => r.name)
}

async function columnsOf(tx: Tx, table: string): Promise<Column[]> {
  return tx.$queryRawUnsafe<Column[]>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    table,
  )
}

async function primaryKeyOf(tx: Tx, table: string): Promise<string[]> {
  const rows = await tx.$queryRawUnsafe<{ name: string }[]>(
    `SELECT a.attname AS name
       FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
        AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    table,
  )
  return rows.map((r) => r.name)
}

/** Tables ordered so that every table comes after the tables its foreign keys reference. */
async function dependencyOrder(tx: Tx, tables: string[]): Promise<string[]> {
  const edges = await tx.$queryRawUnsafe<{ child: string; parent: string }[]>(
    `SELECT c.relname AS child, p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.oid <> p.oid`,
  )
  const parents = new Map(tables.map((t) => [t, new Set<string>()]))
  for (const e of edges) parents.get(e.child)?.add(e.parent)
  const ordered: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (table: string, trail: string[]) => {
    if (state.get(table) === 'done') return
    if (state.get(table) === 'visiting') {
      throw new BackupError(`foreign keys form a cycle: ${[...trail, table].join(' -> ')}`)
    }
    state.set(table, 'visiting')
    for (const parent of [...(parents.get(table) ?? [])].sort()) {
      if (parents.has(parent)) visit(parent, [...trail, table])
    }
    state.set(table, 'done')
    ordered.push(table)
  }
  for (const table of tables) visit(table, [])
  return ordered
}

async function appliedMigrations(tx: Tx): Promise<string[]> {
  const exists = await tx.$queryRawUnsafe<{ ok: boolean }[]>(
    `SELECT to_regclass(quote_ident(current_schema()) || '.${MIGRATIONS_TABLE}') IS NOT NULL AS ok`,
  )
  if (!exists[0]?.ok) return []
  const rows = await tx.$queryRawUnsafe<{ name: string }[]>(
    `SELECT migration_name AS name FROM ${MIGRATIONS_TABLE}
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  )
  return rows.map((r) => r.name)
}

/** Fixed output formats for the text forms, whatever the server's defaults. */
async function setTextFormats(tx: Tx): Promise<void> {
  for (const setting of [
    `DateStyle TO 'ISO, YMD'`,
    `IntervalStyle TO 'postgres'`,
    `extra_float_digits TO 3`,
    `bytea_output TO 'hex'`,
  ]) {
    await tx.$executeRawUnsafe(`SET LOCAL ${setting}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Backup

export type BackupOptions = { kind: DatabaseKind; force?: boolean }

export async function backupDatabase(prisma: PrismaClient, file: string, options: BackupOptions): Promise<BackupSummary> {
  if (!options.force && fs.existsSync(file)) {
    throw new BackupError(`${file} exists; use --force to overwrite it`)
  }
  const partial = `${file}.partial-${randomUUID().slice(0, 8)}`
  const gzip = zlib.createGzip()
  const out = fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 })
  gzip.pipe(out)
  const write = async (line: string) => {
    if (!gzip.write(line + '\n')) await new Promise((resolve) => gzip.once('drain', resolve))
  }
  try {
    const summary = await prisma.$transaction(
      async (tx) => {
        if (options.kind === 'postgres') await tx.$executeRawUnsafe('SET TRANSACTION READ ONLY')
        await setTextFormats(tx)
        return writeSnapshot(tx, options.kind, write)
      },
      {
        isolationLevel: options.kind === 'postgres' ? 'RepeatableRead' : undefined,
        maxWait: 30_000,
        timeout: TRANSACTION_TIMEOUT_MS,
      },
    )
    gzip.end()
    await finished(out)
    await place(partial, file, options.force ?? false)
    return { file, ...summary, bytes: (await fsp.stat(file)).size }
  } catch (error) {
    gzip.destroy()
    out.destroy()
    await fsp.rm(partial, { force: true })
    throw error
  }
}

async function writeSnapshot(
  tx: Tx,
  kind: DatabaseKind,
  write: (line: string) => Promise<void>,
): Promise<Omit<BackupSummary, 'file' | 'bytes'>> {
  const tables = await dependencyOrder(tx, await tableNames(tx))
  const migrations = await appliedMigrations(tx)
  const [{ version }] = await tx.$queryRawUnsafe<{ version: string }[]>(
    `SELECT current_setting('server_version') AS version`,
  )
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    source: { kind, serverVersion: version },
    migrations,
    tables,
  }
  await write(JSON.stringify(header))
  let rows = 0
  for (const table of tables) rows += await writeTable(tx, table, write)
  await write(JSON.stringify({ end: true, tables: tables.length, rows }))
  return { tables: tables.length, rows, migrations }
}

async function writeTable(tx: Tx, table: string, write: (line: string) => Promise<void>): Promise<number> {
  const columns = await columnsOf(tx, table)
  const key = await primaryKeyOf(tx, table)
  await write(JSON.stringify({ table, columns }))
  const values = columns.map((c) => `${quote(c.name)}::text`).join(', ')
  const order = key.length ? ` ORDER BY ${key.map(quote).join(', ')}` : ''
  await tx.$executeRawUnsafe(
    `DECLARE sargs_backup NO SCROLL CURSOR FOR
       SELECT to_json(ARRAY[${values}]::text[])::text AS r FROM ONLY ${quote(table)}${order}`,
  )
  let count = 0
  for (;;) {
    const batch = await tx.$queryRawUnsafe<{ r: string }[]>(`FETCH ${FETCH_SIZE} FROM sargs_backup`)
    for (const row of batch) await write(row.r)
    count += batch.length
    if (batch.length < FETCH_SIZE) break
  }
  await tx.$executeRawUnsafe(`CLOSE sargs_backup`)
  await write(JSON.stringify({ end: table, rows: count }))
  return count
}

/** Move the finished file into place; without force, never over an existing file. */
async function place(partial: string, file: string, force: boolean): Promise<void> {
  if (force) {
    await fsp.rename(partial, file)
    return
  }
  try {
    await fsp.link(partial, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupError(`${file} exists; use --force to overwrite it`)
    }
    throw error
  } finally {
    await fsp.rm(partial, { force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Restore

export type RestoreSummary = { file: string; tables: number; rows: number; migrations: string[] }

type Section = { table: string; columns: Column[] }

/** Lines of a backup file; gzip and read errors surface as BackupError. */
async function* backupLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file)
  const gunzip = zlib.createGunzip()
  input.on('error', (error) => gunzip.destroy(error))
  const lines = readline.createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity })
  const unreadable = (error: unknown) =>
    new BackupError(
      `${file}: cannot read it (corrupt or truncated?): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  try {
    for await (const line of lines) yield line
  } catch (error) {
    throw error instanceof BackupError ? error : unreadable(error)
  } finally {
    lines.close()
    input.destroy()
  }
}

function parseHeader(line: string | undefined, file: string): BackupHeader {
  let header: Partial<BackupHeader> | undefined
  try {
    header = line === undefined ? undefined : (JSON.parse(line) as Partial<BackupHeader>)
  } catch {
    header = undefined
  }
  if (!header || header.format !== BACKUP_FORMAT) {
    throw new BackupError(`${file} is not a Sargs backup (no "${BACKUP_FORMAT}" header)`)
  }
  if (header.version !== BACKUP_VERSION) {
    throw new BackupError(`${file} is a Sargs backup of format version ${header.version}; this version reads ${BACKUP_VERSION}`)
  }
  if (!Array.isArray(header.migrations) || !Array.isArray(header.tables)) {
    throw new BackupError(`${file}: malformed header`)
  }
  return header as BackupHeader
}

/** Read and validate just the header (quick check before a restore). */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`)
  const lines = backupLines(file)
  try {
    const first = await lines.next()
    return parseHeader(first.done ? undefined : first.value, file)
  } finally {
    await lines.return(undefined)
  }
}

export async function restoreDatabase(prisma: PrismaClient, file: string): Promise<RestoreSummary> {
  await readBackupHeader(file)
  return prisma.$transaction(
    async (tx) => {
      await setTextFormats(tx)
      const lines = backupLines(file)
      try {
        const first = await lines.next()
        const header = parseHeader(first.done ? undefined : first.value, file)
        await checkTarget(tx, header)
        return await restoreSections(tx, header, lines, file)
      } finally {
        await lines.return(undefined)
      }
    },
    { maxWait: 30_000, timeout: TRANSACTION_TIMEOUT_MS },
  )
}

async function checkTarget(tx: Tx, header: BackupHeader): Promise<void> {
  const migrations = await appliedMigrations(tx)
  if (migrations.length === 0) {
    throw new BackupError('the database has no migrations applied: run `sargs migrate` first')
  }
  if (migrations.join('\n') !== header.migrations.join('\n')) {
    throw new BackupError(
      `the backup was made at migration ${header.migrations.at(-1) ?? '(none)'} ` +
        `(${header.migrations.length} migrations); this database is at ${migrations.at(-1)} ` +
        `(${migrations.length}). Restore with the Sargs version that made the backup, then upgrade.`,
    )
  }
  const tables = await tableNames(tx)
  for (const table of tables) {
    const [{ any }] = await tx.$queryRawUnsafe<{ any: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM ${quote(table)}) AS any`,
    )
    if (any) {
      throw new BackupError(
        `the database is not empty (table "${table}" has rows): restore goes into an empty, migrated database only`,
      )
    }
  }
  const missing = header.tables.filter((t) => !tables.includes(t))
  if (missing.length) throw new BackupError(`tables missing from this database: ${missing.join(', ')}`)
}

async function restoreSections(
  tx: Tx,
  header: BackupHeader,
  lines: AsyncGenerator<string>,
  file: string,
): Promise<RestoreSummary> {
  let section: Section | null = null
  let batch: string[] = []
  let batchBytes = 0
  let sectionRows = 0
  let total = 0
  const restored: string[] = []
  const flush = async () => {
    if (section && batch.length) await insertBatch(tx, section, batch)
    batch = []
    batchBytes = 0
  }
  for await (const line of lines) {
    if (line.startsWith('[')) {
      if (!section) throw new BackupError(`${file}: row outside a table section`)
      batch.push(line)
      batchBytes += line.length
      sectionRows++
      if (batch.length >= INSERT_BATCH_ROWS || batchBytes >= INSERT_BATCH_BYTES) await flush()
      continue
    }
    const control = parseControl(line, file)
    if ('table' in control) {
      if (section) throw new BackupError(`${file}: table ${section.table} is not terminated`)
      section = await openSection(tx, control, header)
      sectionRows = 0
    } else if (control.end === true) {
      if (section) throw new BackupError(`${file}: table ${section.table} is not terminated`)
      if (control.rows !== total || restored.length !== header.tables.length) {
        throw new BackupError(`${file}: the backup is incomplete (counts do not match its trailer)`)
      }
      await resetSequences(tx, restored)
      return { file, tables: restored.length, rows: total, migrations: header.migrations }
    } else {
      if (!section || control.end !== section.table || control.rows !== sectionRows) {
        throw new BackupError(`${file}: table ${String(control.end)} ends with a wrong row count`)
      }
      await flush()
      restored.push(section.table)
      total += sectionRows
      section = null
    }
  }
  throw new BackupError(`${file} is truncated (no end marker)`)
}

type Control = Section | { end: string | true; rows: number }

function parseControl(line: string, file: string): Control {
  try {
    const value = JSON.parse(line) as Control
    if (value && typeof value === 'object' && ('table' in value || 'end' in value)) return value
  } catch {
    /* reported below */
  }
  throw new BackupError(`${file}: corrupt line: ${line.slice(0, 80)}`)
}

async function openSection(tx: Tx, section: Section, header: BackupHeader): Promise<Section> {
  if (!header.tables.includes(section.table)) {
    throw new BackupError(`table ${section.table} is not listed in the backup's header`)
  }
  const here = new Map((await columnsOf(tx, section.table)).map((c) => [c.name, c.type]))
  for (const column of section.columns) {
    if (here.get(column.name) !== column.type) {
      throw new BackupError(
        `column ${section.table}.${column.name} is ${column.type} in the backup but ` +
          `${here.get(column.name) ?? 'missing'} in this database`,
      )
    }
  }
  return section
}

async function insertBatch(tx: Tx, section: Section, rows: string[]): Promise<void> {
  const names = section.columns.map((c) => quote(c.name)).join(', ')
  const values = section.columns.map((c, i) => `(r->>${i})::${c.type}`).join(', ')
  await tx.$executeRawUnsafe(
    `INSERT INTO ${quote(section.table)} (${names}) OVERRIDING SYSTEM VALUE
     SELECT ${values} FROM json_array_elements($1::json) AS e(r)`,
    `[${rows.join(',')}]`,
  )
}

/** Serial and identity sequences continue after the restored rows. */
async function resetSequences(tx: Tx, tables: string[]): Promise<void> {
  for (const table of tables) {
    const sequences = await tx.$queryRawUnsafe<{ column: string; sequence: string }[]>(
      `SELECT a.attname AS column, s AS sequence
         FROM pg_attribute a,
              LATERAL pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident($1), a.attname) s
        WHERE a.attrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
          AND a.attnum > 0 AND NOT a.attisdropped AND s IS NOT NULL`,
      table,
    )
    for (const { column, sequence } of sequences) {
      await tx.$executeRawUnsafe(
        `SELECT setval($1::regclass, COALESCE(MAX(${quote(column)}), 1), MAX(${quote(column)}) IS NOT NULL)
           FROM ${quote(table)}`,
        sequence,
      )
    }
  }
}
