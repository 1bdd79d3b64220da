// The cover of an area: inside cells hold only inside points, outside cells only outside points —
// checked with turf on random points, for concave polygons, holes and multipolygons.
import { booleanPointInPolygon } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { cellKey, classifyCell, COL_DEG, coverArea, pointInArea, areaPolygons, ROW_DEG } from './grid.ts'

function circle(lng: number, lat: number, r: number, n = 64): [number, number][] {
  const ring = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n
    return [lng + (r * Math.cos(a)) / Math.cos((lat * Math.PI) / 180), lat + r * Math.sin(a)] as [number, number]
  })
  return [...ring, ring[0]]
}

const AREAS: Record<string, AlertAreaGeometry> = {
  // a concave "C" around Jelgava
  concave: { type: 'Polygon', coordinates: [[[23.5, 56.5], [23.9, 56.5], [23.9, 56.56], [23.58, 56.56], [23.58, 56.7], [23.9, 56.7], [23.9, 56.76], [23.5, 56.76], [23.5, 56.5]]] },
  hole: { type: 'Polygon', coordinates: [circle(23.72, 56.65, 0.2), circle(23.72, 56.65, 0.05).reverse()] },
  multi: { type: 'MultiPolygon', coordinates: [[circle(23.72, 56.65, 0.03)], [circle(24.1, 56.95, 0.1)], [circle(24.12, 56.96, 0.1)]] },
  tiny: { type: 'Polygon', coordinates: [circle(23.7213, 56.6507, 0.001, 16)] },
}

describe('coverArea', () => {
  for (const [name, area] of Object.entries(AREAS)) {
    it(`classifies cells so that no test is skipped wrongly (${name})`, () => {
      const ranges = coverArea(area)
      for (let i = 1; i < ranges.length; i++) expect(ranges[i].lo).toBeGreaterThan(ranges[i - 1].hi)
      const feature = { type: 'Feature' as const, properties: {}, geometry: area }
      const polygons = areaPolygons(area)
      let seen = { inside: 0, boundary: 0, outside: 0 }
      const [x0, y0, x1, y1] = [23.4, 56.4, 24.4, 57.1]
      for (let i = 0; i < 10_000; i++) {
        const x = x0 + Math.random() * (x1 - x0)
        const y = y0 + Math.random() * (y1 - y0)
        const where = classifyCell(ranges, cellKey(x, y))
        seen = { ...seen, [where]: seen[where] + 1 }
        const truth = booleanPointInPolygon([x, y], feature)
        if (where === 'inside') expect(truth, `${x},${y}`).toBe(true)
        if (where === 'outside') expect(truth, `${x},${y}`).toBe(false)
        if (where === 'boundary') expect(pointInArea(polygons, x, y)).toBe(truth)
      }
      expect(seen.boundary + seen.inside).toBeGreaterThan(0)
      if (name !== 'tiny') expect(seen.inside).toBeGreaterThan(seen.boundary / 4)
    })
  }

  it('counts a place on an edge or a vertex as inside', () => {
    const polygons = areaPolygons(AREAS.concave)
    expect(pointInArea(polygons, 23.5, 56.5)).toBe(true)
    expect(pointInArea(polygons, 23.5, 56.6)).toBe(true)
    expect(pointInArea(polygons, 23.7, 56.5)).toBe(true)
    expect(pointInArea(polygons, 23.7, 56.76)).toBe(true)
    expect(pointInArea(polygons, 23.74, 56.56)).toBe(true)
    expect(pointInArea(polygons, 23.74, 56.6)).toBe(false)
    expect(pointInArea(polygons, 23.4999, 56.6)).toBe(false)
  })

  it('places on cell edges and polygon vertices fall in a cell the cover holds', () => {
    const area = AREAS.concave
    const ranges = coverArea(area)
    const polygons = areaPolygons(area)
    for (const [x, y] of polygons[0][0]) expect(classifyCell(ranges, cellKey(x, y))).toBe('boundary')
    // a grid line crossing the area
    for (let k = 0; k < 20; k++) {
      const x = 23.52 + k * COL_DEG
      const y = 56.52 + ROW_DEG * 2
      expect(classifyCell(ranges, cellKey(x, y))).not.toBe('outside')
    }
  })
})
