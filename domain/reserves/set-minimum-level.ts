import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { requireItem } from './require-item.ts'
import { requireWarehouse } from './require-warehouse.ts'
import { minimumLevelSchema } from './schemas.ts'

/** Sets the minimum stock of an item in a warehouse (0 removes the minimum). */
export async function setMinimumLevel(options: { prisma: PrismaClient; actor: Actor; input: unknown }) {
  const { prisma, actor } = options
  authorize(actor, 'manage:reserves:any')
  const input = parseReserveInput(minimumLevelSchema, options.input)
  return prisma.$transaction(async (tx) => {
    await requireWarehouse(tx, { id: input.warehouseId, field: 'warehouseId' })
    await requireItem(tx, { id: input.itemId, field: 'itemId' })
    const key = { warehouseId_itemId: { warehouseId: input.warehouseId, itemId: input.itemId } }
    const before = await tx.minimumLevel.findUnique({ where: key })
    if (input.quantity === 0) {
      if (before) await tx.minimumLevel.delete({ where: key })
    } else {
      await tx.minimumLevel.upsert({ where: key, create: input, update: { quantity: input.quantity } })
    }
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'reserves.minimum.set',
      entityType: 'MinimumLevel',
      entityId: `${input.warehouseId}:${input.itemId}`,
      data: { ...input, before: before?.quantity ?? 0 },
    })
    return { ...input }
  })
}
