import type { Prisma } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'

/**
 * Reads an incident inside a transaction and locks its row until the transaction ends, so a
 * concurrent close and edit cannot both pass the "not closed" check. NOT_FOUND if absent.
 */
export async function lockIncident(tx: Prisma.TransactionClient, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND', 'Incident not found')
  await tx.$queryRaw`SELECT id FROM "Incident" WHERE id = ${id} FOR UPDATE`
  const incident = await tx.incident.findUnique({ where: { id }, include: { territory: true } })
  if (!incident) throw new AppError('NOT_FOUND', 'Incident not found')
  return incident
}

export function assertOpen(incident: { status: string; reference: string }): void {
  if (incident.status === 'CLOSED') {
    throw new AppError('CONFLICT', `Incident ${incident.reference} is closed`, {
      fields: { form: 'incidents:errors.closed' },
    })
  }
}
