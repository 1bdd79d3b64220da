// The public finder: shelters nearest to a point, with distance, free places and the filters a
// resident needs (step-free, accessible toilet, pets, kinds). By default only shelters that are
// open with free places; `all` lists every shelter of the territory (standby ones too, so a
// resident can see where the shelters are before a crisis). Public fields only.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ShelterKind } from '#generated/prisma/enums.ts'
import { distanceM } from './distance.ts'
import { matchesFilter } from './list-shelters.ts'
import { toPublicShelter, type PublicShelter } from './serialize.ts'

export type NearestShelter = PublicShelter & { distanceM: number }

export async function findNearestShelters(options: {
  prisma: PrismaClient
  territoryId: string
  /** [lng, lat]; without it the list is sorted by name */
  point: [number, number] | null
  filter?: { kinds?: ShelterKind[]; stepFree?: boolean; accessibleToilet?: boolean; petsAllowed?: boolean }
  /** false (default): only OPEN shelters with free places; true: every shelter */
  all?: boolean
  limit?: number
  now?: Date
}): Promise<NearestShelter[]> {
  const now = options.now ?? new Date()
  const rows = await options.prisma.shelter.findMany({
    where: { territoryId: options.territoryId, ...(options.all ? {} : { status: { in: ['OPEN', 'FULL'] } }) },
    orderBy: { name: 'asc' },
  })
  const point = options.point
  return rows
    .map((r) => ({ ...toPublicShelter(r, now), distanceM: point ? Math.round(distanceM(point, [r.lng, r.lat])) : 0 }))
    .filter((s) => matchesFilter(s, options.filter ?? {}))
    .filter((s) => options.all || s.freePlaces > 0)
    .sort((a, b) => a.distanceM - b.distanceM || a.name.localeCompare(b.name, 'lv'))
    .slice(0, options.limit ?? 20)
}
