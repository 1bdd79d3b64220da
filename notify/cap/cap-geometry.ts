// CAP area geometry: polygons "lat,lon lat,lon …" (closed rings) and circles "lat,lon radiusKm",
// to and from GeoJSON ([lng, lat], RFC 7946). Numbers are written with at most 7 decimals.
import { circleToPolygon } from '#domain/geo/validate-area.ts'
import type { PolygonGeometry, Position } from '#domain/geo/types.ts'
import type { CapArea } from './types.ts'

/** [lat, lon] as CAP orders them. */
export type LatLon = [number, number]
export type CapCircle = { lat: number; lon: number; radiusKm: number }

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/** A number with at most 7 decimals and no exponent ("56.6512345", "-0.5", "23"). */
export function formatCapNumber(n: number): string {
  const fixed = (Math.round(n * 1e7) / 1e7).toFixed(7).replace(/\.?0+$/, '')
  return fixed === '-0' ? '0' : fixed
}

function readPair(text: string): LatLon | null {
  const parts = text.split(',')
  if (parts.length !== 2 || !NUMBER.test(parts[0]) || !NUMBER.test(parts[1])) return null
  const lat = Number(parts[0])
  const lon = Number(parts[1])
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return null
  return [lat, lon]
}

/** The pairs of a CAP polygon, or null when the text is not a list of "lat,lon" pairs. */
export function parseCapPolygon(text: string): LatLon[] | null {
  const tokens = text.trim().split(/\s+/)
  if (tokens.length === 0 || tokens[0] === '') return null
  const points: LatLon[] = []
  for (const token of tokens) {
    const pair = readPair(token)
    if (!pair) return null
    points.push(pair)
  }
  return points
}

export function formatCapPolygon(points: LatLon[]): string {
  return points.map(([lat, lon]) => `${formatCapNumber(lat)},${formatCapNumber(lon)}`).join(' ')
}

/** A CAP circle, or null when the text is not "lat,lon radius" with a finite radius. */
export function parseCapCircle(text: string): CapCircle | null {
  const tokens = text.trim().split(/\s+/)
  if (tokens.length !== 2 || !NUMBER.test(tokens[1])) return null
  const center = readPair(tokens[0])
  if (!center) return null
  return { lat: center[0], lon: center[1], radiusKm: Number(tokens[1]) }
}

export function formatCapCircle(circle: CapCircle): string {
  return `${formatCapNumber(circle.lat)},${formatCapNumber(circle.lon)} ${formatCapNumber(circle.radiusKm)}`
}

/** A CAP polygon as a GeoJSON Polygon (one ring, [lng, lat]). */
export function capPolygonToGeoJson(points: LatLon[]): PolygonGeometry {
  return { type: 'Polygon', coordinates: [points.map(([lat, lon]) => [lon, lat] as Position)] }
}

/** A GeoJSON Polygon's outer ring as a CAP polygon string (what the composer submits). */
export function geoJsonToCapPolygon(polygon: PolygonGeometry): string {
  return formatCapPolygon(polygon.coordinates[0].map(([lng, lat]) => [lat, lng] as LatLon))
}

/** A circle given as GeoJSON centre [lng, lat] and radius in metres, as a CAP circle string. */
export function circleToCap(center: Position, radiusM: number): string {
  return formatCapCircle({ lat: center[1], lon: center[0], radiusKm: radiusM / 1000 })
}

/** Every polygon and circle of a (validated) area as GeoJSON polygons; geocodes are not resolved. */
export function capAreaToPolygons(area: CapArea): PolygonGeometry[] {
  const out: PolygonGeometry[] = []
  for (const text of area.polygon) {
    const points = parseCapPolygon(text)
    if (points) out.push(capPolygonToGeoJson(points))
  }
  for (const text of area.circle) {
    const c = parseCapCircle(text)
    if (c && c.radiusKm > 0) out.push(circleToPolygon([c.lon, c.lat], c.radiusKm * 1000))
  }
  return out
}
