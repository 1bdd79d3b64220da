// The area an alert covers, as one GeoJSON geometry: every polygon and circle (a 64-gon) of every
// area of every info block, each once, exterior rings counter-clockwise (RFC 7946). Geocodes (named
// areas of the territory) count when `resolveGeocode` knows them. For targeting and maps.
import * as turf from '@turf/turf'
import type { Feature, Polygon } from 'geojson'
import type { PolygonalGeometry, PolygonGeometry, Position } from '#domain/geo/types.ts'
import { capAreaToPolygons } from './cap-geometry.ts'
import type { CapAlert, CapValuePair } from './types.ts'

export type AlertAreaGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] }

export type ResolveGeocode = (geocode: CapValuePair) => PolygonalGeometry | null

/** The polygons of the alert's areas (deduplicated across languages). */
export function alertPolygons(alert: Pick<CapAlert, 'info'>, resolveGeocode?: ResolveGeocode): Position[][][] {
  const seen = new Set<string>()
  const out: Position[][][] = []
  const add = (p: PolygonGeometry) => {
    const rewound = (turf.rewind(turf.polygon(p.coordinates)) as Feature<Polygon>).geometry.coordinates as Position[][]
    const key = JSON.stringify(rewound)
    if (!seen.has(key)) {
      seen.add(key)
      out.push(rewound)
    }
  }
  for (const area of alert.info.flatMap((i) => i.area)) {
    for (const p of capAreaToPolygons(area)) add(p)
    if (resolveGeocode) {
      for (const g of area.geocode) {
        const p = resolveGeocode(g)
        if (p?.type === 'Polygon') add(p)
        else if (p) for (const coordinates of p.coordinates) add({ type: 'Polygon', coordinates })
      }
    }
  }
  return out
}

/** One Polygon or MultiPolygon, or null when no area has a geometry we can place. */
export function alertAreaGeometry(alert: Pick<CapAlert, 'info'>, resolveGeocode?: ResolveGeocode): AlertAreaGeometry | null {
  const polygons = alertPolygons(alert, resolveGeocode)
  if (polygons.length === 0) return null
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons }
}
