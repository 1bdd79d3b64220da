import type { PrismaClient, Prisma } from '#generated/prisma/client.ts'
import { serializeIncident, type IncidentRecord } from './serialize.ts'

export type IncidentListFilter = 'open' | 'closed' | 'all'

/**
 * Incidents of a territory, most recently updated first. `open`: ACTIVE and MONITORING;
 * `closedSince` adds incidents closed after that instant (the map shows them faded).
 */
export async function listIncidents(options: {
  prisma: Pick<PrismaClient, 'incident'>
  territoryId: string
  filter?: IncidentListFilter
  closedSince?: Date
  take?: number
}): Promise<IncidentRecord[]> {
  const filter = options.filter ?? 'open'
  const where: Prisma.IncidentWhereInput = { territoryId: options.territoryId }
  if (filter === 'open') {
    where.OR = [
      { status: { in: ['ACTIVE', 'MONITORING'] } },
      ...(options.closedSince ? [{ status: 'CLOSED' as const, closedAt: { gte: options.closedSince } }] : []),
    ]
  } else if (filter === 'closed') {
    where.status = 'CLOSED'
  }
  const rows = await options.prisma.incident.findMany({
    where,
    orderBy: [{ updatedAt: 'desc' }, { reference: 'desc' }],
    take: options.take ?? 500,
  })
  return rows.map(serializeIncident)
}
