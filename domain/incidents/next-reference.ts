// Human references for incidents: <territory code>-<year>-<number>, e.g. JLG-2026-0001, counted
// per territory and calendar year (in the municipality's time zone). Race-safe: a transaction-
// scoped advisory lock per prefix serialises the writers, and the unique constraint on
// Incident.reference backs it (createIncident retries on a collision).
import type { Prisma } from '#generated/prisma/client.ts'
import { municipalityTimeZone } from './datetime.ts'

const REFERENCE_LOCK_CLASS = 727_002

export function referenceYear(at: Date, timeZone: string = municipalityTimeZone): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric' }).format(at))
}

export function formatReference(code: string, year: number, n: number): string {
  return `${code}-${year}-${String(n).padStart(4, '0')}`
}

export async function nextReference(
  tx: Prisma.TransactionClient,
  options: { code: string; at: Date },
): Promise<string> {
  const year = referenceYear(options.at)
  const prefix = `${options.code}-${year}-`
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REFERENCE_LOCK_CLASS}::int4, hashtext(${prefix}))`
  const rows = await tx.$queryRaw<{ max: number | null }[]>`
    SELECT max(split_part(reference, '-', 3)::int) AS max
    FROM "Incident"
    WHERE reference LIKE ${prefix + '%'} AND split_part(reference, '-', 3) ~ '^[0-9]{1,9}$'`
  return formatReference(options.code, year, Number(rows[0]?.max ?? 0) + 1)
}

export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { code?: string; meta?: { target?: unknown }; message?: string }
  if (e.code !== 'P2002') return false
  if (!field) return true
  const target = e.meta?.target
  if (Array.isArray(target)) return target.includes(field)
  if (typeof target === 'string') return target.includes(field)
  return (e.message ?? '').includes(field)
}
