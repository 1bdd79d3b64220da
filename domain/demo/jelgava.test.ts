import * as turf from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { validateArea, validatePoint, validatePolygonShape } from '#domain/geo/validate-area.ts'
import { jelgavaIncidents } from './demo-incidents.ts'
import { jelgavaAreas, jelgavaTerritory } from './jelgava.ts'

const boundary = turf.polygon(jelgavaTerritory.boundary.coordinates)

describe('demo geography of Jelgava', () => {
  it('has a valid boundary of about the city size (~60 km²) around 56.65°N 23.72°E', () => {
    expect(() => validatePolygonShape(jelgavaTerritory.boundary)).not.toThrow()
    expect(turf.booleanValid(boundary)).toBe(true)
    const km2 = turf.area(boundary) / 1e6
    expect(km2).toBeGreaterThan(50)
    expect(km2).toBeLessThan(70)
    const [lng, lat] = turf.centroid(boundary).geometry.coordinates
    expect(lat).toBeCloseTo(56.65, 1)
    expect(lng).toBeCloseTo(23.72, 1)
  })

  it('has 8–10 named areas with closed, simple rings, inside the boundary, not overlapping', () => {
    expect(jelgavaAreas.length).toBeGreaterThanOrEqual(8)
    expect(jelgavaAreas.length).toBeLessThanOrEqual(10)
    expect(new Set(jelgavaAreas.map((a) => a.name)).size).toBe(jelgavaAreas.length)
    for (const area of jelgavaAreas) {
      const ring = area.geometry.coordinates[0]
      expect(ring[0], area.name).toEqual(ring[ring.length - 1])
      expect(ring.length, area.name).toBeGreaterThanOrEqual(4)
      const polygon = turf.polygon(area.geometry.coordinates)
      expect(turf.kinks(polygon).features, area.name).toHaveLength(0)
      expect(turf.booleanValid(polygon), area.name).toBe(true)
      expect(turf.booleanWithin(polygon, boundary), area.name).toBe(true)
    }
    for (let i = 0; i < jelgavaAreas.length; i++) {
      for (let j = i + 1; j < jelgavaAreas.length; j++) {
        const overlap = turf.intersect(
          turf.featureCollection([
            turf.polygon(jelgavaAreas[i].geometry.coordinates),
            turf.polygon(jelgavaAreas[j].geometry.coordinates),
          ]),
        )
        expect(overlap, `${jelgavaAreas[i].name} / ${jelgavaAreas[j].name}`).toBeNull()
      }
    }
  })

  it('places the Pasta sala flood on Pasta sala, and every demo area and task inside the territory', () => {
    for (const incident of jelgavaIncidents) {
      const input =
        'polygon' in incident.area ? incident.area.polygon : { type: 'Circle', ...incident.area.circle }
      const { area } = validateArea({ input, boundary: jelgavaTerritory.boundary, toleranceM: 0 })
      expect(area.type).toBe('Polygon')
      for (const task of incident.tasks) {
        if (task.location) {
          expect(validatePoint({ input: { type: 'Point', coordinates: task.location }, boundary: jelgavaTerritory.boundary, toleranceM: 0 })).toBeDefined()
        }
      }
      for (const [i, entry] of incident.log.entries()) {
        if (entry.corrects !== undefined) expect(entry.corrects).toBeLessThan(i)
      }
    }
    const flood = jelgavaIncidents.find((i) => i.type === 'FLOOD')!
    const pasta = jelgavaAreas.find((a) => a.name === 'Pasta sala')!
    const floodArea = 'polygon' in flood.area ? turf.polygon(flood.area.polygon.coordinates) : null
    expect(floodArea && turf.booleanIntersects(floodArea, turf.polygon(pasta.geometry.coordinates))).toBe(true)
  })
})
