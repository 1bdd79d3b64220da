// The territory map as SVG, computed on the server so that it says something without JavaScript:
// an equirectangular projection scaled by cos(latitude) (at a city's scale, indistinguishable from
// Web Mercator), paths for polygons, and the inverse for a tap on the map. Browser-safe.
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'

export type SvgProjection = {
  width: number
  height: number
  /** [west, south, east, north] shown */
  bbox: [number, number, number, number]
  project(p: Position): [number, number]
  unproject(x: number, y: number): Position
}

export function geometryBbox(geometries: PolygonalGeometry[]): [number, number, number, number] {
  let west = Infinity
  let south = Infinity
  let east = -Infinity
  let north = -Infinity
  for (const g of geometries) {
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
    for (const rings of polygons)
      for (const ring of rings)
        for (const [x, y] of ring) {
          west = Math.min(west, x)
          east = Math.max(east, x)
          south = Math.min(south, y)
          north = Math.max(north, y)
        }
  }
  return [west, south, east, north]
}

/** A projection of `boundary` into a `width`-wide viewBox, with a margin of `pad` units. */
export function svgProjection(boundary: PolygonalGeometry, width = 800, pad = 16): SvgProjection {
  const [west, south, east, north] = geometryBbox([boundary])
  const k = Math.cos((((south + north) / 2) * Math.PI) / 180)
  const spanX = Math.max((east - west) * k, 1e-9)
  const spanY = Math.max(north - south, 1e-9)
  const scale = (width - 2 * pad) / spanX
  const height = Math.round(spanY * scale + 2 * pad)
  const r = (n: number) => Math.round(n * 10) / 10
  return {
    width,
    height,
    bbox: [west, south, east, north],
    project: ([lng, lat]) => [r(pad + (lng - west) * k * scale), r(pad + (north - lat) * scale)],
    unproject: (x, y) => [west + (x - pad) / (k * scale), north - (y - pad) / scale],
  }
}

/** The SVG path data of a polygon or multipolygon (evenodd fill keeps holes open). */
export function svgPath(geometry: PolygonalGeometry, projection: SvgProjection): string {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return polygons
    .flatMap((rings) =>
      rings.map((ring) => {
        const points = ring.map((p) => projection.project(p))
        return `M${points.map(([x, y]) => `${x} ${y}`).join('L')}Z`
      }),
    )
    .join('')
}

/** A point to put a label on: the middle of the geometry's bounding box, clamped into the view. */
export function labelPoint(geometry: PolygonalGeometry, projection: SvgProjection): [number, number] {
  const [w, s, e, n] = geometryBbox([geometry])
  const [x, y] = projection.project([(w + e) / 2, (s + n) / 2])
  return [Math.min(Math.max(x, 12), projection.width - 12), Math.min(Math.max(y, 12), projection.height - 12)]
}
