// The map, safe to render anywhere: the server (and the first browser render) shows a
// placeholder; after hydration the MapLibre component is imported lazily, so maplibre-gl never
// runs on the server and stays out of the main bundle.
import type { LinksFunction } from '@remix-run/node'
import { lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?url'
import type { DrawnArea, MapData } from './map-data'
import type { ShelterLayerFilter } from '~/components/shelters/shelter-map-data'
import './map.css'

export const mapLinks: LinksFunction = () => [{ rel: 'stylesheet', href: maplibreCss }]

export type IncidentMapProps = {
  data: MapData
  /** publicConfig.mapStyleUrl: a MapLibre style URL, or null for the built-in OpenStreetMap style */
  mapStyleUrl: string | null
  /** [west, south, east, north] to show (e.g. the incident of the page); the territory otherwise */
  focus?: [number, number, number, number] | null
  /** drawing an area for a form (polygon or circle) */
  drawing?: { active: boolean; onArea: (area: DrawnArea | null) => void }
  /** picking a point (a task's place) by clicking the map */
  picking?: { active: boolean; picked: [number, number] | null; onPick: (point: [number, number]) => void }
  onIncidentClick?: (id: string) => void
  /** the shelter layer (data.shelters): a click on a shelter, and the kind/accessibility filter */
  onShelterClick?: (id: string) => void
  shelterFilter?: ShelterLayerFilter
}

const LazyMap = lazy(() => import('./incident-map.client'))

function Placeholder() {
  const { t } = useTranslation('incidents')
  return (
    <div className="map map-placeholder" data-testid="map-placeholder">
      <span>{t('map.loading')}</span>
      <noscript>{t('map.needsJavaScript')}</noscript>
    </div>
  )
}

export function IncidentMap(props: IncidentMapProps) {
  const [mounted, setMounted] = useState(false)
  useEffect(() => setMounted(true), [])
  if (!mounted) return <Placeholder />
  return (
    <Suspense fallback={<Placeholder />}>
      <LazyMap {...props} />
    </Suspense>
  )
}
