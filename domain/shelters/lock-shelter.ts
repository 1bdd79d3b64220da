import type { Prisma } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'

/**
 * Reads a shelter inside a transaction and locks its row until the transaction ends: check-ins,
 * check-outs and status changes of one shelter take turns (occupancy and status stay consistent).
 */
export async function lockShelter(tx: Prisma.TransactionClient, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND', 'Shelter not found')
  await tx.$queryRaw`SELECT id FROM "Shelter" WHERE id = ${id} FOR UPDATE`
  const shelter = await tx.shelter.findUnique({ where: { id } })
  if (!shelter) throw new AppError('NOT_FOUND', 'Shelter not found')
  return shelter
}
