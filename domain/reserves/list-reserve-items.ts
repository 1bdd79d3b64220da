import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { serializeItem, type ItemRecord } from './serialize.ts'

/** The item catalogue by category and code. */
export async function listReserveItems(options: { prisma: PrismaClient; actor: Actor; activeOnly?: boolean }): Promise<ItemRecord[]> {
  authorize(options.actor, 'read:reserves:any')
  const rows = await options.prisma.reserveItem.findMany({
    where: { active: options.activeOnly ? true : undefined },
    orderBy: [{ category: 'asc' }, { code: 'asc' }],
  })
  return rows.map(serializeItem)
}
