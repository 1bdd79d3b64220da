import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'

export type IssueTargetOption = { kind: 'incident' | 'shelter'; id: string; label: string; point: [number, number] | null; detail: string }

/** The middle of a GeoJSON polygon's bounding box (a good enough "where" for an incident area). */
function areaPoint(area: unknown): [number, number] | null {
  const coordinates = (area as { type?: string; coordinates?: unknown })?.coordinates
  const flat: number[][] = []
  const walk = (value: unknown) => {
    if (Array.isArray(value) && typeof value[0] === 'number') flat.push(value as number[])
    else if (Array.isArray(value)) value.forEach(walk)
  }
  walk(coordinates)
  if (flat.length === 0) return null
  const xs = flat.map((p) => p[0])
  const ys = flat.map((p) => p[1])
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]
}

/**
 * What stock can be issued to, for the issue form: open incidents (newest first) and shelters that
 * are not closed (by name), each with a point so the nearest warehouses can be listed first.
 */
export async function listIssueTargets(options: { prisma: PrismaClient; actor: Actor; territoryId?: string }): Promise<IssueTargetOption[]> {
  // a read: every role that reads reserves also reads incidents (the needs calculator uses it too)
  authorize(options.actor, 'read:reserves:any')
  const [incidents, shelters] = await Promise.all([
    options.prisma.incident.findMany({
      where: { territoryId: options.territoryId, status: { not: 'CLOSED' } },
      orderBy: { createdAt: 'desc' },
      select: { id: true, reference: true, title: true, area: true, status: true },
    }),
    options.prisma.shelter.findMany({
      where: { territoryId: options.territoryId, status: { not: 'CLOSED' } },
      orderBy: { name: 'asc' },
      select: { id: true, code: true, name: true, lng: true, lat: true, status: true, address: true },
    }),
  ])
  return [
    ...incidents.map((i) => ({ kind: 'incident' as const, id: i.id, label: `${i.reference} ${i.title}`, point: areaPoint(i.area), detail: i.status })),
    ...shelters.map((s) => ({ kind: 'shelter' as const, id: s.id, label: `${s.code} ${s.name}`, point: [s.lng, s.lat] as [number, number], detail: s.status })),
  ]
}
