// The public alerts of a territory, straight from the database, for the feeds, the public page
// and /api/alerts/active.
//
// - 'in-force' (default): status Actual, scope Public, msgType Alert or Update, not superseded by an
//   Update or Cancel (Alert.supersededAt, set in the transaction that issued the later message),
//   not expired at `now`.
// - 'cap-index': the same plus the Cancels issued in the last `cancelRetentionMs` (default one day),
//   so that CAP aggregators reading /feeds/cap.atom learn that an alert was withdrawn.
//
// Newest first (by CAP `sent`). `lastModified` is when this list last changed: the latest issue,
// supersession or expiry among the territory's public alerts (null when there were none), which the
// feed routes use for Last-Modified and as the feed's <updated>.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { capTimeToMs } from '#notify/cap/cap-time.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { expiresMsSql, publicAlertWhereSql } from './public-alert-sql.ts'

type Db = Pick<PrismaClient, '$queryRawUnsafe' | 'alert'>

export type PublicAlert = {
  /** Alert.id */
  id: string
  alert: CapAlert
  /** when the alert was stored (Alert.createdAt) */
  issuedAt: Date
  /** epoch ms of its expiry; null when it never expires */
  expiresMs: number | null
}

export type PublicAlerts = { alerts: PublicAlert[]; lastModified: Date | null }

export type LoadPublicAlertsOptions = {
  prisma: Db
  territoryId: string
  now?: Date
  include?: 'in-force' | 'cap-index'
  /** how long a Cancel stays in the CAP index, ms; default one day */
  cancelRetentionMs?: number
  /** at most this many alerts (newest first); default 500 */
  limit?: number
}

export const defaultCancelRetentionMs = 24 * 3600_000

type Row = { id: string; expiresMs: number | null }
type ChangeRow = { changedMs: number | null }

export async function loadPublicAlerts(options: LoadPublicAlertsOptions): Promise<PublicAlerts> {
  const { prisma, territoryId } = options
  const nowMs = (options.now ?? new Date()).getTime()
  const limit = Math.max(1, Math.min(options.limit ?? 500, 5000))
  const withCancels = options.include === 'cap-index'
  const retention = options.cancelRetentionMs ?? defaultCancelRetentionMs

  const candidates = `
    SELECT a."id", a."msgType", a."createdAt", a."supersededAt",
           ${expiresMsSql('a')} AS "expiresMs"
      FROM "Alert" a
     WHERE ${publicAlertWhereSql('a')}`

  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `WITH c AS (${candidates})
     SELECT c."id", c."expiresMs" FROM c
      WHERE c."supersededAt" IS NULL
        AND (   (c."msgType" IN ('Alert', 'Update') AND (c."expiresMs" IS NULL OR c."expiresMs" > $2::float8))
             OR ($3::boolean AND c."msgType" = 'Cancel'
                 AND extract(epoch FROM c."createdAt")::float8 * 1000 > $2::float8 - $4::float8))
      ORDER BY c."createdAt" DESC, c."id"
      LIMIT ${limit}`,
    territoryId,
    nowMs,
    withCancels,
    retention,
  )

  // When the list last changed: an issue, a supersession, an expiry that has passed, or (index) a
  // Cancel leaving it. timestamp columns hold UTC, so epoch of the bare timestamp is right.
  const [change] = await prisma.$queryRawUnsafe<ChangeRow[]>(
    `WITH c AS (${candidates})
     SELECT GREATEST(
              max(extract(epoch FROM c."createdAt")::float8 * 1000),
              max(extract(epoch FROM c."supersededAt")::float8 * 1000),
              max(c."expiresMs") FILTER (WHERE c."expiresMs" <= $2::float8),
              CASE WHEN $3::boolean THEN
                max(extract(epoch FROM c."createdAt")::float8 * 1000 + $4::float8)
                  FILTER (WHERE c."msgType" = 'Cancel'
                            AND extract(epoch FROM c."createdAt")::float8 * 1000 + $4::float8 <= $2::float8)
              END
            ) AS "changedMs"
       FROM c`,
    territoryId,
    nowMs,
    withCancels,
    retention,
  )

  const byId = new Map(
    (
      await prisma.alert.findMany({
        where: { id: { in: rows.map((r) => r.id) } },
        select: { id: true, payload: true, createdAt: true },
      })
    ).map((r) => [r.id, r]),
  )
  const alerts = rows.flatMap((r): PublicAlert[] => {
    const row = byId.get(r.id)
    if (!row) return []
    return [{ id: r.id, alert: row.payload as unknown as CapAlert, issuedAt: row.createdAt, expiresMs: toNumber(r.expiresMs) }]
  })
  alerts.sort(newestFirst)
  const changedMs = toNumber(change?.changedMs ?? null)
  return { alerts, lastModified: changedMs === null ? null : new Date(Math.floor(changedMs)) }
}

/**
 * The feeds' order: CAP `sent`, newest first. `sent` has whole seconds, so two alerts issued in the
 * same second are ordered by when they were stored (newest first), then by identifier.
 */
function newestFirst(a: PublicAlert, b: PublicAlert): number {
  return (
    capTimeToMs(b.alert.sent) - capTimeToMs(a.alert.sent) ||
    b.issuedAt.getTime() - a.issuedAt.getTime() ||
    a.alert.identifier.localeCompare(b.alert.identifier)
  )
}

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
