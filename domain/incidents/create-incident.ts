import type { PrismaClient, Prisma } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { validateArea } from '#domain/geo/validate-area.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { getDefaultTerritory, getTerritory } from '#domain/territory/get-territory.ts'
import { territoryCode } from '#domain/territory/territory-code.ts'
import { authorize } from './authorize.ts'
import { isUniqueViolation, nextReference } from './next-reference.ts'
import { parseInput } from './parse-input.ts'
import { publishIncidentEvents } from './publish.ts'
import { createIncidentSchema } from './schemas.ts'
import { serializeIncident, type IncidentRecord } from './serialize.ts'

export type CreateIncidentOptions = {
  prisma: PrismaClient
  actor: Actor
  /** raw input (form fields or JSON), validated here with createIncidentSchema */
  input: unknown
  /** the territory; the instance's default territory when absent */
  territoryId?: string
  now?: Date
  /** override the runtime's publisher (null: publish nothing) */
  realtime?: RealtimePublisher | null
}

/** Creates an incident with its area; audited in the same transaction, published after. */
export async function createIncident(options: CreateIncidentOptions): Promise<IncidentRecord> {
  const { prisma, actor } = options
  authorize(actor, 'create:incident:any')
  const input = parseInput(createIncidentSchema, options.input)
  const territory = options.territoryId
    ? await getTerritory({ prisma, id: options.territoryId })
    : await getDefaultTerritory({ prisma })
  if (!territory) throw new AppError('CONFLICT', 'No territory exists yet: seed or create one first', {
      fields: { form: 'incidents:errors.noTerritory' },
    })
  const { area, areaCircle } = validateArea({ input: input.area, boundary: territory.boundary })
  const now = options.now ?? new Date()
  const code = territoryCode(territory.slug)

  let created
  for (let attempt = 1; ; attempt++) {
    try {
      created = await prisma.$transaction(async (tx) => {
        const reference = await nextReference(tx, { code, at: now })
        const incident = await tx.incident.create({
          data: {
            reference,
            territoryId: territory.id,
            title: input.title,
            type: input.type,
            severity: input.severity,
            status: input.status,
            description: input.description,
            area: area as unknown as Prisma.InputJsonValue,
            areaCircle: (areaCircle ?? undefined) as Prisma.InputJsonValue | undefined,
            createdById: actor.id,
            createdAt: now,
            updatedAt: now,
          },
        })
        await recordAudit(tx, {
          actorId: actor.id,
          actorLabel: actor.label,
          action: 'incident.created',
          entityType: 'Incident',
          entityId: incident.id,
          ip: actor.ip,
          data: {
            reference,
            territoryId: territory.id,
            title: input.title,
            type: input.type,
            severity: input.severity,
            status: input.status,
            description: input.description,
            area,
            areaCircle,
          },
        })
        return incident
      })
      break
    } catch (error) {
      if (attempt < 5 && isUniqueViolation(error, 'reference')) continue
      throw error
    }
  }
  const record = serializeIncident(created)
  await publishIncidentEvents(
    [{ type: 'incident.created', payload: record, territoryId: record.territoryId, incidentId: record.id }],
    options.realtime,
  )
  return record
}
