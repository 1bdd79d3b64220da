import { randomBytes } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { isUniqueViolation } from '#domain/incidents/next-reference.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { publishShelter } from './publish-shelter.ts'
import { shelterErrors } from './shelter-errors.ts'
import { toShelterRecord, type ShelterRecord } from './serialize.ts'
import { validateShelterInput } from './validate-shelter-input.ts'

/** A QR token: 128 random bits, URL-safe. */
export const newQrToken = () => randomBytes(16).toString('base64url')

export type CreateShelterOptions = {
  prisma: PrismaClient
  actor: Actor
  territoryId: string
  /** the registry fields (schemas.ts shelterInputSchema), as a form or a script sends them */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

/** Adds a shelter to the registry (status STANDBY, nobody inside). */
export async function createShelter(options: CreateShelterOptions): Promise<ShelterRecord> {
  const { prisma, actor } = options
  authorize(actor, 'manage:shelter:any')
  const now = options.now ?? new Date()
  const territory = await prisma.territory.findUnique({ where: { id: options.territoryId } })
  if (!territory) throw new AppError('NOT_FOUND', 'Territory not found')
  const checked = validateShelterInput(options.input, asPolygonal(territory.boundary))
  if (!checked.ok) throw new AppError('INVALID_INPUT', 'Invalid shelter', { fields: checked.fields })
  const input = checked.input
  try {
    const shelter = await prisma.$transaction(async (tx) => {
      const shelter = await tx.shelter.create({
        data: { ...input, territoryId: territory.id, qrToken: newQrToken(), createdAt: now, updatedAt: now },
      })
      await recordAudit(tx, {
        ...actorFields(actor),
        action: 'shelter.created',
        entityType: 'Shelter',
        entityId: shelter.id,
        data: { ...input },
      })
      return shelter
    })
    await publishShelter(shelter, now, options.realtime)
    return toShelterRecord(shelter, now)
  } catch (error) {
    if (isUniqueViolation(error, 'code')) {
      throw new AppError('CONFLICT', `Shelter code ${input.code} exists`, { fields: { code: shelterErrors.codeTaken } })
    }
    throw error
  }
}
