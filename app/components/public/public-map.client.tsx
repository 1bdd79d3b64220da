// MapLibre over the server-rendered SVG map (public-map.tsx): the same territory, alert areas and
// picked places as GeoJSON sources with the layer specs of public-map-layers.ts, then a basemap
// when one can be reached. Until it is ready (or if WebGL is missing) the SVG shows through.
import maplibregl, { type GeoJSONSource, type Map as MapLibreMap } from 'maplibre-gl'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { BASEMAP_SOURCE, chooseBasemap, osmRaster, osmTiles, plainStyle } from '~/utils/map-style'
import type { PublicMapProps } from './public-map'
import { publicLayers, publicSources } from './public-map-layers'

type Props = PublicMapProps & { bbox: [number, number, number, number]; onReady: () => void }

function collections(props: Props) {
  return {
    [publicSources.territory]: {
      type: 'FeatureCollection' as const,
      features: [{ type: 'Feature' as const, properties: {}, geometry: props.territory.boundary }],
    },
    [publicSources.alerts]: {
      type: 'FeatureCollection' as const,
      features: props.alerts
        .filter((a) => a.geometry)
        .map((a) => ({ type: 'Feature' as const, properties: { identifier: a.identifier, severity: a.severity }, geometry: a.geometry! })),
    },
    [publicSources.areas]: {
      type: 'FeatureCollection' as const,
      features: (props.areas ?? []).map((a) => ({ type: 'Feature' as const, properties: { id: a.id, name: a.name }, geometry: a.geometry })),
    },
    [publicSources.picked]: {
      type: 'FeatureCollection' as const,
      features: (props.picked ?? []).map((p) => ({ type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: p } })),
    },
  }
}

/** The bounding box of the alert areas, when the map should show them rather than the territory. */
function focusBounds(props: Props): [number, number, number, number] | null {
  if (!props.focus) return null
  const coords = props.alerts.flatMap((a) => (a.geometry ? (a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates).flat(2) : []))
  if (coords.length === 0) return null
  const xs = coords.map((c) => c[0])
  const ys = coords.map((c) => c[1])
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

async function addBasemap(map: MapLibreMap, mapStyleUrl: string | null): Promise<boolean> {
  const choice = chooseBasemap(mapStyleUrl)
  if (choice.kind !== 'osm') return false // a configured vector style is the staff map's job; the SVG-like plain map is enough here
  try {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), 6000)
    await fetch(osmTiles.probe, { mode: 'no-cors', credentials: 'omit', signal: controller.signal }).finally(() => clearTimeout(timer))
    const { source, layer } = osmRaster()
    if (!map.getSource(BASEMAP_SOURCE)) map.addSource(BASEMAP_SOURCE, source)
    if (!map.getLayer(layer.id)) map.addLayer(layer, publicLayers[0].id)
    return true
  } catch {
    return false
  }
}

export default function PublicMapClient(props: Props) {
  const { t } = useTranslation('public')
  const container = useRef<HTMLDivElement>(null)
  const mapRef = useRef<MapLibreMap | null>(null)
  const markers = useRef<maplibregl.Marker[]>([])
  const latest = useRef(props)
  latest.current = props
  const [ready, setReady] = useState(false)

  useEffect(() => {
    if (!container.current) return
    let map: MapLibreMap
    try {
      map = new maplibregl.Map({
        container: container.current,
        style: plainStyle(),
        bounds: props.bbox,
        fitBoundsOptions: { padding: 16 },
        attributionControl: { compact: true },
        dragRotate: false,
        pitchWithRotate: false,
        maxZoom: 18,
      })
    } catch {
      return // no WebGL: the SVG map stays
    }
    mapRef.current = map
    map.touchZoomRotate.disableRotation()
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right')
    map.on('error', () => {
      // basemap tiles offline: our layers keep working on the plain background
    })
    map.on('load', () => {
      for (const [id, data] of Object.entries(collections(latest.current))) map.addSource(id, { type: 'geojson', data })
      for (const layer of publicLayers) map.addLayer(layer)
      // the container may have settled after the map was made: fit again, to the alerts when asked
      fit()
      // ready (and shown over the SVG) once the first frame with our layers is drawn
      map.once('idle', () => {
        setReady(true)
        latest.current.onReady()
      })
      void addBasemap(map, latest.current.mapStyleUrl)
    })
    // fit (again) whenever the container's size changes, until the reader moves the map
    let moved = false
    map.on('dragstart', () => (moved = true))
    map.on('zoomstart', (event) => {
      if ((event as { originalEvent?: unknown }).originalEvent) moved = true
    })
    const fit = () => {
      map.resize()
      if (moved) return
      const focus = focusBounds(latest.current)
      const { clientWidth: w, clientHeight: h } = map.getContainer()
      // an alert's area takes about half of the map, so that its surroundings stay in view
      const padding = focus ? Math.round(Math.min(w, h) / 4) : 24
      map.fitBounds(focus ?? latest.current.bbox, { padding, duration: 0, maxZoom: 13 })
    }
    const observer = new ResizeObserver(() => fit())
    observer.observe(container.current)
    map.on('click', (event) => {
      latest.current.onPick?.([Math.round(event.lngLat.lng * 1e5) / 1e5, Math.round(event.lngLat.lat * 1e5) / 1e5])
    })
    map.on('click', 'alerts-fill', (event) => {
      if (latest.current.onPick) return
      const identifier = event.features?.[0]?.properties?.identifier
      if (typeof identifier === 'string') window.location.assign(`/alerts/${encodeURIComponent(identifier)}`)
    })
    return () => {
      observer.disconnect()
      for (const m of markers.current) m.remove()
      map.remove()
      mapRef.current = null
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once; later props arrive through `latest`
  }, [])

  // data changes (picked places, a revalidated list): update the sources in place
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready) return
    for (const [id, data] of Object.entries(collections(props))) (map.getSource(id) as GeoJSONSource | undefined)?.setData(data)
    for (const m of markers.current) m.remove()
    markers.current = props.alerts
      .filter((a) => a.geometry)
      .map((a) => {
        const el = document.createElement('div')
        el.className = 'map-alert-number'
        el.textContent = String(a.number)
        const coords = (a.geometry!.type === 'Polygon' ? [a.geometry!.coordinates] : a.geometry!.coordinates).flat(2)
        const lng = (Math.min(...coords.map((c) => c[0])) + Math.max(...coords.map((c) => c[0]))) / 2
        const lat = (Math.min(...coords.map((c) => c[1])) + Math.max(...coords.map((c) => c[1]))) / 2
        return new maplibregl.Marker({ element: el }).setLngLat([lng, lat]).addTo(map)
      })
    // named-area labels as HTML markers (text layers would need a glyph server)
    for (const area of props.areas ?? []) {
      const el = document.createElement('div')
      el.className = 'map-area-label'
      el.textContent = area.name
      const coords = (area.geometry.type === 'Polygon' ? [area.geometry.coordinates] : area.geometry.coordinates).flat(2)
      const lng = coords.reduce((sum, c) => sum + c[0], 0) / coords.length
      const lat = coords.reduce((sum, c) => sum + c[1], 0) / coords.length
      markers.current.push(new maplibregl.Marker({ element: el }).setLngLat([lng, lat]).addTo(map))
    }
  }, [ready, props])

  return (
    <div
      ref={container}
      className={`public-map-canvas${ready ? ' ready' : ''}${props.onPick ? ' pickable' : ''}`}
      role="region"
      aria-label={t('map.interactive')}
      data-testid="public-map-canvas"
      data-ready={ready ? 'true' : 'false'}
    />
  )
}
