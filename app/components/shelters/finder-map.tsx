// The finder's map, drawn on the server as SVG (reusing the resident map's projection), so it
// works without JavaScript: the territory, neighbourhoods, the shelters listed (numbered like the
// list, coloured by status) and the chosen point. With JavaScript a click on the map picks a new
// point (the page reloads its list for it).
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'
import { svgPath, svgProjection } from '~/components/public/svg-projection'
import { shelterStatusColors } from './shelter-colors'

export type FinderMapShelter = { id: string; number: number; name: string; status: string; at: Position }

export function FinderMap({ boundary, areas, shelters, origin, onPick, label }: { boundary: PolygonalGeometry; areas: { id: string; name: string; geometry: PolygonalGeometry; labelAt: Position }[]; shelters: FinderMapShelter[]; origin: Position | null; onPick?: (p: Position) => void; label: string }) {
  const { t } = useTranslation('shelters')
  // zoomed to the chosen point and the shelters listed (at least about 2 × 1.4 km), else the territory
  const focusKey = JSON.stringify([origin, shelters.map((s) => s.at)])
  const projection = useMemo(() => {
    const points = [...(origin ? [origin] : []), ...shelters.map((s) => s.at)]
    if (points.length === 0) return svgProjection(boundary, 800, 16)
    let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity]
    for (const [x, y] of points) [west, south, east, north] = [Math.min(west, x), Math.min(south, y), Math.max(east, x), Math.max(north, y)]
    const padX = Math.max((east - west) * 0.25, 0.016)
    const padY = Math.max((north - south) * 0.25, 0.0065)
    ;[west, east, south, north] = [west - padX, east + padX, south - padY, north + padY]
    return svgProjection({ type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] }, 800, 0)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- focusKey stands for origin and the shelters' places
  }, [boundary, focusKey])
  function onClick(event: React.MouseEvent<SVGSVGElement>) {
    if (!onPick) return
    const rect = event.currentTarget.getBoundingClientRect()
    const x = ((event.clientX - rect.left) / rect.width) * projection.width
    const y = ((event.clientY - rect.top) / rect.height) * projection.height
    const [lng, lat] = projection.unproject(x, y)
    onPick([Math.round(lng * 1e5) / 1e5, Math.round(lat * 1e5) / 1e5])
  }
  return (
    <div className="finder-map" data-testid="finder-map">
      <svg viewBox={`0 0 ${projection.width} ${projection.height}`} role="img" aria-label={label} className={onPick ? 'pickable' : undefined} onClick={onPick ? onClick : undefined}>
        <title>{label}</title>
        <path d={svgPath(boundary, projection)} className="svg-territory" fillRule="evenodd" />
        {areas.map((a) => (
          <path key={a.id} d={svgPath(a.geometry, projection)} className="svg-area" fillRule="evenodd">
            <title>{a.name}</title>
          </path>
        ))}
        {areas.map((a) => {
          const [x, y] = projection.project(a.labelAt)
          return (
            <text key={`l-${a.id}`} x={x} y={y} textAnchor="middle" className="svg-area-label" aria-hidden="true">
              {a.name}
            </text>
          )
        })}
        {origin ? (() => {
          const [x, y] = projection.project(origin)
          return <circle cx={x} cy={y} r={10} className="svg-origin" data-testid="finder-origin" />
        })() : null}
        {shelters.map((s) => {
          const [x, y] = projection.project(s.at)
          return (
            <g key={s.id} data-testid="finder-map-shelter">
              <circle cx={x} cy={y} r={16} fill={shelterStatusColors[s.status] ?? '#6b7280'} className="svg-shelter">
                <title>{`${s.number}. ${s.name} — ${t(`statuses.${s.status}`)}`}</title>
              </circle>
              <text x={x} y={y} dy="0.35em" textAnchor="middle" className="svg-shelter-num">
                {s.number}
              </text>
            </g>
          )
        })}
      </svg>
      {onPick ? <span className="map-caption">{t('public.mapHint')}</span> : null}
    </div>
  )
}
