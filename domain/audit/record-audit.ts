// Append-only, hash-chained audit log. Every state change writes one row in the SAME transaction
// as the change: seq is the previous seq + 1 (so a missing row is a broken link) and
// hash = sha256(prevHash + "\n" + canonical(row)). A transaction-scoped advisory lock serialises
// writers so the chain never forks.
import crypto from 'node:crypto'
import type { Prisma } from '#generated/prisma/client.ts'

export const GENESIS_HASH = '0'.repeat(64)
const AUDIT_LOCK_KEY = 727_001 // pg_advisory_xact_lock key reserved for the audit chain

export type AuditInput = {
  actorId?: string | null
  /** human-readable, pseudonymous-safe label, e.g. "user:3f2a…" or "system" or "cli" */
  actorLabel: string
  action: string
  entityType?: string | null
  entityId?: string | null
  ip?: string | null
  data?: Record<string, unknown>
}

export type AuditRowForHash = {
  seq: bigint
  at: Date
  actorId: string | null
  actorLabel: string
  action: string
  entityType: string | null
  entityId: string | null
  ip: string | null
  data: unknown
  prevHash: string
}

/** JSON with object keys sorted at every level, so the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function hashAuditRow(row: AuditRowForHash): string {
  const body = canonicalJson([
    row.seq.toString(),
    row.at.toISOString(),
    row.actorId,
    row.actorLabel,
    row.action,
    row.entityType,
    row.entityId,
    row.ip,
    row.data,
  ])
  return crypto.createHash('sha256').update(`${row.prevHash}\n${body}`).digest('hex')
}

/** Append one audit row inside the caller's transaction. */
export async function recordAudit(tx: Prisma.TransactionClient, input: AuditInput) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`
  const last = await tx.auditLog.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } })
  const row: AuditRowForHash = {
    seq: (last?.seq ?? 0n) + 1n,
    // millisecond precision: what PostgreSQL's timestamp(3) stores is what we hash
    at: new Date(Math.floor(Date.now())),
    actorId: input.actorId ?? null,
    actorLabel: input.actorLabel,
    action: input.action,
    entityType: input.entityType ?? null,
    entityId: input.entityId ?? null,
    ip: input.ip ?? null,
    data: JSON.parse(canonicalJson(input.data ?? {})),
    prevHash: last?.hash ?? GENESIS_HASH,
  }
  const hash = hashAuditRow(row)
  return tx.auditLog.create({
    data: { ...row, data: row.data as Prisma.InputJsonValue, hash },
  })
}
