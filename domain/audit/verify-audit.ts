// Verify the audit log's hash chain and report the FIRST broken link:
// - "missing": a seq is absent (a row deleted in the middle, or the head truncated: seq 1 gone);
// - "prev-hash": a row's prevHash is not the previous row's hash (or the genesis hash for seq 1);
// - "hash": a row's hash does not match its own content (edited in place).
// Rows are read in seq order in batches, so a long log does not fill memory. A truncated TAIL
// (newest rows deleted) leaves a valid chain and cannot be seen from the table alone.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { GENESIS_HASH, hashAuditRow } from './record-audit.ts'

export type AuditBreak = 'missing' | 'prev-hash' | 'hash'

export type AuditVerification =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenAtSeq: bigint; reason: AuditBreak }

const BATCH = 1000

export async function verifyAuditChain(prisma: PrismaClient, options: { batchSize?: number } = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? BATCH
  let expectedSeq = 1n
  let prevHash = GENESIS_HASH
  let count = 0
  for (;;) {
    const rows = await prisma.auditLog.findMany({
      where: { seq: { gte: expectedSeq } },
      orderBy: { seq: 'asc' },
      take: batchSize,
    })
    for (const row of rows) {
      if (row.seq !== expectedSeq) return { ok: false, count, brokenAtSeq: expectedSeq, reason: 'missing' }
      if (row.prevHash !== prevHash) return { ok: false, count, brokenAtSeq: row.seq, reason: 'prev-hash' }
      if (hashAuditRow(row) !== row.hash) return { ok: false, count, brokenAtSeq: row.seq, reason: 'hash' }
      count++
      expectedSeq = row.seq + 1n
      prevHash = row.hash
    }
    if (rows.length < batchSize) break
  }
  return { ok: true, count }
}
