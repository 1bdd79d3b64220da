// The MapLibre map of the operational picture (browser only; loaded lazily by incident-map.tsx).
// It starts on a plain background with our data layers, then tries the basemap: the configured
// style URL, or OpenStreetMap raster tiles. When the basemap cannot be reached (no network) the
// map keeps working on the plain background and says so in a small notice; map errors are
// handled here and never thrown.
import maplibregl, { type GeoJSONSource, type Map as MapLibreMap, type StyleSpecification } from 'maplibre-gl'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  BASEMAP_SOURCE,
  chooseBasemap,
  isStyleSpecification,
  osmRaster,
  osmTiles,
  plainStyle,
} from '~/utils/map-style'
import { createDrawControl, type DrawControl, type DrawMode } from './draw-control.client'
import type { IncidentMapProps } from './incident-map'
import { dataLayers, incidentsFill, pickedCircle, sources, tasksCircle } from './map-layers'
import type { MapData } from './map-data'
import { shelterFilterExpression, shelterLayers, shelterSource, sheltersCircle } from '~/components/shelters/shelter-layers'
import { shelterStatusColors } from '~/components/shelters/shelter-colors'
import { shelterVisible } from '~/components/shelters/shelter-map-data'
import { deviceColors } from '~/components/devices/device-map-data'
import { municipalityTimeZone } from '#domain/incidents/datetime.ts'

const ourSources = new Set<string>([...Object.values(sources), shelterSource])
const emptyCollection = { type: 'FeatureCollection' as const, features: [] }

function addDataLayers(map: MapLibreMap, data: MapData) {
  const collections: Record<string, GeoJSON.FeatureCollection> = {
    [sources.boundary]: data.boundary,
    [sources.areas]: data.areas,
    [sources.incidents]: data.incidents,
    [sources.tasks]: data.tasks,
    [sources.picked]: emptyCollection,
  }
  for (const [id, collection] of Object.entries(collections)) {
    if (!map.getSource(id)) map.addSource(id, { type: 'geojson', data: collection })
  }
  for (const layer of dataLayers) if (!map.getLayer(layer.id)) map.addLayer(layer)
  // the shelter layer, when the page shows shelters (above incidents and tasks, below the picked point)
  if (data.shelters) {
    if (!map.getSource(shelterSource)) map.addSource(shelterSource, { type: 'geojson', data: data.shelters })
    for (const layer of shelterLayers) if (!map.getLayer(layer.id)) map.addLayer(layer, pickedCircle.id)
  }
}

async function fetchWithTimeout(url: string, init: RequestInit, ms: number): Promise<Response> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), ms)
  try {
    return await fetch(url, { ...init, signal: controller.signal })
  } finally {
    clearTimeout(timer)
  }
}

/** Loads the basemap under our layers. Resolves false when it is unavailable. */
async function loadBasemap(map: MapLibreMap, mapStyleUrl: string | null): Promise<boolean> {
  const choice = chooseBasemap(mapStyleUrl)
  try {
    if (choice.kind === 'osm') {
      // one small request tells whether the tile server is reachable (opaque answer is fine)
      await fetchWithTimeout(osmTiles.probe, { mode: 'no-cors', credentials: 'omit' }, 6000)
      const { source, layer } = osmRaster()
      if (!map.getSource(BASEMAP_SOURCE)) map.addSource(BASEMAP_SOURCE, source)
      if (!map.getLayer(layer.id)) map.addLayer(layer, dataLayers[0].id)
      return true
    }
    const response = await fetchWithTimeout(choice.url, { credentials: 'omit' }, 8000)
    if (!response.ok) return false
    const style: unknown = await response.json()
    if (!isStyleSpecification(style)) return false
    // the configured style goes underneath; what is on the map now (our data, drawings) stays on top
    map.setStyle(style, {
      diff: false,
      transformStyle: (previous, next) => {
        const keep = (previous?.layers ?? []).filter((l) => l.id !== 'background')
        const keptSources = Object.fromEntries(
          Object.entries(previous?.sources ?? {}).filter(([id]) => !(id in next.sources)),
        )
        return { ...next, sources: { ...next.sources, ...keptSources }, layers: [...next.layers, ...keep] } as StyleSpecification
      },
    })
    return true
  } catch {
    return false
  }
}

export default function IncidentMapClient(props: IncidentMapProps) {
  const { t } = useTranslation('incidents')
  const container = useRef<HTMLDivElement>(null)
  const mapRef = useRef<MapLibreMap | null>(null)
  const drawRef = useRef<DrawControl | null>(null)
  const markersRef = useRef<maplibregl.Marker[]>([])
  const shelterMarkersRef = useRef<maplibregl.Marker[]>([])
  const deviceMarkersRef = useRef<maplibregl.Marker[]>([])
  const { t: td, i18n } = useTranslation('devices')
  const latest = useRef(props)
  latest.current = props
  const [ready, setReady] = useState(false)
  const [basemap, setBasemap] = useState<'loading' | 'ok' | 'unavailable'>('loading')
  const [mode, setMode] = useState<DrawMode | null>(null)

  // create the map once
  useEffect(() => {
    if (!container.current) return
    const map = new maplibregl.Map({
      container: container.current,
      style: plainStyle(),
      bounds: props.data.bbox,
      fitBoundsOptions: { padding: 24 },
      attributionControl: { compact: true },
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
    })
    mapRef.current = map
    map.touchZoomRotate.disableRotation()
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right')
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right')
    // Errors (a tile that does not load, a style server that does not answer) are ours to
    // handle: with a listener MapLibre no longer prints them, and we never rethrow.
    map.on('error', (event: maplibregl.ErrorEvent & { sourceId?: string }) => {
      if (event.sourceId && ourSources.has(event.sourceId)) {
        console.warn('map: data layer problem:', event.error?.message)
        return
      }
      setBasemap('unavailable')
    })
    map.on('load', () => {
      addDataLayers(map, latest.current.data)
      setReady(true)
      void loadBasemap(map, latest.current.mapStyleUrl).then((ok) => setBasemap(ok ? 'ok' : 'unavailable'))
    })
    // a configured style replaces ours: put our layers back if they went missing
    map.on('style.load', () => addDataLayers(map, latest.current.data))
    map.on('click', incidentsFill.id, (event) => {
      if (latest.current.drawing?.active || latest.current.picking?.active) return
      // a shelter on top of the incident's area takes the click
      if (map.getLayer(sheltersCircle.id) && map.queryRenderedFeatures(event.point, { layers: [sheltersCircle.id] }).length) return
      const id = event.features?.[0]?.properties?.id
      if (typeof id === 'string') latest.current.onIncidentClick?.(id)
    })
    map.on('click', sheltersCircle.id, (event) => {
      if (latest.current.drawing?.active || latest.current.picking?.active) return
      const id = event.features?.[0]?.properties?.id
      if (typeof id === 'string') latest.current.onShelterClick?.(id)
    })
    map.on('click', (event) => {
      const round7 = (n: number) => Math.round(n * 1e7) / 1e7
      if (latest.current.picking?.active) latest.current.picking.onPick([round7(event.lngLat.lng), round7(event.lngLat.lat)])
    })
    for (const layer of [incidentsFill.id, tasksCircle.id, sheltersCircle.id]) {
      map.on('mouseenter', layer, () => {
        if (!latest.current.drawing?.active && !latest.current.picking?.active && latest.current.onIncidentClick) {
          map.getCanvas().style.cursor = 'pointer'
        }
      })
      map.on('mouseleave', layer, () => {
        map.getCanvas().style.cursor = ''
      })
    }
    return () => {
      drawRef.current?.destroy()
      drawRef.current = null
      for (const marker of markersRef.current) marker.remove()
      markersRef.current = []
      for (const marker of shelterMarkersRef.current) marker.remove()
      shelterMarkersRef.current = []
      for (const marker of deviceMarkersRef.current) marker.remove()
      deviceMarkersRef.current = []
      map.remove()
      mapRef.current = null
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once; later props arrive through `latest`
  }, [])

  // data changes (a loader revalidated): update the sources in place
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready) return
    ;(map.getSource(sources.boundary) as GeoJSONSource | undefined)?.setData(props.data.boundary)
    ;(map.getSource(sources.areas) as GeoJSONSource | undefined)?.setData(props.data.areas)
    ;(map.getSource(sources.incidents) as GeoJSONSource | undefined)?.setData(props.data.incidents)
    ;(map.getSource(sources.tasks) as GeoJSONSource | undefined)?.setData(props.data.tasks)
    if (props.data.shelters) (map.getSource(shelterSource) as GeoJSONSource | undefined)?.setData(props.data.shelters)
  }, [ready, props.data])

  // shelter layer: kind/accessibility filter, and a number on each shelter as an HTML marker (free
  // places when open or full, else its capacity) in the status colour
  const shelterFilterKey = JSON.stringify(props.shelterFilter ?? null)
  const shelterLabelKey = (props.data.shelters?.features ?? []).map((f) => `${f.properties.id}:${f.properties.label}:${f.properties.status}`).join('|')
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready || !map.getLayer(sheltersCircle.id)) return
    const filter = latest.current.shelterFilter ?? { kind: '', stepFree: false }
    map.setFilter(sheltersCircle.id, shelterFilterExpression(filter))
    for (const marker of shelterMarkersRef.current) marker.remove()
    shelterMarkersRef.current = (latest.current.data.shelters?.features ?? [])
      .filter((f) => shelterVisible(f.properties, filter))
      .map((f) => {
        const element = document.createElement('button')
        element.type = 'button'
        element.className = 'shelter-label'
        element.textContent = f.properties.label
        element.style.background = shelterStatusColors[f.properties.status] ?? '#6b7280'
        element.title = f.properties.name
        element.setAttribute('aria-label', f.properties.name)
        element.setAttribute('data-testid', 'shelter-label')
        element.setAttribute('data-shelter', f.properties.id)
        element.setAttribute('data-status', f.properties.status)
        // while an area is drawn or a point picked, the labels let clicks through to the map
        if (latest.current.drawing?.active || latest.current.picking?.active) element.style.pointerEvents = 'none'
        element.addEventListener('click', (event) => {
          event.stopPropagation()
          latest.current.onShelterClick?.(f.properties.id)
        })
        return new maplibregl.Marker({ element, anchor: 'bottom', offset: [0, -10] }).setLngLat(f.geometry.coordinates as [number, number]).addTo(map)
      })
  }, [ready, shelterFilterKey, shelterLabelKey])

  // device layer (sirens, displays, gateways): a small square per device, green online, grey
  // offline; its name, group, last seen and last acknowledgement in the tooltip
  const deviceKey = (props.data.devices?.features ?? []).map((f) => `${f.properties.id}:${f.properties.online}:${f.properties.lastSeenAt}:${f.properties.lastAckAt}:${f.geometry.coordinates.join(',')}`).join('|')
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready) return
    for (const marker of deviceMarkersRef.current) marker.remove()
    const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language, { timeZone: municipalityTimeZone }) : td('map.never'))
    deviceMarkersRef.current = (latest.current.data.devices?.features ?? []).map((f) => {
      const p = f.properties
      const element = document.createElement('div')
      element.className = 'device-marker'
      Object.assign(element.style, { width: '12px', height: '12px', borderRadius: '2px', border: '2px solid #fff', boxShadow: '0 0 0 1px #111827', background: p.online ? deviceColors.online : deviceColors.offline })
      const state = p.online ? td('map.online') : td('map.offline')
      element.title = `${p.name} (${state})\n${td('map.group')}: ${p.group}\n${td('map.lastSeen')}: ${when(p.lastSeenAt)}\n${td('map.lastAck')}: ${when(p.lastAckAt)}`
      element.setAttribute('role', 'img')
      element.setAttribute('aria-label', `${td('map.layer')}: ${p.name}, ${state}`)
      element.setAttribute('data-testid', 'device-marker')
      element.setAttribute('data-device', p.username)
      element.setAttribute('data-online', String(p.online))
      element.style.pointerEvents = latest.current.drawing?.active || latest.current.picking?.active ? 'none' : ''
      return new maplibregl.Marker({ element, anchor: 'center' }).setLngLat(f.geometry.coordinates as [number, number]).addTo(map)
    })
  }, [ready, deviceKey, td, i18n.language])

  // named-area labels as HTML markers (text layers would need glyphs from a font server)
  const labelKey = props.data.areaLabels.map((l) => `${l.id}:${l.name}:${l.at.join(',')}`).join('|')
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready) return
    for (const marker of markersRef.current) marker.remove()
    markersRef.current = latest.current.data.areaLabels.map((label) => {
      const element = document.createElement('div')
      element.className = 'area-label'
      element.textContent = label.name
      element.setAttribute('data-testid', 'area-label')
      return new maplibregl.Marker({ element, anchor: 'center' }).setLngLat(label.at).addTo(map)
    })
  }, [ready, labelKey])

  // focus: fit the map to a bounding box when it changes (the incident a page is about)
  const focusKey = props.focus?.join(',') ?? ''
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready || !latest.current.focus) return
    const { clientWidth: w, clientHeight: h } = map.getContainer()
    // leave the surroundings in view: the area takes about half of the map
    const pad = Math.round(Math.min(w, h) / 4)
    map.fitBounds(latest.current.focus, { padding: pad, maxZoom: 15, duration: 0 })
  }, [ready, focusKey])

  // drawing: the control is created when a form wants an area, destroyed when it is gone
  const drawingActive = Boolean(props.drawing?.active)
  const pickingActive = Boolean(props.picking?.active)
  // shelter labels are HTML over the canvas: while drawing or picking they must not take the clicks
  useEffect(() => {
    for (const marker of [...shelterMarkersRef.current, ...deviceMarkersRef.current]) marker.getElement().style.pointerEvents = drawingActive || pickingActive ? 'none' : ''
  }, [drawingActive, pickingActive])
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready || !drawingActive) return
    const control = createDrawControl(map, (area) => latest.current.drawing?.onArea(area))
    drawRef.current = control
    return () => {
      control.destroy()
      drawRef.current = null
      setMode(null)
    }
  }, [ready, drawingActive])

  useEffect(() => {
    drawRef.current?.setMode(mode)
  }, [mode])

  // the place picked for a task
  const picked = props.picking?.active ? props.picking.picked : null
  useEffect(() => {
    const map = mapRef.current
    if (!map || !ready) return
    ;(map.getSource(sources.picked) as GeoJSONSource | undefined)?.setData(
      picked
        ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: picked } }] }
        : emptyCollection,
    )
  }, [ready, picked])

  useEffect(() => {
    const map = mapRef.current
    if (!map) return
    map.getCanvas().style.cursor = props.picking?.active ? 'crosshair' : ''
  }, [props.picking?.active])

  return (
    <div className="map" data-testid="map" data-ready={ready ? 'true' : 'false'} data-basemap={basemap}>
      <div ref={container} className="map-canvas" aria-label={t('map.label')} role="region" />
      {ready && props.drawing?.active ? (
        <div className="draw-toolbar" role="toolbar" aria-label={t('draw.toolbar')}>
          <button
            type="button"
            className="btn btn-small"
            data-testid="draw-polygon"
            aria-pressed={mode === 'polygon'}
            onClick={() => setMode(mode === 'polygon' ? null : 'polygon')}
          >
            {t('draw.polygon')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="draw-circle"
            aria-pressed={mode === 'circle'}
            onClick={() => setMode(mode === 'circle' ? null : 'circle')}
          >
            {t('draw.circle')}
          </button>
          <button type="button" className="btn btn-small" data-testid="draw-clear" onClick={() => drawRef.current?.clear()}>
            {t('draw.clear')}
          </button>
        </div>
      ) : null}
      {ready && props.drawing?.active && mode ? (
        <div className="map-hint" role="status" data-testid="draw-hint">
          {t(mode === 'polygon' ? 'draw.polygonHint' : 'draw.circleHint')}
        </div>
      ) : null}
      {ready && props.picking?.active ? (
        <div className="map-hint" role="status">
          {t('tasks.pickHint')}
        </div>
      ) : null}
      {basemap === 'unavailable' ? (
        <div className="map-notice" role="status" data-testid="basemap-notice">
          {t('map.basemapUnavailable')}
        </div>
      ) : null}
    </div>
  )
}
