import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import {
  serializeIncident,
  serializeLogEntry,
  serializeTask,
  type IncidentRecord,
  type LogEntryRecord,
  type TaskRecord,
} from './serialize.ts'

export type IncidentDetail = {
  incident: IncidentRecord
  /** in the order things happened (occurredAt, then when they were written) */
  logEntries: LogEntryRecord[]
  tasks: TaskRecord[]
}

/** One incident with its log and tasks. NOT_FOUND when there is none. */
export async function getIncident(options: { prisma: PrismaClient; id: string }): Promise<IncidentDetail> {
  if (!/^[0-9a-f-]{36}$/i.test(options.id)) throw new AppError('NOT_FOUND', 'Incident not found')
  const incident = await options.prisma.incident.findUnique({
    where: { id: options.id },
    include: {
      logEntries: {
        orderBy: [{ occurredAt: 'asc' }, { createdAt: 'asc' }],
        include: { author: { select: { name: true } } },
      },
      tasks: {
        orderBy: [{ createdAt: 'asc' }],
        include: { assignee: { select: { name: true } } },
      },
    },
  })
  if (!incident) throw new AppError('NOT_FOUND', 'Incident not found')
  return {
    incident: serializeIncident(incident),
    logEntries: incident.logEntries.map(serializeLogEntry),
    tasks: incident.tasks.map(serializeTask),
  }
}
