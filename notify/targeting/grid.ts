// The targeting grid (decision 009): rows of 0.01° latitude, columns of 0.02° longitude (about
// 1.1 × 1.2 km in Latvia), key = row · 65536 + column, so the cells of one row of a bounding box are
// ONE contiguous key range of the btree on SubscriptionPlace.cell. The SQL function
// sargs_place_cell (migration 20261122110617_subscription_places) computes the same key with the
// same IEEE double arithmetic.
//
// coverArea classifies the cells under an area's bounding box, row by row: a cell that an edge of
// the area touches is a BOUNDARY cell (its places need the point-in-polygon test); a run of cells
// between boundary cells lies wholly inside or wholly outside (one test at the run's first centre
// decides), so places in INSIDE cells need no test at all and OUTSIDE cells are never read.
import type { Position } from '#domain/geo/types.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'

export const ROW_DEG = 0.01
export const COL_DEG = 0.02
export const ROW_STRIDE = 65536

export const cellRow = (lat: number) => Math.floor((lat + 90) / ROW_DEG)
export const cellCol = (lng: number) => Math.floor((lng + 180) / COL_DEG)
export const cellKey = (lng: number, lat: number) => cellRow(lat) * ROW_STRIDE + cellCol(lng)

/** A key range [lo, hi] of cells in one row; inside: every point of these cells is in the area. */
export type CellRange = { lo: number; hi: number; inside: boolean }

export type Bbox = [minX: number, minY: number, maxX: number, maxY: number]

/** Above this many cells under the bounding box, cover rows coarsely (every cell a boundary cell). */
const MAX_CLASSIFIED_CELLS = 4_000_000
// cell edges computed as r · ROW_DEG − 90 can differ from the floor() mapping in the last bits
const EPS = 1e-9

/** The area's polygons, each as its rings (exterior first). */
export function areaPolygons(area: AlertAreaGeometry): Position[][][] {
  return area.type === 'Polygon' ? [area.coordinates] : area.coordinates
}

export function areaBbox(area: AlertAreaGeometry): Bbox {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const polygon of areaPolygons(area)) {
    for (const [x, y] of polygon[0]) {
      if (x < minX) minX = x
      if (x > maxX) maxX = x
      if (y < minY) minY = y
      if (y > maxY) maxY = y
    }
  }
  return [minX, minY, maxX, maxY]
}

/**
 * Point in area: on an edge of any ring (a place on the line is warned), or inside any polygon
 * (even-odd over its rings, so holes are out).
 */
export function pointInArea(polygons: Position[][][], x: number, y: number): boolean {
  for (const rings of polygons) {
    let inside = false
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]
        const [xj, yj] = ring[j]
        if (onSegment(x, y, xi, yi, xj, yj)) return true
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
      }
    }
    if (inside) return true
  }
  return false
}

function onSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): boolean {
  if (x < Math.min(x1, x2) - 1e-12 || x > Math.max(x1, x2) + 1e-12 || y < Math.min(y1, y2) - 1e-12 || y > Math.max(y1, y2) + 1e-12) return false
  const cross = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1)
  return Math.abs(cross) <= 1e-12 * (Math.abs(x2 - x1) + Math.abs(y2 - y1))
}

/** The key ranges that cover the area, ascending and disjoint, each inside or boundary. */
export function coverArea(area: AlertAreaGeometry): CellRange[] {
  const polygons = areaPolygons(area)
  const [minX, minY, maxX, maxY] = areaBbox(area)
  if (!(minX <= maxX && minY <= maxY)) return []
  const r0 = cellRow(minY)
  const r1 = cellRow(maxY)
  const c0 = cellCol(minX)
  const c1 = cellCol(maxX)
  const width = c1 - c0 + 1
  if ((r1 - r0 + 1) * width > MAX_CLASSIFIED_CELLS) {
    return Array.from({ length: r1 - r0 + 1 }, (_, i) => ({ lo: (r0 + i) * ROW_STRIDE + c0, hi: (r0 + i) * ROW_STRIDE + c1, inside: false }))
  }
  // boundary[row - r0][col - c0] = 1 where an edge touches the (closed, slightly grown) cell
  const boundary = Array.from({ length: r1 - r0 + 1 }, () => new Uint8Array(width))
  for (const rings of polygons) {
    for (const ring of rings) {
      // every edge, the closing one too (a zero-length edge when the ring repeats its first point)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [x1, y1] = ring[j]
        const [x2, y2] = ring[i]
        const ra = Math.max(r0, cellRow(Math.min(y1, y2) - EPS))
        const rb = Math.min(r1, cellRow(Math.max(y1, y2) + EPS))
        for (let r = ra; r <= rb; r++) {
          // the part of the edge within the row's strip
          const ya = r * ROW_DEG - 90 - EPS
          const yb = (r + 1) * ROW_DEG - 90 + EPS
          let xa: number
          let xb: number
          if (y1 === y2) {
            xa = Math.min(x1, x2)
            xb = Math.max(x1, x2)
          } else {
            const ta = Math.min(1, Math.max(0, (ya - y1) / (y2 - y1)))
            const tb = Math.min(1, Math.max(0, (yb - y1) / (y2 - y1)))
            const xta = x1 + (x2 - x1) * ta
            const xtb = x1 + (x2 - x1) * tb
            xa = Math.min(xta, xtb)
            xb = Math.max(xta, xtb)
          }
          const ca = Math.max(c0, cellCol(xa - EPS))
          const cb = Math.min(c1, cellCol(xb + EPS))
          const row = boundary[r - r0]
          for (let c = ca; c <= cb; c++) row[c - c0] = 1
        }
      }
    }
  }
  const ranges: CellRange[] = []
  const push = (lo: number, hi: number, inside: boolean) => {
    const last = ranges.at(-1)
    if (last && last.inside === inside && last.hi + 1 === lo) last.hi = hi
    else ranges.push({ lo, hi, inside })
  }
  for (let r = r0; r <= r1; r++) {
    const row = boundary[r - r0]
    const base = r * ROW_STRIDE + c0
    for (let i = 0; i < width; ) {
      if (row[i]) {
        push(base + i, base + i, false)
        i++
        continue
      }
      let j = i
      while (j + 1 < width && !row[j + 1]) j++
      const cx = (c0 + i + 0.5) * COL_DEG - 180
      const cy = (r + 0.5) * ROW_DEG - 90
      if (pointInArea(polygons, cx, cy)) push(base + i, base + j, true)
      i = j + 1
    }
  }
  return ranges
}

/** Where a cell stands against the cover: 'inside', 'boundary' or 'outside' (binary search). */
export function classifyCell(ranges: CellRange[], cell: number): 'inside' | 'boundary' | 'outside' {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const range = ranges[mid]
    if (cell < range.lo) hi = mid - 1
    else if (cell > range.hi) lo = mid + 1
    else return range.inside ? 'inside' : 'boundary'
  }
  return 'outside'
}
