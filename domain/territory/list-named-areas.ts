// Named areas (neighbourhoods, parishes…) of a territory, with a point to put their label on.
import * as turf from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'

export type NamedAreaSummary = {
  id: string
  name: string
  kind: string
  demo: boolean
  geometry: PolygonalGeometry
  /** a point inside the area for its label */
  labelAt: Position
}

export async function listNamedAreas(options: {
  prisma: Pick<PrismaClient, 'namedArea'>
  territoryId: string
}): Promise<NamedAreaSummary[]> {
  const rows = await options.prisma.namedArea.findMany({
    where: { territoryId: options.territoryId },
    orderBy: { name: 'asc' },
  })
  return rows.map((row) => {
    const geometry = asPolygonal(row.geometry)
    const feature = turf.feature(geometry as Polygon | MultiPolygon) as Feature<Polygon | MultiPolygon>
    // the centroid when it falls inside, else any point inside (concave shapes)
    const centroid = turf.centroid(feature)
    const inside = turf.booleanPointInPolygon(centroid, feature) ? centroid : turf.pointOnFeature(feature)
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      demo: row.demo,
      geometry,
      labelAt: inside.geometry.coordinates as Position,
    }
  })
}
