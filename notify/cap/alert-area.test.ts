import * as turf from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { alertAreaGeometry } from './alert-area.ts'
import { jelgavaTerritory } from './cap-arbitraries.ts'
import { validateAlert } from './validate-alert.ts'

const boundary = jelgavaTerritory.boundary
// clockwise as drawn (lat,lon): north-west, north-east, south-east
const clockwise = '56.655,23.72 56.655,23.73 56.645,23.73 56.655,23.72'

function alertWith(areas: Record<string, unknown>[][]) {
  return validateAlert({
    boundary,
    input: {
      identifier: 'A-1', sender: 's@x.lv', sent: '2026-11-22T10:00:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public',
      info: areas.map((area, i) => ({
        language: ['lv-LV', 'en-GB', 'ru-RU'][i], category: 'Met', event: 'E', urgency: 'Expected', severity: 'Minor', certainty: 'Likely',
        headline: 'H', description: 'D', area,
      })),
    },
  })
}

describe('alertAreaGeometry', () => {
  it('one polygon, counter-clockwise, once however many languages repeat it', () => {
    const area = [{ areaDesc: 'Pasta sala', polygon: [clockwise] }]
    const geometry = alertAreaGeometry(alertWith([area, area, area]))
    expect(geometry?.type).toBe('Polygon')
    expect(turf.booleanClockwise(geometry!.coordinates[0] as [number, number][])).toBe(false)
    expect(geometry!.coordinates[0]).toHaveLength(4)
    expect(geometry!.coordinates[0]).toEqual(expect.arrayContaining([[23.72, 56.655], [23.73, 56.655], [23.73, 56.645]]))
  })

  it('polygons, circles and resolved geocodes of all areas as a MultiPolygon; null when nothing can be placed', () => {
    const alert = alertWith([
      [{ areaDesc: 'A', polygon: [clockwise], circle: ['56.64,23.70 0.5'] }],
      [{ areaDesc: 'B', geocode: [{ valueName: 'SARGS_AREA', value: 'mitava' }] }],
    ])
    const square = { type: 'Polygon' as const, coordinates: [[[23.7, 56.64], [23.71, 56.64], [23.71, 56.65], [23.7, 56.65], [23.7, 56.64]]] as [number, number][][] }
    const geometry = alertAreaGeometry(alert, (g) => (g.value === 'mitava' ? square : null))
    expect(geometry?.type).toBe('MultiPolygon')
    expect(geometry!.coordinates).toHaveLength(3)
    const circle = turf.polygon(geometry!.coordinates[1] as [number, number][][])
    expect(turf.area(circle) / (Math.PI * 500 * 500)).toBeCloseTo(1, 1)
    expect(alertAreaGeometry(alertWith([[{ areaDesc: 'B', geocode: [{ valueName: 'SARGS_AREA', value: 'x' }] }]]))).toBeNull()
  })
})
