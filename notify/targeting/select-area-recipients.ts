// Targeting: the web push subscriptions an alert reaches — those that want its severity and have
// ANY place inside the area — one batch at a time with a resumable cursor, so the fan-out streams
// (first messages long before the last recipient is found) and memory stays bounded.
import { bbox as turfBbox, booleanPointInPolygon } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import type { Db } from '#notify/ledger/db.ts'

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
  /** places looked at (after the index) */
  candidates: number
}

export type SelectOptions = { area: AlertAreaGeometry; severity: AlertSeverity; after?: string | null; batchSize?: number }

/** One batch of recipients after `after` (null: from the start). */
export async function selectAreaRecipientsBatch(db: Db, options: SelectOptions): Promise<AreaRecipientsBatch> {
  const batchSize = options.batchSize ?? 2000
  const area: Feature<Polygon | MultiPolygon> = { type: 'Feature', properties: {}, geometry: options.area as Polygon | MultiPolygon }
  const [minX, minY, maxX, maxY] = turfBbox(area)
  const candidates = await db.$queryRawUnsafe<{ id: string; places: [number, number][]; minSeverity: AlertSeverity }[]>(
    `SELECT "id", "places", "minSeverity" FROM "PushSubscription"
      WHERE "id" > $1 AND "maxLng" >= $2 AND "minLng" <= $3 AND "maxLat" >= $4 AND "minLat" <= $5
      ORDER BY "id" LIMIT $6::int`,
    options.after ?? '',
    minX,
    maxX,
    minY,
    maxY,
    batchSize,
  )
  const recipients: string[] = []
  for (const candidate of candidates) {
    if (!wantsSeverity(candidate.minSeverity, options.severity)) continue
    const inside = candidate.places.some(
      ([lng, lat]) => lng >= minX && lng <= maxX && lat >= minY && lat <= maxY && booleanPointInPolygon([lng, lat], area),
    )
    if (inside) recipients.push(candidate.id)
  }
  return { recipients, cursor: candidates.at(-1)?.id ?? options.after ?? null, done: candidates.length < batchSize, candidates: candidates.length }
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
