// The event log is append-only: this module is the only writer, and there is deliberately no
// update or delete function. A correction is a new entry whose correctsId points at the entry it
// corrects (which must belong to the same incident).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { appendLogEntry } from './append-log-entry.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { authorize } from './authorize.ts'
import { lockIncident } from './lock-incident.ts'
import { parseInput } from './parse-input.ts'
import { publishIncidentEvents } from './publish.ts'
import { logEntrySchema } from './schemas.ts'
import { serializeLogEntry, type LogEntryRecord } from './serialize.ts'

export const logEntryErrors = {
  correctsOtherIncident: 'incidents:errors.correctsOtherIncident',
} as const

export type AddLogEntryOptions = {
  prisma: PrismaClient
  actor: Actor
  incidentId: string
  /** { body, occurredAt?, significant?, correctsId? } */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

/** Appends an entry to an incident's log. Allowed on closed incidents too (late notes). */
export async function addLogEntry(options: AddLogEntryOptions): Promise<LogEntryRecord> {
  const { prisma, actor } = options
  authorize(actor, 'create:log-entry:any')
  const now = options.now ?? new Date()
  const input = parseInput(logEntrySchema(now), options.input)

  const entry = await prisma.$transaction(async (tx) => {
    const incident = await lockIncident(tx, options.incidentId)
    if (input.correctsId) {
      const corrected = await tx.incidentLogEntry.findUnique({
        where: { id: input.correctsId },
        select: { incidentId: true },
      })
      if (!corrected || corrected.incidentId !== incident.id) {
        throw new AppError('INVALID_INPUT', 'The corrected entry is not in this incident', {
          fields: { correctsId: logEntryErrors.correctsOtherIncident },
        })
      }
    }
    const entry = await appendLogEntry(tx, {
      actor,
      incident,
      occurredAt: input.occurredAt,
      body: input.body,
      significant: input.significant,
      correctsId: input.correctsId ?? null,
      now,
    })
    return { entry, territoryId: incident.territoryId }
  })

  const record = serializeLogEntry(entry.entry)
  await publishIncidentEvents(
    [{ type: 'log-entry.created', payload: record, territoryId: entry.territoryId, incidentId: record.incidentId }],
    options.realtime,
  )
  return record
}
