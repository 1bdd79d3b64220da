// Layer specs of the resident map, as typed constants: alert areas coloured by CAP severity with a
// data-driven paint expression, the territory outline, and the places a resident picked. No symbol
// layers (no glyph server offline); numbers are HTML markers. Browser-safe.
import type { CircleLayerSpecification, ExpressionSpecification, FillLayerSpecification, LineLayerSpecification } from 'maplibre-gl'
import type { AlertSeverityName } from './types'

export const publicSources = { territory: 'territory', areas: 'areas', alerts: 'alerts', picked: 'picked-places' } as const

export const capSeverityColors: Record<AlertSeverityName, string> = {
  Extreme: '#b42318',
  Severe: '#e8590c',
  Moderate: '#e0a800',
  Minor: '#4b8bbe',
  Unknown: '#6b7280',
}

const bySeverity: ExpressionSpecification = [
  'match',
  ['get', 'severity'],
  'Extreme', capSeverityColors.Extreme,
  'Severe', capSeverityColors.Severe,
  'Moderate', capSeverityColors.Moderate,
  'Minor', capSeverityColors.Minor,
  capSeverityColors.Unknown,
]

export const territoryLine: LineLayerSpecification = {
  id: 'territory-line',
  type: 'line',
  source: publicSources.territory,
  paint: { 'line-color': '#9e1b32', 'line-width': 2.5, 'line-dasharray': [3, 2] },
}

export const territoryFill: FillLayerSpecification = {
  id: 'territory-fill',
  type: 'fill',
  source: publicSources.territory,
  paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.3 },
}

export const areasLine: LineLayerSpecification = {
  id: 'areas-line',
  type: 'line',
  source: publicSources.areas,
  paint: { 'line-color': '#5b6675', 'line-width': 1, 'line-opacity': 0.6 },
}

export const alertsFill: FillLayerSpecification = {
  id: 'alerts-fill',
  type: 'fill',
  source: publicSources.alerts,
  paint: { 'fill-color': bySeverity, 'fill-opacity': 0.35 },
}

export const alertsLine: LineLayerSpecification = {
  id: 'alerts-line',
  type: 'line',
  source: publicSources.alerts,
  paint: { 'line-color': bySeverity, 'line-width': 2.5 },
}

export const pickedCircle: CircleLayerSpecification = {
  id: 'picked-places-circle',
  type: 'circle',
  source: publicSources.picked,
  paint: { 'circle-radius': 7, 'circle-color': '#1f6feb', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5 },
}

/** Bottom to top. */
export const publicLayers = [territoryFill, areasLine, alertsFill, alertsLine, territoryLine, pickedCircle]
