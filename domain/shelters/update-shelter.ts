import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { isUniqueViolation } from '#domain/incidents/next-reference.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { lockShelter } from './lock-shelter.ts'
import { publishShelter } from './publish-shelter.ts'
import { shelterErrors } from './shelter-errors.ts'
import { settleFullStatus } from './settle-full-status.ts'
import { toShelterRecord, type ShelterRecord } from './serialize.ts'
import { shelterFields } from './schemas.ts'
import { validateShelterInput } from './validate-shelter-input.ts'

export type UpdateShelterOptions = {
  prisma: PrismaClient
  actor: Actor
  shelterId: string
  /** every registry field (a full form); status and occupancy are not edited here */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

/** Edits a shelter's registry fields; the audit row keeps what changed (from → to). */
export async function updateShelter(options: UpdateShelterOptions): Promise<ShelterRecord> {
  const { prisma, actor } = options
  authorize(actor, 'manage:shelter:any')
  const now = options.now ?? new Date()
  try {
    const shelter = await prisma.$transaction(async (tx) => {
      const before = await lockShelter(tx, options.shelterId)
      const territory = await tx.territory.findUniqueOrThrow({ where: { id: before.territoryId } })
      const checked = validateShelterInput(options.input, asPolygonal(territory.boundary))
      if (!checked.ok) throw new AppError('INVALID_INPUT', 'Invalid shelter', { fields: checked.fields })
      const changes: Record<string, { from: unknown; to: unknown }> = {}
      for (const field of shelterFields) {
        if (before[field] !== checked.input[field]) changes[field] = { from: before[field], to: checked.input[field] }
      }
      if (Object.keys(changes).length === 0) return before
      // a smaller capacity may make an open shelter full (or a larger one free again)
      const status = settleFullStatus({ ...before, ...checked.input }, now)
      const shelter = await tx.shelter.update({ where: { id: before.id }, data: { ...checked.input, status, updatedAt: now } })
      await recordAudit(tx, { ...actorFields(actor), action: 'shelter.updated', entityType: 'Shelter', entityId: shelter.id, data: { changes } })
      return shelter
    })
    await publishShelter(shelter, now, options.realtime)
    return toShelterRecord(shelter, now)
  } catch (error) {
    if (isUniqueViolation(error, 'code')) throw new AppError('CONFLICT', 'Shelter code exists', { fields: { code: shelterErrors.codeTaken } })
    throw error
  }
}
