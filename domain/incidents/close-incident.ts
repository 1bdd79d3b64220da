import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { authorize } from './authorize.ts'
import { assertOpen, lockIncident } from './lock-incident.ts'
import { parseInput } from './parse-input.ts'
import { publishIncidentEvents, type IncidentEvent } from './publish.ts'
import { closeIncidentSchema } from './schemas.ts'
import { serializeIncident, serializeLogEntry, type IncidentRecord } from './serialize.ts'

export type CloseIncidentOptions = {
  prisma: PrismaClient
  actor: Actor
  id: string
  /** { note? }: an optional closing note, written to the log as a significant entry */
  input?: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

/**
 * Closes an incident: status CLOSED, closedAt now. A closed incident can no longer be edited and
 * gets no new tasks; its log stays open for late entries and corrections (the record of what
 * happened may still need them). reopenIncident undoes a close.
 */
export async function closeIncident(options: CloseIncidentOptions): Promise<IncidentRecord> {
  const { prisma, actor } = options
  authorize(actor, 'close:incident:any')
  const input = parseInput(closeIncidentSchema, options.input ?? {})
  const now = options.now ?? new Date()

  const { incident, note } = await prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, options.id)
    assertOpen(current)
    const incident = await tx.incident.update({
      where: { id: current.id },
      data: { status: 'CLOSED', closedAt: now, updatedAt: now },
    })
    await recordAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.label,
      action: 'incident.closed',
      entityType: 'Incident',
      entityId: current.id,
      ip: actor.ip,
      data: { reference: current.reference, from: current.status, note: input.note ?? null },
    })
    let note = null
    if (input.note) {
      note = await tx.incidentLogEntry.create({
        data: {
          incidentId: current.id,
          authorId: actor.id,
          occurredAt: now,
          body: input.note,
          significant: true,
          createdAt: now,
        },
        include: { author: { select: { name: true } } },
      })
      await recordAudit(tx, {
        actorId: actor.id,
        actorLabel: actor.label,
        action: 'log-entry.created',
        entityType: 'IncidentLogEntry',
        entityId: note.id,
        ip: actor.ip,
        data: { incidentId: current.id, occurredAt: now.toISOString(), body: input.note, significant: true },
      })
    }
    return { incident, note }
  })

  const record = serializeIncident(incident)
  const events: IncidentEvent[] = [
    { type: 'incident.closed', payload: record, territoryId: record.territoryId, incidentId: record.id },
  ]
  if (note) {
    events.push({
      type: 'log-entry.created',
      payload: serializeLogEntry(note),
      territoryId: record.territoryId,
      incidentId: record.id,
    })
  }
  await publishIncidentEvents(events, options.realtime)
  return record
}
