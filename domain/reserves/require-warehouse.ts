import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { reserveErrors } from './reserve-errors.ts'

/** The warehouse, or INVALID_INPUT on `field`; `active` also refuses a deactivated one. */
export async function requireWarehouse(
  db: Prisma.TransactionClient | PrismaClient,
  options: { id: string; field: string; active?: boolean },
) {
  const warehouse = await db.warehouse.findUnique({ where: { id: options.id } })
  if (!warehouse) {
    throw new AppError('INVALID_INPUT', `No warehouse ${options.id}`, { fields: { [options.field]: reserveErrors.warehouseNotFound } })
  }
  if (options.active && !warehouse.active) {
    throw new AppError('CONFLICT', `Warehouse ${warehouse.name} is not active`, { fields: { [options.field]: reserveErrors.warehouseInactive } })
  }
  return warehouse
}
