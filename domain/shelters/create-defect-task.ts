// A defect found at an inspection becomes a task of an open incident (at the shelter's place), in
// one transaction with the audit row; the incident's rooms hear `task.created` after the commit.
// A defect gets one task at most.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { assertOpen, lockIncident } from '#domain/incidents/lock-incident.ts'
import { publishIncidentEvents } from '#domain/incidents/publish.ts'
import { serializeTask, type TaskRecord } from '#domain/incidents/serialize.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { defectTaskSchema, parseShelterInput } from './schemas.ts'
import { shelterErrors } from './shelter-errors.ts'

export async function createDefectTask(options: {
  prisma: PrismaClient
  actor: Actor
  defectId: string
  /** { incidentId } */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}): Promise<TaskRecord> {
  const { prisma, actor } = options
  authorize(actor, 'manage:shelter:any')
  authorize(actor, 'create:task:any')
  const now = options.now ?? new Date()
  const input = parseShelterInput(defectTaskSchema, options.input)
  const { task, territoryId } = await prisma.$transaction(async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(options.defectId)) throw new AppError('NOT_FOUND', 'Defect not found')
    await tx.$queryRaw`SELECT id FROM "ShelterDefect" WHERE id = ${options.defectId} FOR UPDATE`
    const defect = await tx.shelterDefect.findUnique({ where: { id: options.defectId }, include: { shelter: true } })
    if (!defect) throw new AppError('NOT_FOUND', 'Defect not found')
    if (defect.taskId) throw new AppError('CONFLICT', 'The defect has a task', { fields: { form: shelterErrors.defectHasTask } })
    const incident = await lockIncident(tx, input.incidentId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw new AppError('INVALID_INPUT', 'No such incident', { fields: { incidentId: shelterErrors.incidentRequired } })
      throw error
    })
    assertOpen(incident)
    if (incident.territoryId !== defect.shelter.territoryId) throw new AppError('INVALID_INPUT', 'Other territory', { fields: { incidentId: shelterErrors.incidentRequired } })
    const title = `${defect.shelter.name}: ${defect.description}`.slice(0, 200)
    const task = await tx.task.create({
      data: {
        incidentId: incident.id,
        title,
        location: { type: 'Point', coordinates: [defect.shelter.lng, defect.shelter.lat] },
        createdById: actor.id,
        createdAt: now,
        updatedAt: now,
      },
      include: { assignee: { select: { name: true } } },
    })
    await tx.shelterDefect.update({ where: { id: defect.id }, data: { taskId: task.id } })
    await tx.incident.update({ where: { id: incident.id }, data: { updatedAt: now } })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'task.created',
      entityType: 'Task',
      entityId: task.id,
      data: { incidentId: incident.id, reference: incident.reference, title, shelterId: defect.shelterId, defectId: defect.id },
    })
    return { task, territoryId: incident.territoryId }
  })
  const record = serializeTask(task)
  await publishIncidentEvents([{ type: 'task.created', payload: record, territoryId, incidentId: record.incidentId }], options.realtime)
  return record
}
