// An inspection of a shelter: when, by whom, the findings and one defect per line. The shelter's
// "last inspection" follows the newest inspection (an older one entered late does not replace it).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { lockShelter } from './lock-shelter.ts'
import { inspectionSchema, parseShelterInput } from './schemas.ts'
import { shelterErrors } from './shelter-errors.ts'

export async function recordInspection(options: {
  prisma: PrismaClient
  actor: Actor
  shelterId: string
  /** { inspectedAt, inspectorName, findings?, defects? (one per line, or an array) } */
  input: unknown
  now?: Date
}): Promise<{ inspectionId: string; defectIds: string[] }> {
  const { prisma, actor } = options
  authorize(actor, 'manage:shelter:any')
  const now = options.now ?? new Date()
  const input = parseShelterInput(inspectionSchema, options.input)
  if (input.inspectedAt.getTime() > now.getTime() + 5 * 60_000) {
    throw new AppError('INVALID_INPUT', 'Inspection in the future', { fields: { inspectedAt: shelterErrors.invalid } })
  }
  return prisma.$transaction(async (tx) => {
    const shelter = await lockShelter(tx, options.shelterId)
    const inspection = await tx.shelterInspection.create({
      data: { shelterId: shelter.id, inspectedAt: input.inspectedAt, inspectorName: input.inspectorName, findings: input.findings, actorId: actor.id, createdAt: now },
    })
    const defectIds: string[] = []
    for (const description of input.defects) {
      const defect = await tx.shelterDefect.create({ data: { shelterId: shelter.id, inspectionId: inspection.id, description, createdAt: now } })
      defectIds.push(defect.id)
    }
    if (!shelter.lastInspectionAt || shelter.lastInspectionAt <= input.inspectedAt) {
      await tx.shelter.update({ where: { id: shelter.id }, data: { lastInspectionAt: input.inspectedAt, lastInspectionFindings: input.findings, updatedAt: now } })
    }
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'shelter.inspected',
      entityType: 'Shelter',
      entityId: shelter.id,
      data: { inspectionId: inspection.id, inspectedAt: input.inspectedAt.toISOString(), inspectorName: input.inspectorName, findings: input.findings, defects: input.defects },
    })
    return { inspectionId: inspection.id, defectIds }
  })
}
