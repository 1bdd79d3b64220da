import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { serializeWarehouse, type WarehouseRecord } from './serialize.ts'

/** Warehouses by name (active first), optionally of one territory. */
export async function listWarehouses(options: { prisma: PrismaClient; actor: Actor; territoryId?: string; activeOnly?: boolean }): Promise<WarehouseRecord[]> {
  authorize(options.actor, 'read:reserves:any')
  const rows = await options.prisma.warehouse.findMany({
    where: { territoryId: options.territoryId, active: options.activeOnly ? true : undefined },
    orderBy: [{ active: 'desc' }, { name: 'asc' }],
  })
  return rows.map(serializeWarehouse)
}
