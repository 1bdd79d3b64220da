import { describe, expect, it } from 'vitest'
import { jelgavaAreas, jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { dataLayers, incidentsFill, incidentsLine, severityColors, sources } from './map-layers'
import { bboxOf, buildMapData } from './map-data'

const square = { type: 'Polygon' as const, coordinates: [[[23.72, 56.65], [23.73, 56.65], [23.73, 56.655], [23.72, 56.65]]] as [number, number][][] }

describe('map data', () => {
  it('builds feature collections: boundary, areas with labels, incidents with area, tasks with place', () => {
    const data = buildMapData({
      territory: jelgavaTerritory,
      areas: jelgavaAreas.map((a, i) => ({ id: `a${i}`, name: a.name, geometry: a.geometry, labelAt: [23.7, 56.65] as [number, number] })),
      incidents: [
        { id: 'i1', reference: 'JLG-2026-0001', title: 'Plūdi', type: 'FLOOD', severity: 'SEVERE', status: 'ACTIVE', area: square },
        { id: 'i2', reference: 'JLG-2026-0002', title: 'Bez zonas', type: 'OTHER', severity: 'MINOR', status: 'ACTIVE', area: null },
      ],
      tasks: [
        { id: 't1', title: 'Maisi', status: 'OPEN', incidentId: 'i1', location: { type: 'Point', coordinates: [23.725, 56.652] } },
        { id: 't2', title: 'Bez vietas', status: 'OPEN', incidentId: 'i1', location: null },
      ],
      selectedIncidentId: 'i1',
    })
    expect(data.boundary.features).toHaveLength(1)
    expect(data.areas.features).toHaveLength(jelgavaAreas.length)
    expect(data.areaLabels.map((l) => l.name)).toEqual(jelgavaAreas.map((a) => a.name))
    expect(data.incidents.features.map((f) => f.properties)).toEqual([
      { id: 'i1', reference: 'JLG-2026-0001', title: 'Plūdi', type: 'FLOOD', severity: 'SEVERE', status: 'ACTIVE', selected: true },
    ])
    expect(data.tasks.features.map((f) => f.properties.id)).toEqual(['t1'])
    expect(data.bbox).toEqual([23.645, 56.611, 23.803, 56.69])
    expect(bboxOf(square)).toEqual([23.72, 56.65, 23.73, 56.655])
  })

  it('styles incidents by severity with data-driven paint and fades closed ones', () => {
    const color = incidentsFill.paint?.['fill-color'] as unknown[]
    expect(color[0]).toBe('match')
    for (const [severity, hex] of Object.entries(severityColors)) {
      expect(color).toContain(severity)
      expect(color).toContain(hex)
    }
    expect(JSON.stringify(incidentsFill.paint?.['fill-opacity'])).toContain('CLOSED')
    expect(JSON.stringify(incidentsLine.paint?.['line-opacity'])).toContain('CLOSED')
    // every layer reads one of our sources; none needs glyphs (no symbol layers)
    for (const layer of dataLayers) {
      expect(Object.values(sources)).toContain(layer.source)
      expect(layer.type).not.toBe('symbol')
    }
  })
})
