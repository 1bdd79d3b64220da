import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { listStockLots, type LotBalance } from './list-stock-lots.ts'

/**
 * Lots with stock that have expired or expire within their item's warning days, soonest first
 * (the dashboard list and the rotation suggestion: issue or transfer these first, write off the
 * expired ones).
 */
export async function listExpiringLots(options: { prisma: PrismaClient; actor: Actor; warehouseId?: string; now?: Date }): Promise<LotBalance[]> {
  const lots = await listStockLots(options)
  return lots
    .filter((l) => l.expiry === 'expired' || l.expiry === 'expiring')
    .sort((a, b) => (a.expiresOn ?? '').localeCompare(b.expiresOn ?? '') || a.warehouseName.localeCompare(b.warehouseName))
}
