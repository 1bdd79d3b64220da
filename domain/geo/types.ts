// GeoJSON shapes we store (RFC 7946, WGS 84, [lng, lat]). Browser-safe: types and constants only.
export type Position = [number, number]

export type PolygonGeometry = { type: 'Polygon'; coordinates: Position[][] }
export type MultiPolygonGeometry = { type: 'MultiPolygon'; coordinates: Position[][][] }
export type PolygonalGeometry = PolygonGeometry | MultiPolygonGeometry
export type PointGeometry = { type: 'Point'; coordinates: Position }

/** An area drawn as a circle: kept besides the polygon that approximates it. */
export type AreaCircle = { center: Position; radiusM: number }

/**
 * What a client may send as an incident area: a GeoJSON Polygon (a Feature wrapping one is
 * accepted too), or a circle given as centre and radius in metres.
 */
export type CircleInput = { type: 'Circle'; center: Position; radiusM: number }

/** A validated area: the polygon to store, and the circle it came from (if any). */
export type ValidArea = { area: PolygonGeometry; areaCircle: AreaCircle | null }

export const geoLimits = {
  /** most vertices an area polygon may have */
  maxVertices: 2000,
  /** largest circle radius, metres */
  maxRadiusM: 50_000,
  /** how far (metres) an area may reach beyond the territory boundary */
  territoryToleranceM: 2_000,
  /** smallest area, square metres: anything below is a line or a point */
  minAreaM2: 1,
  /** vertices of the polygon approximating a circle */
  circleSteps: 64,
} as const

/** Message keys (namespace incidents) naming what is wrong with an area or a point. */
export const geoErrors = {
  areaRequired: 'incidents:errors.areaRequired',
  areaInvalid: 'incidents:errors.areaInvalid',
  areaNotPolygon: 'incidents:errors.areaNotPolygon',
  areaHoles: 'incidents:errors.areaHoles',
  areaCoordinatesInvalid: 'incidents:errors.areaCoordinatesInvalid',
  areaNotClosed: 'incidents:errors.areaNotClosed',
  areaTooFewPositions: 'incidents:errors.areaTooFewPositions',
  areaTooManyVertices: 'incidents:errors.areaTooManyVertices',
  areaSelfIntersecting: 'incidents:errors.areaSelfIntersecting',
  areaEmpty: 'incidents:errors.areaEmpty',
  areaOutsideTerritory: 'incidents:errors.areaOutsideTerritory',
  radiusInvalid: 'incidents:errors.radiusInvalid',
  locationInvalid: 'incidents:errors.locationInvalid',
  locationOutsideTerritory: 'incidents:errors.locationOutsideTerritory',
} as const
export type GeoErrorKey = (typeof geoErrors)[keyof typeof geoErrors]
