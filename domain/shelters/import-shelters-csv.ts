// CSV import of the registry (municipalities keep these lists in spreadsheets). All or nothing:
// every row is checked first (the same checks as the form, plus duplicate codes in the file and
// formulas), and one error anywhere means nothing is written; each error names its line (as the
// spreadsheet numbers it, header = 1), its column (as the file names it) and a message key.
// Rows are matched on `code`: an existing shelter is updated (status and occupancy untouched), a
// new one created in STANDBY. Hostile input: files over 1 MB or 2,000 rows are refused unread,
// cells that a spreadsheet would run as a formula (= @ + - tab CR, except a phone or number
// such as +371… or -1.5) are refused; our own export's neutralising apostrophe is taken off.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { territoryRoom } from '#domain/realtime/rooms.ts'
import { getRuntime, type RealtimePublisher } from '#domain/runtime.ts'
import { newQrToken } from './create-shelter.ts'
import { columnForHeader, csvColumns, type CsvColumn } from './csv-columns.ts'
import { parseCsv } from './parse-csv.ts'
import type { ShelterInput } from './schemas.ts'
import { settleFullStatus } from './settle-full-status.ts'
import { shelterErrors } from './shelter-errors.ts'
import { validateShelterInput } from './validate-shelter-input.ts'

export const importLimits = { maxBytes: 1_000_000, maxRows: 2000 } as const

export type ImportError = { line: number; column: string; field: string; message: string }
export type ImportResult = { ok: true; created: number; updated: number } | { ok: false; errors: ImportError[] }

const MAX_ERRORS = 100

/** The cell's text (without our export's neutralising apostrophe), or { formula } to refuse. */
export function readCell(value: string): string | { formula: true } {
  if (/^'[=+\-@\t\r]/.test(value)) return value.slice(1)
  if (/^[=@\t\r]/.test(value)) return { formula: true }
  // + and - start phone numbers and negative numbers: allowed when only digits and punctuation follow
  if (/^[+-]/.test(value) && !/^[+-]\s*[\d(][\d\s().,/-]*$/.test(value)) return { formula: true }
  return value
}

export async function importSheltersCsv(options: {
  prisma: PrismaClient
  actor: Actor
  territoryId: string
  /** the file as text (UTF-8) */
  text: string
  now?: Date
  realtime?: RealtimePublisher | null
}): Promise<ImportResult> {
  const { prisma, actor } = options
  authorize(actor, 'manage:shelter:any')
  const now = options.now ?? new Date()
  if (Buffer.byteLength(options.text, 'utf8') > importLimits.maxBytes) {
    return { ok: false, errors: [{ line: 0, column: '', field: 'file', message: shelterErrors.fileTooLarge }] }
  }
  const territory = await prisma.territory.findUnique({ where: { id: options.territoryId } })
  if (!territory) throw new AppError('NOT_FOUND', 'Territory not found')
  const boundary = asPolygonal(territory.boundary)

  const parsed = parseCsv(options.text)
  if (!parsed.ok) return { ok: false, errors: [{ line: parsed.line, column: '', field: 'file', message: shelterErrors.quote }] }
  const [header, ...rows] = parsed.records
  if (!header || rows.length === 0) return { ok: false, errors: [{ line: 1, column: '', field: 'file', message: shelterErrors.emptyFile }] }
  if (rows.length > importLimits.maxRows) return { ok: false, errors: [{ line: 0, column: '', field: 'file', message: shelterErrors.tooManyRows }] }

  const errors: ImportError[] = []
  const columns: (CsvColumn | 'ignore')[] = []
  header.cells.forEach((name) => {
    const column = columnForHeader(name)
    if (!column) errors.push({ line: header.line, column: name, field: '', message: shelterErrors.unknownColumn })
    columns.push(column ?? 'ignore')
  })
  for (const c of csvColumns) {
    if (c.required && !columns.includes(c)) errors.push({ line: header.line, column: c.lv, field: c.field, message: shelterErrors.missingColumn })
  }
  if (errors.length) return { ok: false, errors }

  const headerName = new Map<string, string>()
  columns.forEach((c, i) => {
    if (c !== 'ignore') headerName.set(c.field, header.cells[i])
  })
  const good: ShelterInput[] = []
  const seen = new Map<string, number>()
  for (const row of rows) {
    if (errors.length >= MAX_ERRORS) break
    const raw: Record<string, string> = {}
    const formulas = new Set<string>()
    row.cells.forEach((value, i) => {
      const column = columns[i]
      if (!column || column === 'ignore' || value === '') return
      const cell = readCell(value)
      if (typeof cell !== 'string') {
        errors.push({ line: row.line, column: header.cells[i], field: column.field, message: shelterErrors.formula })
        formulas.add(column.field)
        return
      }
      raw[column.field] = cell
    })
    const checked = validateShelterInput(raw, boundary)
    if (!checked.ok || formulas.size) {
      // the row's other problems too (a formula cell is reported once, as a formula)
      for (const [field, message] of Object.entries(checked.ok ? {} : checked.fields)) {
        if (!formulas.has(field)) errors.push({ line: row.line, column: headerName.get(field) ?? field, field, message })
      }
      continue
    }
    const first = seen.get(checked.input.code)
    if (first !== undefined) {
      errors.push({ line: row.line, column: headerName.get('code') ?? 'code', field: 'code', message: shelterErrors.duplicateCode })
      continue
    }
    seen.set(checked.input.code, row.line)
    good.push(checked.input)
  }
  if (errors.length) return { ok: false, errors }

  const result = await prisma.$transaction(async (tx) => {
    let created = 0
    let updated = 0
    // rows of shelters being updated are locked, in code order (no deadlock with another import)
    const codes = good.map((g) => g.code).sort()
    await tx.$queryRaw`SELECT id FROM "Shelter" WHERE "territoryId" = ${territory.id} AND code = ANY(${codes}) ORDER BY code FOR UPDATE`
    const existing = new Map((await tx.shelter.findMany({ where: { territoryId: territory.id, code: { in: codes } } })).map((s) => [s.code, s]))
    for (const input of good) {
      const before = existing.get(input.code)
      if (before) {
        const status = settleFullStatus({ ...before, ...input }, now)
        await tx.shelter.update({ where: { id: before.id }, data: { ...input, status, updatedAt: now } })
        updated += 1
      } else {
        await tx.shelter.create({ data: { ...input, territoryId: territory.id, qrToken: newQrToken(), createdAt: now, updatedAt: now } })
        created += 1
      }
    }
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'shelters.imported',
      entityType: 'Territory',
      entityId: territory.id,
      data: { created, updated, codes },
    })
    return { created, updated }
  })
  let publisher = options.realtime
  if (publisher === undefined) {
    try {
      publisher = getRuntime().realtime
    } catch {
      publisher = undefined
    }
  }
  await publisher?.publish(territoryRoom(territory.id), 'shelters.imported', result).catch((error: unknown) => console.error('realtime: shelters.imported', error))
  return { ok: true, ...result }
}
