// Row locks on lot balances: every function that takes stock out (or counts it) locks the
// balances it reads until its transaction ends, so two issues of the last units are serialised —
// the second one reads the balance the first one left. Locks are taken in lot id order in one
// statement, so two operations over the same lots never deadlock. Rows a concurrent transaction
// emptied drop out (PostgreSQL re-checks `quantity > 0` on the newest version after the wait).
import { Prisma } from '#generated/prisma/client.ts'

export type LockedLot = {
  lotId: string
  warehouseId: string
  itemId: string
  quantity: number
  expiresOn: Date | null
  receivedAt: Date
}

type Row = Omit<LockedLot, 'quantity'> & { quantity: number | bigint }

export async function lockLots(
  tx: Prisma.TransactionClient,
  where: { pairs: { warehouseId: string; itemId: string }[] } | { lotIds: string[] },
): Promise<LockedLot[]> {
  let condition: Prisma.Sql
  if ('pairs' in where) {
    if (where.pairs.length === 0) return []
    const tuples = where.pairs.map((p) => Prisma.sql`(${p.warehouseId}, ${p.itemId})`)
    condition = Prisma.sql`(l."warehouseId", l."itemId") IN (${Prisma.join(tuples)}) AND b."quantity" > 0`
  } else {
    if (where.lotIds.length === 0) return []
    condition = Prisma.sql`b."lotId" IN (${Prisma.join(where.lotIds)})`
  }
  const rows = await tx.$queryRaw<Row[]>`
    SELECT l."id" AS "lotId", l."warehouseId", l."itemId", b."quantity", l."expiresOn", l."receivedAt"
      FROM "StockBalance" b JOIN "StockLot" l ON l."id" = b."lotId"
     WHERE ${condition}
     ORDER BY b."lotId"
       FOR UPDATE OF b`
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity) }))
}
