// The composer's map data (server side): the territory, its named areas, and the alert's areas
// (drawn polygon or circle, and the named areas picked) shown the way the map shows an incident
// area — the map only displays them; drawing hands a new area back to the form.
import type { NamedAreaSummary } from '#domain/territory/list-named-areas.ts'
import type { TerritorySummary } from '#domain/territory/get-territory.ts'
import { circleToPolygon } from '#domain/geo/validate-area.ts'
import type { PolygonGeometry, Position } from '#domain/geo/types.ts'
import { bboxOf, buildMapData, type MapData } from '~/components/map/map-data'

export function composeMapData(options: {
  territory: TerritorySummary
  namedAreas: NamedAreaSummary[]
  /** the drawn area as the form carries it (JSON) */
  area?: string
  namedAreaIds?: string[]
  label: string
}): { mapData: MapData; focus: [number, number, number, number] | null } {
  const shapes: PolygonGeometry[] = []
  if (options.area) {
    try {
      const a = JSON.parse(options.area) as { type: string; coordinates?: Position[][]; center?: Position; radiusM?: number }
      if (a.type === 'Polygon' && a.coordinates) shapes.push({ type: 'Polygon', coordinates: a.coordinates })
      if (a.type === 'Circle' && a.center && a.radiusM) shapes.push(circleToPolygon(a.center, a.radiusM))
    } catch {
      // a broken value shows nothing; the form reports it
    }
  }
  const picked = new Set(options.namedAreaIds ?? [])
  for (const named of options.namedAreas.filter((n) => picked.has(n.id))) {
    const polygons = named.geometry.type === 'Polygon' ? [named.geometry.coordinates] : named.geometry.coordinates
    for (const coordinates of polygons) shapes.push({ type: 'Polygon', coordinates })
  }
  const mapData = buildMapData({
    territory: options.territory,
    areas: options.namedAreas,
    incidents: shapes.map((area, i) => ({
      id: `alert-area-${i}`,
      reference: '',
      title: options.label,
      type: 'OTHER' as const,
      severity: 'SEVERE' as const,
      status: 'ACTIVE' as const,
      area,
    })),
    selectedIncidentId: 'alert-area-0',
  })
  const focus = shapes.length ? bboxOf({ type: 'MultiPolygon', coordinates: shapes.map((s) => s.coordinates) }) : null
  return { mapData, focus }
}
