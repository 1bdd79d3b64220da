import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { authorize } from './authorize.ts'
import { lockIncident } from './lock-incident.ts'
import { publishIncidentEvents } from './publish.ts'
import { serializeIncident, type IncidentRecord } from './serialize.ts'

/**
 * Reopens a closed incident (status ACTIVE, closedAt cleared): a flood can come back.
 * Needs the same permission as closing. CONFLICT when the incident is not closed.
 */
export async function reopenIncident(options: {
  prisma: PrismaClient
  actor: Actor
  id: string
  now?: Date
  realtime?: RealtimePublisher | null
}): Promise<IncidentRecord> {
  const { prisma, actor } = options
  authorize(actor, 'close:incident:any')
  const now = options.now ?? new Date()
  const incident = await prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, options.id)
    if (current.status !== 'CLOSED') throw new AppError('CONFLICT', `Incident ${current.reference} is not closed`, {
        fields: { form: 'incidents:errors.notClosed' },
      })
    const incident = await tx.incident.update({
      where: { id: current.id },
      data: { status: 'ACTIVE', closedAt: null, updatedAt: now },
    })
    await recordAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.label,
      action: 'incident.reopened',
      entityType: 'Incident',
      entityId: current.id,
      ip: actor.ip,
      data: { reference: current.reference, closedAt: current.closedAt?.toISOString() ?? null },
    })
    return incident
  })
  const record = serializeIncident(incident)
  await publishIncidentEvents(
    [{ type: 'incident.updated', payload: record, territoryId: record.territoryId, incidentId: record.id }],
    options.realtime,
  )
  return record
}
