// The territory with its warehouses, as server-rendered SVG (no tiles, works without JavaScript and
// prints): a point per warehouse, orange when an item there is below its minimum, grey when
// inactive; an optional origin (the needs calculator's point).
import { useTranslation } from 'react-i18next'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { svgPath, svgProjection } from '~/components/public/svg-projection'

export type MapWarehouse = { id: string; name: string; lng: number; lat: number; active: boolean; below: boolean }

export function WarehouseMap({ boundary, warehouses, origin }: { boundary: PolygonalGeometry; warehouses: MapWarehouse[]; origin?: [number, number] | null }) {
  const { t } = useTranslation('reserves')
  const projection = svgProjection(boundary, 800, 24)
  return (
    <figure className="rsv-map" data-testid="warehouse-map" style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${projection.width} ${projection.height}`} role="img" aria-label={t('map.label')}>
        <path className="boundary" d={svgPath(boundary, projection)} fillRule="evenodd" />
        {origin ? (
          <g className="origin">
            <circle cx={projection.project(origin)[0]} cy={projection.project(origin)[1]} r={12} />
          </g>
        ) : null}
        {warehouses.map((w) => {
          const [x, y] = projection.project([w.lng, w.lat])
          return (
            <a key={w.id} href={`/reserves/stock?warehouse=${w.id}`} className={`wh${w.below ? ' below' : ''}${w.active ? '' : ' inactive'}`} data-testid="map-warehouse">
              <title>{w.name}</title>
              <circle cx={x} cy={y} r={9} />
              <text x={x + 13} y={y + 5}>
                {w.name}
              </text>
            </a>
          )
        })}
      </svg>
      <figcaption className="rsv-legend">
        <span>
          <span className="rsv-dot" style={{ background: '#1f5fa8' }} />
          {t('map.warehouse')}
        </span>
        <span>
          <span className="rsv-dot" style={{ background: '#c2410c' }} />
          {t('map.below')}
        </span>
        <span>
          <span className="rsv-dot" style={{ background: '#9aa3ad' }} />
          {t('map.inactive')}
        </span>
      </figcaption>
    </figure>
  )
}
