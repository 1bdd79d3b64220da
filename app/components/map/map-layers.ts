// Layer specs of our data layers, as typed constants: styling by data-driven paint expressions,
// highlighting by filter expressions. No symbol layers: text needs glyphs from a font server,
// which an offline machine does not have; area labels are HTML markers instead.
import type {
  CircleLayerSpecification,
  ExpressionSpecification,
  FillLayerSpecification,
  LineLayerSpecification,
} from 'maplibre-gl'

export const sources = {
  boundary: 'territory',
  areas: 'areas',
  incidents: 'incidents',
  tasks: 'tasks',
  picked: 'picked-point',
} as const

export const severityColors = {
  MINOR: '#4b8bbe',
  MODERATE: '#e0a800',
  SEVERE: '#e8590c',
  EXTREME: '#b42318',
} as const

export const taskStatusColors = {
  OPEN: '#1f6feb',
  IN_PROGRESS: '#b35900',
  DONE: '#1a7f37',
  CANCELLED: '#9aa4b2',
} as const

const bySeverity: ExpressionSpecification = [
  'match',
  ['get', 'severity'],
  'MINOR', severityColors.MINOR,
  'MODERATE', severityColors.MODERATE,
  'SEVERE', severityColors.SEVERE,
  'EXTREME', severityColors.EXTREME,
  '#6b7280',
]
const isClosed: ExpressionSpecification = ['==', ['get', 'status'], 'CLOSED']
const isSelected: ExpressionSpecification = ['==', ['get', 'selected'], true]

export const boundaryFill: FillLayerSpecification = {
  id: 'territory-fill',
  type: 'fill',
  source: sources.boundary,
  paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.25 },
}

export const boundaryLine: LineLayerSpecification = {
  id: 'territory-line',
  type: 'line',
  source: sources.boundary,
  paint: { 'line-color': '#9e1b32', 'line-width': 2.5, 'line-dasharray': [3, 2] },
}

export const areasFill: FillLayerSpecification = {
  id: 'areas-fill',
  type: 'fill',
  source: sources.areas,
  paint: { 'fill-color': '#5b6675', 'fill-opacity': 0.04 },
}

export const areasLine: LineLayerSpecification = {
  id: 'areas-line',
  type: 'line',
  source: sources.areas,
  paint: { 'line-color': '#5b6675', 'line-width': 1, 'line-opacity': 0.6 },
}

export const incidentsFill: FillLayerSpecification = {
  id: 'incidents-fill',
  type: 'fill',
  source: sources.incidents,
  paint: {
    'fill-color': bySeverity,
    // closed incidents are faded; the incident the page is about stands out
    'fill-opacity': ['case', isClosed, 0.08, isSelected, 0.5, 0.32],
  },
}

export const incidentsLine: LineLayerSpecification = {
  id: 'incidents-line',
  type: 'line',
  source: sources.incidents,
  paint: {
    'line-color': bySeverity,
    'line-width': ['case', isSelected, 3.5, 2],
    'line-opacity': ['case', isClosed, 0.35, 1],
  },
}

export const tasksCircle: CircleLayerSpecification = {
  id: 'tasks-circle',
  type: 'circle',
  source: sources.tasks,
  paint: {
    'circle-radius': 7,
    'circle-color': [
      'match',
      ['get', 'status'],
      'OPEN', taskStatusColors.OPEN,
      'IN_PROGRESS', taskStatusColors.IN_PROGRESS,
      'DONE', taskStatusColors.DONE,
      'CANCELLED', taskStatusColors.CANCELLED,
      '#6b7280',
    ],
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 2,
  },
}

export const pickedCircle: CircleLayerSpecification = {
  id: 'picked-point-circle',
  type: 'circle',
  source: sources.picked,
  paint: {
    'circle-radius': 8,
    'circle-color': '#9e1b32',
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 3,
  },
}

/** Bottom to top. */
export const dataLayers = [boundaryFill, areasFill, areasLine, boundaryLine, incidentsFill, incidentsLine, tasksCircle, pickedCircle]
