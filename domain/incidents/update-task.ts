import { Prisma, type PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { asPolygonal, validatePoint } from '#domain/geo/validate-area.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { authorize } from './authorize.ts'
import { assertOpen, lockIncident } from './lock-incident.ts'
import { parseInput } from './parse-input.ts'
import { publishIncidentEvents } from './publish.ts'
import { updateTaskSchema } from './schemas.ts'
import { serializeTask, type TaskRecord } from './serialize.ts'
import { assertAssignable } from './task-helpers.ts'

export type UpdateTaskOptions = {
  prisma: PrismaClient
  actor: Actor
  taskId: string
  /** absent fields stay; assigneeId/dueAt '' or null clear them */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** Changes a task (status, assignee, due, title, place). Tasks of a closed incident are frozen. */
export async function updateTask(options: UpdateTaskOptions): Promise<TaskRecord> {
  const { prisma, actor } = options
  authorize(actor, 'update:task:any')
  const input = parseInput(updateTaskSchema, options.input)
  const now = options.now ?? new Date()
  if (!/^[0-9a-f-]{36}$/i.test(options.taskId)) throw new AppError('NOT_FOUND', 'Task not found')

  const result = await prisma.$transaction(async (tx) => {
    const existing = await tx.task.findUnique({ where: { id: options.taskId }, select: { incidentId: true } })
    if (!existing) throw new AppError('NOT_FOUND', 'Task not found')
    const incident = await lockIncident(tx, existing.incidentId)
    assertOpen(incident)
    const task = await tx.task.findUniqueOrThrow({ where: { id: options.taskId } })

    const data: Prisma.TaskUncheckedUpdateInput = {}
    const changes: Record<string, { from: unknown; to: unknown }> = {}
    if (input.title !== undefined && input.title !== task.title) {
      changes.title = { from: task.title, to: input.title }
      data.title = input.title
    }
    if (input.status !== undefined && input.status !== task.status) {
      changes.status = { from: task.status, to: input.status }
      data.status = input.status
    }
    if (input.assigneeId !== undefined && input.assigneeId !== task.assigneeId) {
      if (input.assigneeId) await assertAssignable(tx, input.assigneeId)
      changes.assigneeId = { from: task.assigneeId, to: input.assigneeId }
      data.assigneeId = input.assigneeId
    }
    if (input.dueAt !== undefined && input.dueAt?.getTime() !== task.dueAt?.getTime()) {
      changes.dueAt = { from: task.dueAt?.toISOString() ?? null, to: input.dueAt?.toISOString() ?? null }
      data.dueAt = input.dueAt
    }
    if (input.location !== undefined) {
      const location = validatePoint({ input: input.location, boundary: asPolygonal(incident.territory.boundary) })
      if (!sameJson(location, task.location)) {
        changes.location = { from: task.location, to: location ?? null }
        data.location = location ? (location as unknown as Prisma.InputJsonValue) : Prisma.DbNull
      }
    }
    if (Object.keys(changes).length === 0) {
      const unchanged = await tx.task.findUniqueOrThrow({
        where: { id: task.id },
        include: { assignee: { select: { name: true } } },
      })
      return { task: unchanged, changed: false, territoryId: incident.territoryId }
    }
    const updated = await tx.task.update({
      where: { id: task.id },
      data: { ...data, updatedAt: now },
      include: { assignee: { select: { name: true } } },
    })
    await tx.incident.update({ where: { id: incident.id }, data: { updatedAt: now } })
    await recordAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.label,
      action: 'task.updated',
      entityType: 'Task',
      entityId: task.id,
      ip: actor.ip,
      data: { incidentId: incident.id, reference: incident.reference, changes },
    })
    return { task: updated, changed: true, territoryId: incident.territoryId }
  })

  const record = serializeTask(result.task)
  if (result.changed) {
    await publishIncidentEvents(
      [{ type: 'task.updated', payload: record, territoryId: result.territoryId, incidentId: record.incidentId }],
      options.realtime,
    )
  }
  return record
}
