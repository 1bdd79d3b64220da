import type { PrismaClient, Prisma } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { asPolygonal, validatePoint } from '#domain/geo/validate-area.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { authorize } from './authorize.ts'
import { assertOpen, lockIncident } from './lock-incident.ts'
import { parseInput } from './parse-input.ts'
import { publishIncidentEvents } from './publish.ts'
import { createTaskSchema } from './schemas.ts'
import { serializeTask, type TaskRecord } from './serialize.ts'
import { assertAssignable } from './task-helpers.ts'

export type CreateTaskOptions = {
  prisma: PrismaClient
  actor: Actor
  incidentId: string
  /** { title, location? (GeoJSON Point), assigneeId?, dueAt?, status? } */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

/** Adds a task to an open incident (CONFLICT when it is closed). */
export async function createTask(options: CreateTaskOptions): Promise<TaskRecord> {
  const { prisma, actor } = options
  authorize(actor, 'create:task:any')
  const input = parseInput(createTaskSchema, options.input)
  const now = options.now ?? new Date()

  const { task, territoryId } = await prisma.$transaction(async (tx) => {
    const incident = await lockIncident(tx, options.incidentId)
    assertOpen(incident)
    const location = validatePoint({ input: input.location, boundary: asPolygonal(incident.territory.boundary) })
    if (input.assigneeId) await assertAssignable(tx, input.assigneeId)
    const task = await tx.task.create({
      data: {
        incidentId: incident.id,
        title: input.title,
        location: (location ?? undefined) as Prisma.InputJsonValue | undefined,
        assigneeId: input.assigneeId ?? null,
        dueAt: input.dueAt ?? null,
        status: input.status,
        createdById: actor.id,
        createdAt: now,
        updatedAt: now,
      },
      include: { assignee: { select: { name: true } } },
    })
    await tx.incident.update({ where: { id: incident.id }, data: { updatedAt: now } })
    await recordAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.label,
      action: 'task.created',
      entityType: 'Task',
      entityId: task.id,
      ip: actor.ip,
      data: {
        incidentId: incident.id,
        reference: incident.reference,
        title: input.title,
        location: location ?? null,
        assigneeId: input.assigneeId ?? null,
        dueAt: input.dueAt?.toISOString() ?? null,
        status: input.status,
      },
    })
    return { task, territoryId: incident.territoryId }
  })

  const record = serializeTask(task)
  await publishIncidentEvents(
    [{ type: 'task.created', payload: record, territoryId, incidentId: record.incidentId }],
    options.realtime,
  )
  return record
}
