// The resident map. The server renders an SVG of the territory with the alert areas (coloured by
// severity, numbered like the list) and the picked places, so the page says something without
// JavaScript; in the browser MapLibre (public-map.client.tsx, loaded lazily) is laid over it with
// the same data, and a basemap when one can be reached. A tap on either map picks a place when
// the page asks for one (subscribe).
import { lazy, Suspense, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'
import { capSeverityColors } from './public-map-layers'
import { labelPoint, svgPath, svgProjection } from './svg-projection'
import type { AlertSeverityName, PublicTerritory } from './types'

export type MapAlert = { identifier: string; number: number; severity: AlertSeverityName; geometry: PolygonalGeometry | null; headline: string }

export type PublicMapProps = {
  territory: PublicTerritory
  alerts: MapAlert[]
  /** outlines shown for orientation (named areas) */
  areas?: { id: string; name: string; geometry: PolygonalGeometry }[]
  picked?: Position[]
  onPick?: (place: Position) => void
  mapStyleUrl: string | null
  /** fit to these alerts rather than the whole territory */
  focus?: boolean
  label: string
}

const LazyMap = lazy(() => import('./public-map.client'))

export function PublicMap(props: PublicMapProps) {
  const { t } = useTranslation('public')
  const projection = useMemo(() => svgProjection(props.territory.boundary, 800, 16), [props.territory.boundary])
  const [mounted, setMounted] = useState(false)
  const [clientReady, setClientReady] = useState(false)
  useEffect(() => setMounted(true), [])

  function onSvgClick(event: React.MouseEvent<SVGSVGElement>) {
    if (!props.onPick) return
    const svg = event.currentTarget
    const rect = svg.getBoundingClientRect()
    const x = ((event.clientX - rect.left) / rect.width) * projection.width
    const y = ((event.clientY - rect.top) / rect.height) * projection.height
    const [lng, lat] = projection.unproject(x, y)
    props.onPick([Math.round(lng * 1e5) / 1e5, Math.round(lat * 1e5) / 1e5])
  }

  return (
    <div
      className="public-map"
      style={{ aspectRatio: `${projection.width} / ${projection.height}` }}
      data-testid="public-map"
      data-enhanced={clientReady ? 'true' : 'false'}
    >
      <svg
        viewBox={`0 0 ${projection.width} ${projection.height}`}
        role="img"
        aria-label={props.label}
        className={props.onPick ? 'public-map-svg pickable' : 'public-map-svg'}
        onClick={props.onPick ? onSvgClick : undefined}
        data-testid="public-map-svg"
      >
        <title>{props.label}</title>
        <path d={svgPath(props.territory.boundary, projection)} className="svg-territory" fillRule="evenodd" />
        {props.areas?.map((a) => (
          <path key={a.id} d={svgPath(a.geometry, projection)} className="svg-area" fillRule="evenodd">
            <title>{a.name}</title>
          </path>
        ))}
        {props.areas?.map((a) => {
          const [x, y] = labelPoint(a.geometry, projection)
          return (
            <text key={`l-${a.id}`} x={x} y={y} className="svg-area-label" textAnchor="middle" aria-hidden="true">
              {a.name}
            </text>
          )
        })}
        {props.alerts.map((a) =>
          a.geometry ? (
            <path
              key={a.identifier}
              d={svgPath(a.geometry, projection)}
              fill={capSeverityColors[a.severity]}
              stroke={capSeverityColors[a.severity]}
              className="svg-alert"
              fillRule="evenodd"
              data-testid="svg-alert-area"
            >
              <title>{a.headline}</title>
            </path>
          ) : null,
        )}
        {props.alerts.map((a) => {
          if (!a.geometry) return null
          const [x, y] = labelPoint(a.geometry, projection)
          return (
            <g key={`n-${a.identifier}`} className="svg-alert-number" aria-hidden="true">
              <circle cx={x} cy={y} r={13} />
              <text x={x} y={y} dy="0.35em" textAnchor="middle">
                {a.number}
              </text>
            </g>
          )
        })}
        {props.picked?.map((p, i) => {
          const [x, y] = projection.project(p)
          return <circle key={`p-${i}`} cx={x} cy={y} r={7} className="svg-picked" data-testid="svg-picked" />
        })}
      </svg>
      {mounted ? (
        <Suspense fallback={null}>
          <LazyMap {...props} bbox={projection.bbox} onReady={() => setClientReady(true)} />
        </Suspense>
      ) : null}
      <noscript>
        <p className="public-map-note">{t('map.noScript')}</p>
      </noscript>
    </div>
  )
}
