import { Prisma, type PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { asPolygonal, validateArea } from '#domain/geo/validate-area.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { authorize } from './authorize.ts'
import { assertOpen, lockIncident } from './lock-incident.ts'
import { parseInput } from './parse-input.ts'
import { publishIncidentEvents } from './publish.ts'
import { updateIncidentSchema } from './schemas.ts'
import { serializeIncident, type IncidentRecord } from './serialize.ts'

export type UpdateIncidentOptions = {
  prisma: PrismaClient
  actor: Actor
  id: string
  /** raw input; absent fields stay as they are, an empty area keeps the area */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * Edits an open incident (title, type, severity, status ACTIVE/MONITORING, description, area).
 * A closed incident cannot be edited: CONFLICT (reopen it first).
 */
export async function updateIncident(options: UpdateIncidentOptions): Promise<IncidentRecord> {
  const { prisma, actor } = options
  authorize(actor, 'update:incident:any')
  const input = parseInput(updateIncidentSchema, options.input)
  const now = options.now ?? new Date()

  const result = await prisma.$transaction(async (tx) => {
    const incident = await lockIncident(tx, options.id)
    assertOpen(incident)
    const data: Prisma.IncidentUpdateInput = {}
    const changes: Record<string, { from: unknown; to: unknown }> = {}
    for (const key of ['title', 'type', 'severity', 'status', 'description'] as const) {
      const value = input[key]
      if (value !== undefined && value !== incident[key]) {
        changes[key] = { from: incident[key], to: value }
        ;(data as Record<string, unknown>)[key] = value
      }
    }
    if (input.area !== undefined) {
      const { area, areaCircle } = validateArea({
        input: input.area,
        boundary: asPolygonal(incident.territory.boundary),
      })
      if (!sameJson(area, incident.area) || !sameJson(areaCircle, incident.areaCircle)) {
        changes.area = { from: incident.area, to: area }
        if (!sameJson(areaCircle, incident.areaCircle)) changes.areaCircle = { from: incident.areaCircle, to: areaCircle }
        data.area = area as unknown as Prisma.InputJsonValue
        // a polygon replaces a circle: the column is cleared (SQL NULL)
        data.areaCircle = areaCircle ? (areaCircle as unknown as Prisma.InputJsonValue) : Prisma.DbNull
      }
    }
    if (Object.keys(changes).length === 0) return { incident, changed: false }
    const updated = await tx.incident.update({ where: { id: incident.id }, data: { ...data, updatedAt: now } })
    await recordAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.label,
      action: 'incident.updated',
      entityType: 'Incident',
      entityId: incident.id,
      ip: actor.ip,
      data: { reference: incident.reference, changes },
    })
    return { incident: updated, changed: true }
  })

  const record = serializeIncident(result.incident)
  if (result.changed) {
    await publishIncidentEvents(
      [{ type: 'incident.updated', payload: record, territoryId: record.territoryId, incidentId: record.id }],
      options.realtime,
    )
  }
  return record
}
