// Layer specs of the shelter layer on the commission map: a circle per shelter coloured by status
// (data-driven paint), a white ring for step-free access; filtering by kind and accessibility is a
// filter expression. Free places are HTML markers (no glyph server offline). Browser-safe.
import type { CircleLayerSpecification, ExpressionSpecification, FilterSpecification } from 'maplibre-gl'
import { shelterStatusColors } from './shelter-colors'
import type { ShelterLayerFilter } from './shelter-map-data'

export const shelterSource = 'shelters'

const byStatus: ExpressionSpecification = [
  'match',
  ['get', 'status'],
  'STANDBY', shelterStatusColors.STANDBY,
  'OPENING', shelterStatusColors.OPENING,
  'OPEN', shelterStatusColors.OPEN,
  'FULL', shelterStatusColors.FULL,
  'CLOSED', shelterStatusColors.CLOSED,
  '#6b7280',
]

export const sheltersCircle: CircleLayerSpecification = {
  id: 'shelters-circle',
  type: 'circle',
  source: shelterSource,
  paint: {
    'circle-radius': ['case', ['in', ['get', 'status'], ['literal', ['OPEN', 'FULL', 'OPENING']]], 9, 6.5],
    'circle-color': byStatus,
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 2.5,
  },
}

export const shelterLayers = [sheltersCircle]

/** The MapLibre filter for the layer filter (kind, step-free). */
export function shelterFilterExpression(f: ShelterLayerFilter): FilterSpecification | null {
  const parts: ExpressionSpecification[] = []
  if (f.kind) parts.push(['==', ['get', 'kind'], f.kind])
  if (f.stepFree) parts.push(['==', ['get', 'stepFree'], true])
  if (parts.length === 0) return null
  return ['all', ...parts] as FilterSpecification
}
