// Seeds the demo municipality (Jelgava): territory, neighbourhoods, sample incidents with log
// entries and tasks, material reserves (demo-reserves.ts), all flagged demo=true, in ONE
// transaction with one audit row.
// Idempotent: returns false (and writes nothing) when
//   - onlyIfEmpty and any territory exists (first start of a configured instance), or
//   - the demo territory already exists.
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { circleToPolygon, validatePolygonShape } from '#domain/geo/validate-area.ts'
import { nextReference, isUniqueViolation } from '#domain/incidents/next-reference.ts'
import { territoryCode } from '#domain/territory/territory-code.ts'
import { demoHour, jelgavaIncidents } from './demo-incidents.ts'
import { seedDemoReserves } from './demo-reserves.ts'
import { seedDemoShelters } from './demo-shelters.ts'
import { jelgavaAreas, jelgavaTerritory } from './jelgava.ts'

export type SeedDemoOptions = {
  prisma: PrismaClient
  /** do nothing when any territory exists (what the app does at first start) */
  onlyIfEmpty: boolean
  now?: Date
  /** audit label: 'system' at start, 'cli' from `sargs seed --demo` */
  actorLabel?: string
}

const json = (value: unknown) => value as Prisma.InputJsonValue

export async function seedDemo(options: SeedDemoOptions): Promise<boolean> {
  const { prisma } = options
  const now = options.now ?? new Date()
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * demoHour)
  try {
    return await prisma.$transaction(async (tx) => {
      const existing = options.onlyIfEmpty
        ? await tx.territory.findFirst({ select: { id: true } })
        : await tx.territory.findUnique({ where: { slug: jelgavaTerritory.slug }, select: { id: true } })
      if (existing) return false

      const territory = await tx.territory.create({
        data: {
          slug: jelgavaTerritory.slug,
          name: jelgavaTerritory.name,
          boundary: json(validatePolygonShape(jelgavaTerritory.boundary)),
          demo: true,
        },
      })
      await tx.namedArea.createMany({
        data: jelgavaAreas.map((a) => ({
          territoryId: territory.id,
          name: a.name,
          kind: a.kind,
          geometry: json(validatePolygonShape(a.geometry)),
          demo: true,
        })),
      })

      const code = territoryCode(territory.slug)
      const references: string[] = []
      const ordered = [...jelgavaIncidents].sort((a, b) => b.hoursAgo - a.hoursAgo)
      for (const demo of ordered) {
        const createdAt = at(demo.hoursAgo)
        const reference = await nextReference(tx, { code, at: createdAt })
        const area = 'polygon' in demo.area ? validatePolygonShape(demo.area.polygon) : circleToPolygon(demo.area.circle.center, demo.area.circle.radiusM)
        const lastActivity = Math.min(
          demo.closedHoursAgo ?? Infinity,
          ...demo.log.map((l) => l.hoursAgo),
          demo.hoursAgo,
        )
        const incident = await tx.incident.create({
          data: {
            reference,
            territoryId: territory.id,
            title: demo.title,
            type: demo.type,
            severity: demo.severity,
            status: demo.status,
            description: demo.description,
            area: json(area),
            areaCircle: 'circle' in demo.area ? json(demo.area.circle) : undefined,
            demo: true,
            createdAt,
            updatedAt: at(lastActivity),
            closedAt: demo.closedHoursAgo !== undefined ? at(demo.closedHoursAgo) : null,
          },
        })
        references.push(reference)
        const ids: string[] = []
        for (const entry of demo.log) {
          const created = await tx.incidentLogEntry.create({
            data: {
              incidentId: incident.id,
              occurredAt: at(entry.hoursAgo),
              createdAt: at(entry.hoursAgo),
              body: entry.body,
              significant: entry.significant ?? false,
              correctsId: entry.corrects !== undefined ? ids[entry.corrects] : null,
            },
          })
          ids.push(created.id)
        }
        for (const task of demo.tasks) {
          await tx.task.create({
            data: {
              incidentId: incident.id,
              title: task.title,
              location: task.location ? json({ type: 'Point', coordinates: task.location }) : undefined,
              status: task.status,
              dueAt: task.dueInHours !== undefined ? at(-task.dueInHours) : null,
              createdAt: createdAt,
              updatedAt: createdAt,
            },
          })
        }
      }

      const reserves = await seedDemoReserves(tx, { territoryId: territory.id, now, actorLabel: options.actorLabel ?? 'system' })
      const flood = await tx.incident.findFirst({ where: { territoryId: territory.id, type: 'FLOOD', status: 'ACTIVE' }, select: { id: true } })
      const shelters = await seedDemoShelters(tx, { territoryId: territory.id, floodIncidentId: flood?.id ?? null, now, actorLabel: options.actorLabel ?? 'system' })

      await recordAudit(tx, {
        actorLabel: options.actorLabel ?? 'system',
        action: 'demo.seeded',
        entityType: 'Territory',
        entityId: territory.id,
        data: { slug: territory.slug, namedAreas: jelgavaAreas.length, incidents: references, reserves, shelters },
      })
      return true
    })
  } catch (error) {
    // another process seeded at the same moment: the slug is taken, nothing was written here
    if (isUniqueViolation(error, 'slug')) return false
    throw error
  }
}
