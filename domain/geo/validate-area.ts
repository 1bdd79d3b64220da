// Validation of areas and points sent by clients (drawn on the map, or posted by scripts).
// An area is a GeoJSON Polygon with one closed, simple ring of at most `maxVertices` positions,
// or a circle (centre + radius in metres) that we turn into a polygon and keep as well.
// Whatever is accepted lies inside the territory boundary grown by `territoryToleranceM`.
// Every refusal is an AppError INVALID_INPUT naming the exact problem in `fields[field]`.
import * as turf from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { AppError } from '#domain/errors.ts'
import {
  geoErrors,
  geoLimits,
  type GeoErrorKey,
  type PointGeometry,
  type PolygonalGeometry,
  type PolygonGeometry,
  type Position,
  type ValidArea,
} from './types.ts'

/** Coordinates are stored with 7 decimals (about 1 cm): what we validate is what we store. */
const round7 = (n: number) => Math.round(n * 1e7) / 1e7

function fail(field: string, key: GeoErrorKey): never {
  throw new AppError('INVALID_INPUT', `Invalid ${field}: ${key}`, { fields: { [field]: key } })
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A form sends the area as a JSON string; scripts may send the object itself. */
export function parseGeoJsonInput(raw: unknown, field = 'area'): unknown {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    return undefined
  }
  if (typeof raw !== 'string') return raw
  if (raw.length > 1_000_000) fail(field, geoErrors.areaTooManyVertices)
  try {
    return JSON.parse(raw)
  } catch {
    return fail(field, geoErrors.areaInvalid)
  }
}

function readPosition(value: unknown, field: string, key: GeoErrorKey): Position {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) fail(field, key)
  const [lng, lat] = value as unknown[]
  if (typeof lng !== 'number' || typeof lat !== 'number') fail(field, key)
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) fail(field, key)
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90) fail(field, key)
  return [round7(lng), round7(lat)]
}

const samePosition = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1]

/** Checks one ring and returns it without consecutive duplicate positions. */
function checkRing(raw: unknown, field: string): Position[] {
  if (!Array.isArray(raw)) fail(field, geoErrors.areaInvalid)
  if (raw.length > geoLimits.maxVertices + 1) fail(field, geoErrors.areaTooManyVertices)
  const ring = raw.map((p) => readPosition(p, field, geoErrors.areaCoordinatesInvalid))
  if (ring.length < 2 || !samePosition(ring[0], ring[ring.length - 1])) {
    fail(field, ring.length < 4 ? geoErrors.areaTooFewPositions : geoErrors.areaNotClosed)
  }
  const cleaned: Position[] = []
  for (const p of ring) if (!cleaned.length || !samePosition(cleaned[cleaned.length - 1], p)) cleaned.push(p)
  // A closed ring needs three distinct corners: A B C A
  if (cleaned.length < 4) fail(field, geoErrors.areaTooFewPositions)
  if (cleaned.length - 1 > geoLimits.maxVertices) fail(field, geoErrors.areaTooManyVertices)
  // A corner visited twice (a figure eight through one vertex, a spike going back on itself)
  const seen = new Set<string>()
  for (const p of cleaned.slice(0, -1)) {
    const k = `${p[0]},${p[1]}`
    if (seen.has(k)) fail(field, geoErrors.areaSelfIntersecting)
    seen.add(k)
  }
  return cleaned
}

/** Validates the shape of a polygon (no territory check). */
export function validatePolygonShape(input: unknown, field = 'area'): PolygonGeometry {
  if (!isRecord(input)) fail(field, geoErrors.areaInvalid)
  if (input.type !== 'Polygon') fail(field, geoErrors.areaNotPolygon)
  const rings = input.coordinates
  if (!Array.isArray(rings) || rings.length === 0) fail(field, geoErrors.areaInvalid)
  if (rings.length > 1) fail(field, geoErrors.areaHoles)
  const ring = checkRing(rings[0], field)
  const polygon = turf.polygon([ring])
  if (turf.kinks(polygon).features.length > 0) fail(field, geoErrors.areaSelfIntersecting)
  if (!(turf.area(polygon) >= geoLimits.minAreaM2)) fail(field, geoErrors.areaEmpty)
  // RFC 7946: exterior rings counter-clockwise
  const rewound = turf.rewind(polygon) as Feature<Polygon>
  return { type: 'Polygon', coordinates: rewound.geometry.coordinates as Position[][] }
}

/** A circle as centre + radius, and the polygon approximating it. */
export function circleToPolygon(center: Position, radiusM: number): PolygonGeometry {
  const circle = turf.circle(center, radiusM / 1000, { steps: geoLimits.circleSteps, units: 'kilometers' })
  const ring = circle.geometry.coordinates[0].map((p) => [round7(p[0]), round7(p[1])] as Position)
  ring[ring.length - 1] = ring[0]
  return { type: 'Polygon', coordinates: [ring] }
}

// The territory grown by the tolerance, cached per boundary (a territory rarely changes).
const grownCache = new Map<string, Feature<Polygon | MultiPolygon>>()

function grownBoundary(boundary: PolygonalGeometry, toleranceM: number): Feature<Polygon | MultiPolygon> {
  const key = `${toleranceM}:${JSON.stringify(boundary)}`
  let grown = grownCache.get(key)
  if (!grown) {
    const feature = turf.feature(boundary as Polygon | MultiPolygon)
    grown = toleranceM > 0 ? (turf.buffer(feature, toleranceM, { units: 'meters' }) as Feature<Polygon | MultiPolygon>) : feature
    if (grownCache.size > 16) grownCache.clear()
    grownCache.set(key, grown)
  }
  return grown
}

/** True when the geometry lies inside the boundary grown by `toleranceM` metres. */
export function isInsideTerritory(
  geometry: PolygonGeometry | PointGeometry,
  boundary: PolygonalGeometry,
  toleranceM: number = geoLimits.territoryToleranceM,
): boolean {
  const grown = grownBoundary(boundary, toleranceM)
  if (geometry.type === 'Point') return turf.booleanPointInPolygon(geometry.coordinates, grown)
  // Every vertex inside and no edge crossing the grown boundary's edges.
  const polygons: Position[][][] =
    grown.geometry.type === 'Polygon'
      ? [grown.geometry.coordinates as Position[][]]
      : (grown.geometry.coordinates as Position[][][])
  if (!geometry.coordinates[0].every((p) => turf.booleanPointInPolygon(p, grown))) return false
  const area = turf.polygon(geometry.coordinates)
  return polygons.every((rings) =>
    rings.every(
      (ring, index) =>
        turf.lineIntersect(turf.lineString(ring), area).features.length === 0 &&
        // a hole of the territory lying wholly inside the area
        (index === 0 || !turf.booleanPointInPolygon(ring[0], area)),
    ),
  )
}

export type ValidateAreaOptions = {
  /** the raw value: a JSON string or an object ({type:'Polygon'...} or {type:'Circle'...}) */
  input: unknown
  /** the territory boundary the area must lie in */
  boundary: PolygonalGeometry
  /** the form field named in errors */
  field?: string
  toleranceM?: number
}

/** Validates an area from a client. Throws AppError INVALID_INPUT with fields[field]. */
export function validateArea(options: ValidateAreaOptions): ValidArea {
  const field = options.field ?? 'area'
  let value = parseGeoJsonInput(options.input, field)
  if (value === undefined) fail(field, geoErrors.areaRequired)
  if (isRecord(value) && value.type === 'Feature') value = value.geometry
  if (!isRecord(value)) fail(field, geoErrors.areaInvalid)

  let result: ValidArea
  if (value.type === 'Circle') {
    const center = readPosition(value.center, field, geoErrors.areaCoordinatesInvalid)
    const radiusM = value.radiusM
    if (typeof radiusM !== 'number' || !Number.isFinite(radiusM) || radiusM <= 0 || radiusM > geoLimits.maxRadiusM) {
      fail(field, geoErrors.radiusInvalid)
    }
    const radius = Math.round(radiusM * 10) / 10
    if (radius <= 0) fail(field, geoErrors.radiusInvalid)
    result = { area: circleToPolygon(center, radius), areaCircle: { center, radiusM: radius } }
  } else {
    result = { area: validatePolygonShape(value, field), areaCircle: null }
  }
  if (!isInsideTerritory(result.area, options.boundary, options.toleranceM)) {
    fail(field, geoErrors.areaOutsideTerritory)
  }
  return result
}

/** Validates a point (a task's place). `undefined` when nothing was given. */
export function validatePoint(options: {
  input: unknown
  boundary: PolygonalGeometry
  field?: string
  toleranceM?: number
}): PointGeometry | undefined {
  const field = options.field ?? 'location'
  let value = parseGeoJsonInput(options.input, field)
  if (value === undefined) return undefined
  if (isRecord(value) && value.type === 'Feature') value = value.geometry
  if (!isRecord(value) || value.type !== 'Point') fail(field, geoErrors.locationInvalid)
  const point: PointGeometry = {
    type: 'Point',
    coordinates: readPosition(value.coordinates, field, geoErrors.locationInvalid),
  }
  if (!isInsideTerritory(point, options.boundary, options.toleranceM)) fail(field, geoErrors.locationOutsideTerritory)
  return point
}

/** Reads a stored boundary (Json column) as a polygonal geometry. */
export function asPolygonal(value: unknown): PolygonalGeometry {
  if (isRecord(value) && (value.type === 'Polygon' || value.type === 'MultiPolygon') && Array.isArray(value.coordinates)) {
    return value as PolygonalGeometry
  }
  throw new Error('Stored territory boundary is not a GeoJSON Polygon or MultiPolygon')
}
