import * as turf from '@turf/turf'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { isAppError } from '#domain/errors.ts'
import { geoErrors, geoLimits, type Position } from './types.ts'
import { isInsideTerritory, validateArea, validatePoint } from './validate-area.ts'

const boundary = jelgavaTerritory.boundary

/** The key the validator refuses with, or null when it accepts. */
function refusal(input: unknown, field = 'area'): string | null {
  try {
    validateArea({ input, boundary, field })
    return null
  } catch (error) {
    if (!isAppError(error)) throw error
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.status).toBe(422)
    return error.fields?.[field] ?? 'no field'
  }
}

// Points well inside the city (the box lies inside the boundary or within the 2 km tolerance).
const insideLng = fc.double({ min: 23.685, max: 23.765, noNaN: true })
const insideLat = fc.double({ min: 56.632, max: 56.672, noNaN: true })
const insidePoint = fc.tuple(insideLng, insideLat)

/** A star-shaped polygon around a centre: sorted distinct angles make a simple ring. */
const starPolygon = (center: fc.Arbitrary<[number, number]>) =>
  fc
    .record({
      center,
      angles: fc.uniqueArray(fc.integer({ min: 0, max: 359 }), { minLength: 3, maxLength: 40 }),
      radii: fc.array(fc.integer({ min: 60, max: 600 }), { minLength: 40, maxLength: 40 }),
    })
    .filter(({ angles }) => {
      // a star needs its corners to go round the centre: no gap of 180° or more
      const sorted = [...angles].sort((a, b) => a - b)
      const gaps = sorted.map((a, i) => ((i + 1 < sorted.length ? sorted[i + 1] : sorted[0] + 360) - a))
      return Math.max(...gaps) < 170
    })
    .map(({ center, angles, radii }) => {
      const sorted = [...angles].sort((a, b) => a - b)
      const ring = sorted.map((angle, i) => {
        const p = turf.destination(center, radii[i] / 1000, angle > 180 ? angle - 360 : angle, { units: 'kilometers' })
        return p.geometry.coordinates as Position
      })
      return { type: 'Polygon' as const, coordinates: [[...ring, ring[0]]] }
    })

const rectangle = (center: fc.Arbitrary<[number, number]>) =>
  fc
    .record({
      center,
      halfW: fc.double({ min: 0.0005, max: 0.01, noNaN: true }),
      halfH: fc.double({ min: 0.0005, max: 0.01, noNaN: true }),
    })
    .map(({ center: [x, y], halfW, halfH }) => ({
      sw: [x - halfW, y - halfH] as Position,
      se: [x + halfW, y - halfH] as Position,
      ne: [x + halfW, y + halfH] as Position,
      nw: [x - halfW, y + halfH] as Position,
    }))

describe('validateArea: property-based', () => {
  it('accepts generated simple polygons inside the territory, stored closed and counter-clockwise', () => {
    fc.assert(
      fc.property(starPolygon(insidePoint), fc.boolean(), (polygon, asString) => {
        const result = validateArea({ input: asString ? JSON.stringify(polygon) : polygon, boundary })
        const ring = result.area.coordinates[0]
        expect(result.areaCircle).toBeNull()
        expect(ring[0]).toEqual(ring[ring.length - 1])
        expect(turf.booleanClockwise(ring)).toBe(false)
        expect(turf.kinks(turf.polygon(result.area.coordinates)).features).toHaveLength(0)
      }),
      { numRuns: 150 },
    )
  })

  it('rejects unclosed rings with areaNotClosed', () => {
    fc.assert(
      fc.property(starPolygon(insidePoint), (polygon) => {
        const open = polygon.coordinates[0].slice(0, -1) // drop the closing position
        fc.pre(open.length >= 4)
        expect(refusal({ type: 'Polygon', coordinates: [open] })).toBe(geoErrors.areaNotClosed)
      }),
      { numRuns: 100 },
    )
  })

  it('rejects self-crossing polygons (bow-ties) with areaSelfIntersecting', () => {
    fc.assert(
      fc.property(rectangle(insidePoint), fc.integer({ min: 0, max: 3 }), ({ sw, se, ne, nw }, shift) => {
        // bottom edge, then a diagonal, the top edge, and the other diagonal back: the diagonals cross
        const bowTie = [sw, se, nw, ne]
        const ring = [...bowTie.slice(shift), ...bowTie.slice(0, shift)]
        expect(refusal({ type: 'Polygon', coordinates: [[...ring, ring[0]]] })).toBe(geoErrors.areaSelfIntersecting)
      }),
      { numRuns: 100 },
    )
  })

  it('rejects a ring that passes twice through one corner (figure eight)', () => {
    fc.assert(
      fc.property(rectangle(insidePoint), ({ sw, se, ne, nw }) => {
        const mid: Position = [(sw[0] + ne[0]) / 2, (sw[1] + ne[1]) / 2]
        const ring = [sw, se, mid, ne, nw, mid, sw]
        expect(refusal({ type: 'Polygon', coordinates: [ring] })).toBe(geoErrors.areaSelfIntersecting)
      }),
      { numRuns: 50 },
    )
  })

  it('rejects polygons outside the territory with areaOutsideTerritory', () => {
    // far enough from Jelgava (more than the tolerance): west, east, north or south of it
    const outsideCenter = fc.oneof(
      fc.tuple(fc.double({ min: 21, max: 23.5, noNaN: true }), fc.double({ min: 55.8, max: 57.5, noNaN: true })),
      fc.tuple(fc.double({ min: 23.9, max: 27, noNaN: true }), fc.double({ min: 55.8, max: 57.5, noNaN: true })),
      fc.tuple(fc.double({ min: 23.5, max: 23.9, noNaN: true }), fc.double({ min: 56.72, max: 57.5, noNaN: true })),
      fc.tuple(fc.double({ min: 23.5, max: 23.9, noNaN: true }), fc.double({ min: 55.8, max: 56.58, noNaN: true })),
    )
    fc.assert(
      fc.property(starPolygon(outsideCenter), (polygon) => {
        expect(refusal(polygon)).toBe(geoErrors.areaOutsideTerritory)
      }),
      { numRuns: 100 },
    )
  })

  it('rejects a polygon reaching from inside the city far out of it', () => {
    fc.assert(
      fc.property(insidePoint, fc.double({ min: 0.1, max: 1, noNaN: true }), ([x, y], reach) => {
        const ring: Position[] = [[x, y], [x + 0.002, y], [x + reach, y + reach], [x, y + 0.002], [x, y]]
        expect(refusal({ type: 'Polygon', coordinates: [ring] })).toBe(geoErrors.areaOutsideTerritory)
      }),
      { numRuns: 50 },
    )
  })

  it('rejects NaN, Infinity and out-of-range coordinates with areaCoordinatesInvalid', () => {
    const bad = fc.oneof(
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.constant(Number.NEGATIVE_INFINITY),
      fc.constant('23.7'),
      fc.constant(null),
      fc.double({ min: 180.0001, max: 1e9, noNaN: true }),
      fc.double({ min: -1e9, max: -180.0001, noNaN: true }),
    )
    fc.assert(
      fc.property(starPolygon(insidePoint), bad, fc.nat(), fc.boolean(), (polygon, value, at, lngOrLat) => {
        const ring = polygon.coordinates[0].map((p) => [...p] as unknown[])
        const index = at % ring.length
        ring[index][lngOrLat ? 0 : 1] = value
        expect(refusal({ type: 'Polygon', coordinates: [ring] })).toBe(geoErrors.areaCoordinatesInvalid)
      }),
      { numRuns: 150 },
    )
  })

  it('rejects latitudes beyond ±90', () => {
    const ring = [[23.7, 91], [23.71, 56.65], [23.72, 56.66], [23.7, 91]]
    expect(refusal({ type: 'Polygon', coordinates: [ring] })).toBe(geoErrors.areaCoordinatesInvalid)
  })

  it('rejects non-positive, non-finite and too large radii with radiusInvalid', () => {
    const badRadius = fc.oneof(
      fc.double({ min: -1e7, max: 0, noNaN: true }),
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.double({ min: geoLimits.maxRadiusM + 0.5, max: 1e9, noNaN: true }),
      fc.constant('500'),
      fc.constant(null),
    )
    fc.assert(
      fc.property(insidePoint, badRadius, (center, radiusM) => {
        expect(refusal({ type: 'Circle', center, radiusM })).toBe(geoErrors.radiusInvalid)
      }),
      { numRuns: 150 },
    )
  })

  it('accepts circles inside the territory and keeps centre and radius', () => {
    fc.assert(
      fc.property(insidePoint, fc.double({ min: 10, max: 1500, noNaN: true }), (center, radiusM) => {
        const result = validateArea({ input: JSON.stringify({ type: 'Circle', center, radiusM }), boundary })
        expect(result.areaCircle?.radiusM).toBeCloseTo(radiusM, 0)
        expect(result.areaCircle?.center[0]).toBeCloseTo(center[0], 6)
        expect(result.area.coordinates[0]).toHaveLength(geoLimits.circleSteps + 1)
        // the polygon approximates the circle: its area is close to πr²
        const area = turf.area(turf.polygon(result.area.coordinates))
        expect(area / (Math.PI * radiusM * radiusM)).toBeGreaterThan(0.98)
        expect(area / (Math.PI * radiusM * radiusM)).toBeLessThan(1.01)
      }),
      { numRuns: 100 },
    )
  })
})

describe('validateArea: each refusal names the problem', () => {
  const square: Position[] = [[23.72, 56.65], [23.73, 56.65], [23.73, 56.655], [23.72, 56.655], [23.72, 56.65]]

  it('accepts a plain square and a Feature wrapping it', () => {
    expect(refusal({ type: 'Polygon', coordinates: [square] })).toBeNull()
    expect(refusal({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } })).toBeNull()
  })

  it.each([
    ['missing', undefined, geoErrors.areaRequired],
    ['empty string', '   ', geoErrors.areaRequired],
    ['not JSON', '{"type":', geoErrors.areaInvalid],
    ['a number', 42, geoErrors.areaInvalid],
    ['a Point', { type: 'Point', coordinates: [23.72, 56.65] }, geoErrors.areaNotPolygon],
    ['a MultiPolygon', { type: 'MultiPolygon', coordinates: [[square]] }, geoErrors.areaNotPolygon],
    ['no rings', { type: 'Polygon', coordinates: [] }, geoErrors.areaInvalid],
    ['a hole', { type: 'Polygon', coordinates: [square, square] }, geoErrors.areaHoles],
    ['two positions', { type: 'Polygon', coordinates: [[[23.72, 56.65], [23.72, 56.65]]] }, geoErrors.areaTooFewPositions],
    ['A B A', { type: 'Polygon', coordinates: [[[23.72, 56.65], [23.73, 56.65], [23.72, 56.65]]] }, geoErrors.areaTooFewPositions],
    ['repeated points only', { type: 'Polygon', coordinates: [[[23.72, 56.65], [23.73, 56.65], [23.73, 56.65], [23.72, 56.65]]] }, geoErrors.areaTooFewPositions],
    ['collinear', { type: 'Polygon', coordinates: [[[23.72, 56.65], [23.73, 56.65], [23.74, 56.65], [23.72, 56.65]]] }, geoErrors.areaEmpty],
    ['a 4-number position', { type: 'Polygon', coordinates: [[[23.72, 56.65, 0, 1], ...square.slice(1)]] }, geoErrors.areaCoordinatesInvalid],
    ['a circle without centre', { type: 'Circle', radiusM: 100 }, geoErrors.areaCoordinatesInvalid],
    ['a circle outside', { type: 'Circle', center: [24.1, 56.95], radiusM: 100 }, geoErrors.areaOutsideTerritory],
    ['a circle larger than the city', { type: 'Circle', center: [23.72, 56.65], radiusM: 40_000 }, geoErrors.areaOutsideTerritory],
  ])('%s', (_name, input, key) => {
    expect(refusal(input)).toBe(key)
  })

  it('refuses more than the vertex limit', () => {
    const circle = turf.circle([23.72, 56.65], 1, { steps: geoLimits.maxVertices + 5 })
    expect(refusal(circle.geometry)).toBe(geoErrors.areaTooManyVertices)
    const ok = turf.circle([23.72, 56.65], 1, { steps: geoLimits.maxVertices - 10 })
    expect(refusal(ok.geometry)).toBeNull()
  })

  it('names the field it was given', () => {
    expect(refusal('nope', 'zone')).toBe(geoErrors.areaInvalid)
  })

  it('allows an area reaching a little beyond the boundary (tolerance) but not far', () => {
    // the westernmost boundary point is 23.645; 1 km west is inside the tolerance, 4 km is not
    const near = turf.destination([23.645, 56.65], 1, -90).geometry.coordinates as Position
    const far = turf.destination([23.645, 56.65], 4, -90).geometry.coordinates as Position
    const tri = (p: Position): Position[] => [p, [23.67, 56.648], [23.67, 56.652], p]
    expect(refusal({ type: 'Polygon', coordinates: [tri(near)] })).toBeNull()
    expect(refusal({ type: 'Polygon', coordinates: [tri(far)] })).toBe(geoErrors.areaOutsideTerritory)
  })
})

describe('validatePoint', () => {
  it('accepts a point inside, undefined for nothing, and refuses the rest', () => {
    expect(validatePoint({ input: '{"type":"Point","coordinates":[23.72,56.65]}', boundary })).toEqual({
      type: 'Point',
      coordinates: [23.72, 56.65],
    })
    expect(validatePoint({ input: '', boundary })).toBeUndefined()
    const key = (input: unknown) => {
      try {
        validatePoint({ input, boundary })
        return null
      } catch (error) {
        return isAppError(error) ? error.fields?.location : 'thrown'
      }
    }
    expect(key({ type: 'Point', coordinates: [24.1, 56.95] })).toBe(geoErrors.locationOutsideTerritory)
    expect(key({ type: 'Point', coordinates: [Number.NaN, 56.95] })).toBe(geoErrors.locationInvalid)
    expect(key({ type: 'Polygon', coordinates: [] })).toBe(geoErrors.locationInvalid)
  })

  it('isInsideTerritory agrees with turf for points', () => {
    fc.assert(
      fc.property(fc.double({ min: 23.5, max: 23.95, noNaN: true }), fc.double({ min: 56.55, max: 56.75, noNaN: true }), (x, y) => {
        const inside = isInsideTerritory({ type: 'Point', coordinates: [x, y] }, boundary, 0)
        expect(inside).toBe(turf.booleanPointInPolygon([x, y], turf.polygon(boundary.coordinates)))
      }),
      { numRuns: 200 },
    )
  })
})
