// The shelter layer's data for the commission map: one Point feature per shelter with what the
// layer styles and filters by (status, kind, accessibility) and the free places its label shows.
// Browser-safe.
import type { FeatureCollection, Point } from 'geojson'

export type ShelterFeatureProps = {
  id: string
  name: string
  kind: string
  status: string
  freePlaces: number
  capacity: number
  stepFree: boolean
  accessibleToilet: boolean
  /** the label on the map: free places when open or full, else the capacity */
  label: string
}

export type ShelterMapRecord = {
  id: string
  name: string
  kind: string
  status: string
  freePlaces: number
  capacity: number
  stepFree: boolean
  accessibleToilet: boolean
  lng: number
  lat: number
}

export function buildShelterFeatures(shelters: ShelterMapRecord[]): FeatureCollection<Point, ShelterFeatureProps> {
  return {
    type: 'FeatureCollection',
    features: shelters.map((s) => ({
      type: 'Feature' as const,
      id: s.id,
      properties: {
        id: s.id,
        name: s.name,
        kind: s.kind,
        status: s.status,
        freePlaces: s.freePlaces,
        capacity: s.capacity,
        stepFree: s.stepFree,
        accessibleToilet: s.accessibleToilet,
        label: String(s.status === 'OPEN' || s.status === 'FULL' ? s.freePlaces : s.capacity),
      },
      geometry: { type: 'Point' as const, coordinates: [s.lng, s.lat] },
    })),
  }
}

export type ShelterLayerFilter = { kind: string; stepFree: boolean }

/** Whether a shelter is shown under the layer filter (the same rule as the MapLibre filter). */
export function shelterVisible(p: { kind: string; stepFree: boolean }, f: ShelterLayerFilter): boolean {
  return (!f.kind || p.kind === f.kind) && (!f.stepFree || p.stepFree)
}
