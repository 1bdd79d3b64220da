// The data a map shows, as GeoJSON FeatureCollections built from loader records. The map never
// decides anything: it draws these and hands drawn geometry back to a form. Browser-safe.
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson'
import type { IncidentSeverity, IncidentStatus, IncidentType, TaskStatus } from '#generated/prisma/enums.ts'
import type { DeviceFeatureProps } from '~/components/devices/device-map-data'
import type { ShelterFeatureProps } from '~/components/shelters/shelter-map-data'

type Position = [number, number]
type Polygonal = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] }

export type IncidentFeatureProps = {
  id: string
  reference: string
  title: string
  type: IncidentType
  severity: IncidentSeverity
  status: IncidentStatus
  /** the incident the page is about: drawn stronger */
  selected: boolean
}
export type TaskFeatureProps = { id: string; title: string; status: TaskStatus; incidentId: string }
export type AreaLabel = { id: string; name: string; at: Position }

export type MapData = {
  boundary: FeatureCollection<Polygon | MultiPolygon, { name: string }>
  areas: FeatureCollection<Polygon | MultiPolygon, { id: string; name: string }>
  areaLabels: AreaLabel[]
  incidents: FeatureCollection<Polygon, IncidentFeatureProps>
  tasks: FeatureCollection<Point, TaskFeatureProps>
  /** the shelter layer (app/components/shelters/shelter-map-data.ts), when the page shows it */
  shelters?: FeatureCollection<Point, ShelterFeatureProps>
  /** the device layer (sirens, displays, gateways: app/components/devices/device-map-data.ts), when the page shows it */
  devices?: FeatureCollection<Point, DeviceFeatureProps>
  /** [west, south, east, north] of the territory */
  bbox: [number, number, number, number]
}

export type MapDataInput = {
  territory: { name: string; boundary: Polygonal }
  areas: { id: string; name: string; geometry: Polygonal; labelAt: Position }[]
  incidents: {
    id: string
    reference: string
    title: string
    type: IncidentType
    severity: IncidentSeverity
    status: IncidentStatus
    area: { type: 'Polygon'; coordinates: Position[][] } | null
  }[]
  tasks?: { id: string; title: string; status: TaskStatus; incidentId: string; location: { type: 'Point'; coordinates: Position } | null }[]
  selectedIncidentId?: string | null
}

const collection = <G extends Polygon | MultiPolygon | Point, P>(features: Feature<G, P>[]): FeatureCollection<G, P> => ({
  type: 'FeatureCollection',
  features,
})

export function bboxOf(geometry: Polygonal): [number, number, number, number] {
  let west = Infinity
  let south = Infinity
  let east = -Infinity
  let north = -Infinity
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  for (const rings of polygons)
    for (const ring of rings)
      for (const [x, y] of ring) {
        if (x < west) west = x
        if (x > east) east = x
        if (y < south) south = y
        if (y > north) north = y
      }
  return [west, south, east, north]
}

export function buildMapData(input: MapDataInput): MapData {
  return {
    boundary: collection([
      { type: 'Feature', properties: { name: input.territory.name }, geometry: input.territory.boundary as Polygon },
    ]),
    areas: collection(
      input.areas.map((a) => ({
        type: 'Feature' as const,
        id: a.id,
        properties: { id: a.id, name: a.name },
        geometry: a.geometry as Polygon | MultiPolygon,
      })),
    ),
    areaLabels: input.areas.map((a) => ({ id: a.id, name: a.name, at: a.labelAt })),
    incidents: collection(
      input.incidents
        .filter((i) => i.area)
        .map((i) => ({
          type: 'Feature' as const,
          properties: {
            id: i.id,
            reference: i.reference,
            title: i.title,
            type: i.type,
            severity: i.severity,
            status: i.status,
            selected: i.id === input.selectedIncidentId,
          },
          geometry: i.area as Polygon,
        })),
    ),
    tasks: collection(
      (input.tasks ?? [])
        .filter((t) => t.location)
        .map((t) => ({
          type: 'Feature' as const,
          properties: { id: t.id, title: t.title, status: t.status, incidentId: t.incidentId },
          geometry: t.location as Point,
        })),
    ),
    bbox: bboxOf(input.territory.boundary),
  }
}

/** What a drawing hands to the form: a polygon, or a circle as centre + radius in metres. */
export type DrawnArea =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'Circle'; center: Position; radiusM: number }
