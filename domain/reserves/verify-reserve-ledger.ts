import type { PrismaClient } from '#generated/prisma/client.ts'

export type LedgerMismatch = { lotId: string; ledger: number; balance: number | null }

/**
 * Proves the balances are the ledger: for every lot, the sum of its movements equals its
 * StockBalance, and no balance is negative. Returns the lots that disagree (none when sound).
 */
export async function verifyReserveLedger(options: { prisma: PrismaClient }): Promise<{ lots: number; mismatches: LedgerMismatch[] }> {
  const rows = await options.prisma.$queryRaw<{ lotId: string; ledger: bigint | number | null; balance: number | null }[]>`
    SELECT l."id" AS "lotId", m.total AS "ledger", b."quantity" AS "balance"
      FROM "StockLot" l
      LEFT JOIN (SELECT "lotId", SUM("quantity") AS total FROM "StockMovement" GROUP BY "lotId") m ON m."lotId" = l."id"
      LEFT JOIN "StockBalance" b ON b."lotId" = l."id"`
  const mismatches: LedgerMismatch[] = []
  for (const r of rows) {
    const ledger = Number(r.ledger ?? 0)
    const balance = r.balance === null ? null : Number(r.balance)
    if (balance === null ? ledger !== 0 : balance !== ledger || balance < 0) mismatches.push({ lotId: r.lotId, ledger, balance })
  }
  return { lots: rows.length, mismatches }
}
