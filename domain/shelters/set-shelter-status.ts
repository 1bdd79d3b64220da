// Opening and closing a shelter: one action. The status change, the entry in the log of the
// incident the shelter belongs to, and the audit rows are one transaction; the territory room
// hears `shelter.updated` (and the incident rooms `log-entry.created`) after the commit.
//
// Transitions (decision 012):
//   STANDBY → OPENING | OPEN            (needs an open incident: the one the shelter opens for)
//   OPENING → OPEN | CLOSED
//   OPEN, FULL → CLOSED                 (only with nobody inside: check everyone out first)
//   CLOSED → STANDBY | OPENING | OPEN   (back to readiness, or opened again for an incident)
// FULL is never chosen by hand: check-ins and check-outs set and clear it (settleFullStatus).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ShelterStatus } from '#generated/prisma/enums.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { appendLogEntry } from '#domain/incidents/append-log-entry.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { lockIncident } from '#domain/incidents/lock-incident.ts'
import { publishIncidentEvents } from '#domain/incidents/publish.ts'
import { serializeLogEntry } from '#domain/incidents/serialize.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { capacityAt } from './capacity.ts'
import { lockShelter } from './lock-shelter.ts'
import { publishShelter } from './publish-shelter.ts'
import { shelterErrors } from './shelter-errors.ts'
import { settleFullStatus } from './settle-full-status.ts'
import { parseShelterInput, statusChangeSchema } from './schemas.ts'
import { toShelterRecord, type ShelterRecord } from './serialize.ts'

const allowed: Record<ShelterStatus, ShelterStatus[]> = {
  STANDBY: ['OPENING', 'OPEN'],
  OPENING: ['OPEN', 'CLOSED'],
  OPEN: ['CLOSED'],
  FULL: ['CLOSED'],
  CLOSED: ['STANDBY', 'OPENING', 'OPEN'],
}

const logWords: Partial<Record<ShelterStatus, string>> = {
  OPENING: 'tiek atvērta',
  OPEN: 'atvērta',
  CLOSED: 'slēgta',
}

export type SetShelterStatusOptions = {
  prisma: PrismaClient
  actor: Actor
  shelterId: string
  /** { status: STANDBY | OPENING | OPEN | CLOSED, incidentId? (required to open from standby or closed), note? } */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

export async function setShelterStatus(options: SetShelterStatusOptions): Promise<ShelterRecord> {
  const { prisma, actor } = options
  authorize(actor, 'operate:shelter:any')
  const now = options.now ?? new Date()
  const input = parseShelterInput(statusChangeSchema, options.input)

  const { shelter, logEvent } = await prisma.$transaction(async (tx) => {
    const before = await lockShelter(tx, options.shelterId)
    if (!allowed[before.status].includes(input.status)) {
      throw new AppError('CONFLICT', `A shelter cannot go from ${before.status} to ${input.status}`, { fields: { status: shelterErrors.transition } })
    }
    if (input.status === 'CLOSED' && before.occupancy > 0) {
      throw new AppError('CONFLICT', `${before.occupancy} people are still inside`, { fields: { status: shelterErrors.closeOccupied } })
    }
    const opening = (input.status === 'OPENING' || input.status === 'OPEN') && before.status !== 'OPENING'
    let incidentId = before.incidentId
    if (opening || (input.status === 'OPEN' && input.incidentId)) {
      if (!input.incidentId && !(before.status === 'OPENING' && before.incidentId)) {
        throw new AppError('INVALID_INPUT', 'Which incident is the shelter opened for?', { fields: { incidentId: shelterErrors.incidentRequired } })
      }
      incidentId = input.incidentId ?? before.incidentId
    }
    const incident = incidentId ? await lockIncident(tx, incidentId) : null
    if (incident && incident.territoryId !== before.territoryId) throw new AppError('NOT_FOUND', 'Incident not found')
    if (incident && (input.status === 'OPENING' || input.status === 'OPEN') && incident.status === 'CLOSED') {
      throw new AppError('CONFLICT', `Incident ${incident.reference} is closed`, { fields: { incidentId: shelterErrors.incidentClosed } })
    }
    const nextIncidentId = input.status === 'STANDBY' ? null : incidentId
    const status = settleFullStatus({ ...before, status: input.status }, now)
    const shelter = await tx.shelter.update({
      where: { id: before.id },
      data: { status, statusChangedAt: now, incidentId: nextIncidentId, updatedAt: now },
    })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'shelter.status-changed',
      entityType: 'Shelter',
      entityId: shelter.id,
      data: { from: before.status, to: status, incidentId: nextIncidentId, note: input.note },
    })
    let logEvent = null
    const word = logWords[input.status]
    if (incident && word) {
      const places = capacityAt(shelter, now)
      const body =
        `Patvertne “${shelter.name}” (${shelter.code}, ${shelter.address}) ${word}.` +
        (input.status === 'CLOSED' ? '' : ` Vietas: ${places}.`) +
        (input.note ? ` ${input.note}` : '')
      const entry = await appendLogEntry(tx, { actor, incident, occurredAt: now, body, significant: true, now })
      logEvent = { entry, territoryId: incident.territoryId }
    }
    return { shelter, logEvent }
  })

  await publishShelter(shelter, now, options.realtime)
  if (logEvent) {
    const record = serializeLogEntry(logEvent.entry)
    await publishIncidentEvents(
      [{ type: 'log-entry.created', payload: record, territoryId: logEvent.territoryId, incidentId: record.incidentId }],
      options.realtime,
    )
  }
  return toShelterRecord(shelter, now)
}
