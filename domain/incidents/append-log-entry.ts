// The one writer of IncidentLogEntry rows, inside the caller's transaction: the entry, the
// incident's "last update", and the audit row. addLogEntry uses it for entries typed by staff;
// other domains use it for entries that record their own actions in the same transaction as the
// action (an issue of reserves to an incident). The caller has locked the incident
// (lockIncident) and publishes `log-entry.created` after the commit (publishIncidentEvents).
import type { Prisma } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'

export type AppendLogEntryOptions = {
  actor: Actor
  incident: { id: string; reference: string }
  occurredAt: Date
  body: string
  significant: boolean
  correctsId?: string | null
  now: Date
}

export async function appendLogEntry(tx: Prisma.TransactionClient, options: AppendLogEntryOptions) {
  const { actor, incident, now } = options
  const entry = await tx.incidentLogEntry.create({
    data: {
      incidentId: incident.id,
      authorId: actor.id,
      occurredAt: options.occurredAt,
      body: options.body,
      significant: options.significant,
      correctsId: options.correctsId ?? null,
      createdAt: now,
    },
    include: { author: { select: { name: true } } },
  })
  // the incident's "last update" moves with its log
  await tx.incident.update({ where: { id: incident.id }, data: { updatedAt: now } })
  await recordAudit(tx, {
    actorId: actor.id,
    actorLabel: actor.label,
    action: 'log-entry.created',
    entityType: 'IncidentLogEntry',
    entityId: entry.id,
    ip: actor.ip,
    data: {
      incidentId: incident.id,
      reference: incident.reference,
      occurredAt: options.occurredAt.toISOString(),
      body: options.body,
      significant: options.significant,
      correctsId: options.correctsId ?? null,
    },
  })
  return entry
}
