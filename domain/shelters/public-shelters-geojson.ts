// GET /api/shelters: every shelter of the territory as a GeoJSON FeatureCollection of public
// fields (serialize.ts PublicShelter: no people, contacts, procedures or QR tokens).
import type { PrismaClient } from '#generated/prisma/client.ts'
import { toPublicShelter, type PublicShelter } from './serialize.ts'

export type ShelterFeatureCollection = {
  type: 'FeatureCollection'
  features: { type: 'Feature'; id: string; geometry: { type: 'Point'; coordinates: [number, number] }; properties: Omit<PublicShelter, 'lng' | 'lat'> }[]
}

export async function publicSheltersGeoJson(options: { prisma: PrismaClient; territoryId: string; now?: Date }): Promise<ShelterFeatureCollection> {
  const now = options.now ?? new Date()
  const rows = await options.prisma.shelter.findMany({ where: { territoryId: options.territoryId }, orderBy: { name: 'asc' } })
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => {
      const { lng, lat, ...properties } = toPublicShelter(r, now)
      return { type: 'Feature' as const, id: r.id, geometry: { type: 'Point' as const, coordinates: [lng, lat] as [number, number] }, properties }
    }),
  }
}
