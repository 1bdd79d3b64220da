import { describe, expect, it } from 'vitest'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { svgPath, svgProjection } from './svg-projection'

describe('svg projection of the territory', () => {
  const projection = svgProjection(jelgavaTerritory.boundary, 800, 16)

  it('fits the territory into the view box with its margin, north up, and keeps the aspect ratio', () => {
    const [west, south, east, north] = projection.bbox
    expect(projection.project([west, north])).toEqual([16, 16])
    const [x, y] = projection.project([east, south])
    expect(x).toBe(784)
    expect(Math.abs(y - (projection.height - 16))).toBeLessThanOrEqual(0.5) // the height is rounded
    // Jelgava is ~9.7 km wide and ~8.8 km tall: the view is about as tall as wide
    const ratio = (projection.height - 32) / 768
    expect(ratio).toBeGreaterThan(0.8)
    expect(ratio).toBeLessThan(0.95)
  })

  it('unprojects a tap back to the coordinates', () => {
    const p: [number, number] = [23.7234, 56.6518]
    const [x, y] = projection.project(p)
    const [lng, lat] = projection.unproject(x, y)
    expect(lng).toBeCloseTo(p[0], 3)
    expect(lat).toBeCloseTo(p[1], 3)
  })

  it('writes one closed subpath per ring', () => {
    const d = svgPath(jelgavaTerritory.boundary, projection)
    expect(d.match(/M/g)).toHaveLength(1)
    expect(d.endsWith('Z')).toBe(true)
    expect(d.split('L')).toHaveLength(jelgavaTerritory.boundary.coordinates[0].length)
  })
})
