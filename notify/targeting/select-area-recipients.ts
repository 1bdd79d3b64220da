// Targeting: the web push subscriptions an alert reaches — those that want its severity and have
// ANY place inside the area — one batch at a time with a resumable cursor, so the fan-out streams
// (the first messages go out long before the last recipient is found) and memory stays bounded.
//
// The index (decision 009): SubscriptionPlace, one row per place with a grid cell key, kept in sync
// by a trigger. The area's bounding box is covered by one key range per grid row (grid.ts), split
// into INSIDE runs (no test needed) and BOUNDARY cells; the database reads only those ranges and
// rejects by bounding box and severity, this process runs the point-in-polygon test on boundary
// places only. Places come in (cell, subscription, idx) order, which is also the cursor.
//
// One message per address: a subscription is emitted at its FIRST place (in that order) inside
// the area. A place of a subscription with several places is dropped when an earlier place of the
// same subscription is inside too — so each subscription comes once over all batches, with no
// memory of what was emitted.
import type { Position } from '#domain/geo/types.ts'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import type { Db } from '#notify/ledger/db.ts'
import { areaBbox, areaPolygons, classifyCell, coverArea, pointInArea, type Bbox, type CellRange } from './grid.ts'

const severityRank: Record<AlertSeverity, number> = { Unknown: 0, Minor: 1, Moderate: 2, Severe: 3, Extreme: 4 }

/** Does a subscriber who asked for `minSeverity` and above want an alert of `severity`? */
export function wantsSeverity(minSeverity: AlertSeverity, severity: AlertSeverity): boolean {
  // an alert of unknown severity reaches everyone
  return severity === 'Unknown' || severityRank[severity] >= severityRank[minSeverity]
}

export type AreaRecipientsBatch = {
  /** subscription ids, each at most once over all batches of one selection */
  recipients: string[]
  /** pass as `after` for the next batch */
  cursor: string | null
  done: boolean
  /** places read from the index (after its bounding-box and severity reject) */
  candidates: number
  /** of those, places that needed the point-in-polygon test */
  tested: number
}

/**
 * The subscriber kinds that are targeted by area, and their place index tables (the same grid,
 * each kept by a trigger on its subscription table): web push browsers and SMS numbers.
 */
export const areaIndexes = { webpush: 'SubscriptionPlace', sms: 'SmsSubscriptionPlace' } as const
export type AreaIndex = keyof typeof areaIndexes

export function isAreaIndex(channel: string): channel is AreaIndex {
  return Object.hasOwn(areaIndexes, channel)
}

export type SelectOptions = {
  /** whose places: web push subscriptions (default) or SMS subscriptions */
  index?: AreaIndex
  area: AlertAreaGeometry
  severity: AlertSeverity
  /** cursor of the previous batch; null or absent: from the start */
  after?: string | null
  /** places read per batch (the recipients are fewer when places are outside or doubled) */
  batchSize?: number
  /**
   * leave out subscriptions with a single place in an INSIDE cell (countRecipients counts those in
   * the database instead of reading them)
   */
  skipInsideSingles?: boolean
}

type Plan = { polygons: Position[][][]; bbox: Bbox; ranges: CellRange[] }

// the cover of the last few areas (the fan-out asks for the same area batch after batch)
const plans = new Map<string, Plan>()

function planFor(area: AlertAreaGeometry): Plan {
  const key = JSON.stringify(area)
  let plan = plans.get(key)
  if (plan) {
    plans.delete(key)
  } else {
    plan = { polygons: areaPolygons(area), bbox: areaBbox(area), ranges: coverArea(area) }
    if (plans.size >= 8) plans.delete(plans.keys().next().value!)
  }
  plans.set(key, plan)
  return plan
}

type Cursor = { cell: number; id: string; idx: number }

function parseCursor(after: string | null | undefined): Cursor {
  // "cell:idx:subscriptionId"; anything else (none yet, or an older format) starts from the top —
  // the ledger's unique (alert, channel, recipient) makes a repeated recipient harmless
  const m = after ? /^(\d+):(\d+):(.+)$/.exec(after) : null
  return m ? { cell: Number(m[1]), idx: Number(m[2]), id: m[3] } : { cell: -1, idx: -1, id: '' }
}

type PlaceRow = { id: string; idx: number; cell: number; lng: number; lat: number; placeCount: number; inside: boolean }

/** One batch of recipients after `after` (null: from the start). */
export async function selectAreaRecipientsBatch(db: Db, options: SelectOptions): Promise<AreaRecipientsBatch> {
  const batchSize = options.batchSize ?? 2000
  const table = areaIndexes[options.index ?? 'webpush']
  const plan = planFor(options.area)
  const cursor = parseCursor(options.after)
  // the ranges from the cursor's cell on; the cursor's own range starts at its cell, and only there
  // are places at or before the cursor skipped (a row comparison in the index condition would make
  // the btree start at the cursor's key in EVERY range, i.e. read the index from its beginning)
  const ranges = plan.ranges
    .filter((r) => r.hi >= cursor.cell)
    .map((r) => (r.lo <= cursor.cell ? { ...r, lo: cursor.cell, first: true } : { ...r, first: false }))
  if (ranges.length === 0) return { recipients: [], cursor: options.after ?? null, done: true, candidates: 0, tested: 0 }
  const [minX, minY, maxX, maxY] = plan.bbox
  const severityFilter = severitySql(options.severity)
  const skip = options.skipInsideSingles ? `AND NOT (r."inside" AND p."placeCount" = 1)` : ''
  // one index range scan per range, in key order, each stopping at the batch size; the nested
  // loop over the ranges (in array order) keeps that order, and the outer LIMIT stops it
  const rows = await db.$queryRawUnsafe<PlaceRow[]>(
    `SELECT x."subscriptionId" AS "id", x."idx", x."cell"::int AS "cell", x."lng", x."lat", x."placeCount", r."inside"
       FROM json_to_recordset($1::json) AS r("lo" bigint, "hi" bigint, "inside" boolean, "first" boolean)
      CROSS JOIN LATERAL (
        SELECT p."subscriptionId", p."idx", p."cell", p."lng", p."lat", p."placeCount"
          FROM "${table}" p
         WHERE p."cell" BETWEEN r."lo" AND r."hi"
           AND (NOT r."first" OR p."cell" > $2::bigint OR (p."subscriptionId", p."idx") > ($3::text, $4::int))
           AND p."lng" BETWEEN $5 AND $6 AND p."lat" BETWEEN $7 AND $8 ${severityFilter} ${skip}
         ORDER BY p."cell", p."subscriptionId", p."idx"
         LIMIT $9::int) x
      LIMIT $9::int`,
    JSON.stringify(ranges),
    cursor.cell,
    cursor.id,
    cursor.idx,
    minX,
    maxX,
    minY,
    maxY,
    batchSize,
  )
  let tested = 0
  const insideArea = (p: { cell: number; lng: number; lat: number }, inside?: boolean) => {
    const where = inside === undefined ? classifyCell(plan.ranges, p.cell) : inside ? 'inside' : 'boundary'
    if (where === 'inside') return true
    if (where === 'outside' || p.lng < minX || p.lng > maxX || p.lat < minY || p.lat > maxY) return false
    tested += 1
    return pointInArea(plan.polygons, p.lng, p.lat)
  }
  const hits = rows.filter((p) => insideArea(p, p.inside))
  // subscriptions with several places: keep a hit only when no earlier place of theirs is a hit
  const multi = [...new Set(hits.filter((p) => p.placeCount > 1).map((p) => p.id))]
  const earlierHit = new Set<string>()
  if (multi.length > 0) {
    const places = await db.$queryRawUnsafe<{ id: string; idx: number; cell: number; lng: number; lat: number }[]>(
      `SELECT "subscriptionId" AS "id", "idx", "cell"::int AS "cell", "lng", "lat" FROM "${table}"
        WHERE "subscriptionId" = ANY($1::text[])`,
      multi,
    )
    const first = new Map<string, { cell: number; idx: number }>()
    for (const q of places) {
      if (!insideArea(q)) continue
      const f = first.get(q.id)
      if (!f || q.cell < f.cell || (q.cell === f.cell && q.idx < f.idx)) first.set(q.id, q)
    }
    for (const p of hits) {
      if (p.placeCount <= 1) continue
      const f = first.get(p.id)
      if (f && (f.cell !== p.cell || f.idx !== p.idx)) earlierHit.add(`${p.id}:${p.idx}`)
    }
  }
  const recipients = hits.filter((p) => !earlierHit.has(`${p.id}:${p.idx}`)).map((p) => p.id)
  const last = rows.at(-1)
  return {
    recipients,
    cursor: last ? `${last.cell}:${last.idx}:${last.id}` : (options.after ?? null),
    done: rows.length < batchSize,
    candidates: rows.length,
    tested,
  }
}

function severitySql(severity: AlertSeverity): string {
  // enum order is Extreme < Severe < … < Unknown: "wants Severe" = minSeverity Severe or lower
  return severity === 'Unknown' ? '' : `AND p."minSeverity" >= '${severity}'::"AlertSeverity"`
}

/**
 * How many subscriptions with ONE place lie in the area's INSIDE cells and want the severity —
 * counted by the database from the index, no test needed (the rest: skipInsideSingles batches).
 */
export async function countInsideSingles(db: Db, options: { index?: AreaIndex; area: AlertAreaGeometry; severity: AlertSeverity }): Promise<number> {
  const inside = planFor(options.area).ranges.filter((r) => r.inside)
  if (inside.length === 0) return 0
  const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS "n"
       FROM json_to_recordset($1::json) AS r("lo" bigint, "hi" bigint)
       JOIN "${areaIndexes[options.index ?? 'webpush']}" p ON p."cell" BETWEEN r."lo" AND r."hi"
      WHERE p."placeCount" = 1 ${severitySql(options.severity)}`,
    JSON.stringify(inside.map(({ lo, hi }) => ({ lo, hi }))),
  )
  return row.n
}

/** Every recipient, in batches (each subscription once). */
export async function* selectAreaRecipients(db: Db, options: Omit<SelectOptions, 'after'>): AsyncGenerator<string[]> {
  let after: string | null = null
  for (;;) {
    const batch: AreaRecipientsBatch = await selectAreaRecipientsBatch(db, { ...options, after })
    if (batch.recipients.length > 0) yield batch.recipients
    if (batch.done) return
    after = batch.cursor
  }
}
