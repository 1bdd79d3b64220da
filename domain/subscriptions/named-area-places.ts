// A named area (neighbourhood, parish) chosen on the subscribe page is stored as a few sample
// points inside it, like places tapped on the map: targeting stays one rule (a subscription is
// reached when one of its points lies in the alert's area) and no shape is kept per subscriber.
// An alert covering only a corner of a large area may miss all samples; residents who care about
// one street pick it on the map. The points are spread over the area (farthest-point sampling
// over a grid of candidate points inside it) and rounded like every stored place.
import * as turf from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'
import { roundCoordinate } from './validate-subscription.ts'

export const NAMED_AREA_SAMPLES = 4

export function namedAreaPlaces(geometry: PolygonalGeometry, count: number = NAMED_AREA_SAMPLES): Position[] {
  const feature = turf.feature(geometry as Polygon | MultiPolygon) as Feature<Polygon | MultiPolygon>
  const round = (p: Position): Position => [roundCoordinate(p[0]), roundCoordinate(p[1])]
  const inside = (p: Position) => turf.booleanPointInPolygon(p, feature)
  const centroid = turf.centroid(feature).geometry.coordinates as Position
  const first = inside(centroid) ? centroid : (turf.pointOnFeature(feature).geometry.coordinates as Position)
  const [west, south, east, north] = turf.bbox(feature)
  const steps = 6
  const candidates: Position[] = []
  for (let i = 0; i < steps; i += 1)
    for (let j = 0; j < steps; j += 1) {
      const p: Position = [west + ((i + 0.5) / steps) * (east - west), south + ((j + 0.5) / steps) * (north - south)]
      if (inside(p)) candidates.push(p)
    }
  const chosen: Position[] = [first]
  const distance = (a: Position, b: Position) => Math.hypot((a[0] - b[0]) * Math.cos((a[1] * Math.PI) / 180), a[1] - b[1])
  while (chosen.length < count && candidates.length > 0) {
    let best = 0
    let bestDistance = -1
    candidates.forEach((c, index) => {
      const d = Math.min(...chosen.map((x) => distance(c, x)))
      if (d > bestDistance) {
        bestDistance = d
        best = index
      }
    })
    chosen.push(candidates.splice(best, 1)[0])
  }
  const out: Position[] = []
  for (const p of chosen.map(round)) if (!out.some((q) => q[0] === p[0] && q[1] === p[1]) && inside(p)) out.push(p)
  return out.length > 0 ? out : [round(first)]
}
