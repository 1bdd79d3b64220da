import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { reserveErrors } from './reserve-errors.ts'

/** The catalogue item, or INVALID_INPUT on `field`. */
export async function requireItem(db: Prisma.TransactionClient | PrismaClient, options: { id: string; field: string; active?: boolean }) {
  const item = await db.reserveItem.findUnique({ where: { id: options.id } })
  if (!item) throw new AppError('INVALID_INPUT', `No item ${options.id}`, { fields: { [options.field]: reserveErrors.itemNotFound } })
  if (options.active && !item.active) {
    throw new AppError('INVALID_INPUT', `Item ${item.code} is not active`, { fields: { [options.field]: reserveErrors.itemInactive } })
  }
  return item
}
