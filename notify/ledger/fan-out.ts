// Fan-out: turn an issued alert into Delivery rows, one batch of candidate subscriptions at a time,
// so the first messages go out long before the last rows exist. Set-based: one INSERT … SELECT …
// ON CONFLICT DO NOTHING per batch (the unique alert × channel × recipient makes a repeated batch
// harmless, and gives one message per address per alert). The alert row is locked FOR UPDATE SKIP
// LOCKED while a worker fans it out, so two workers never work on the same alert at once.
import type { MultiPolygon, Polygon } from 'geojson'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { areaIndexes, selectAreaRecipientsBatch, type AreaIndex } from '#notify/targeting/select-area-recipients.ts'
import type { Db } from './db.ts'
import { fanOutReferences, fanOutReferencesOnly, REFERENCES_SETTLED_SQL, stopSupersededFanOut, type ReferencingAlert } from './fan-out-references.ts'

export const WEB_PUSH_CHANNEL = 'webpush'
export const SMS_CHANNEL = 'sms'

/** The channels targeted by area, in the order an alert is fanned out to them. */
const AREA_CHANNELS = Object.keys(areaIndexes) as AreaIndex[]

/**
 * Where the fan-out of an alert stands: the area channel being selected and its index cursor,
 * stored as "channel|cursor" in Alert.fanoutCursor (a cursor without "channel|" is the web push
 * cursor of an alert fanned out before SMS existed).
 */
export function parseFanOutCursor(stored: string | null, channels: readonly AreaIndex[]): { channel: AreaIndex; cursor: string | null } {
  const bar = stored?.indexOf('|') ?? -1
  if (stored && bar > 0) {
    const channel = stored.slice(0, bar) as AreaIndex
    if (channels.includes(channel)) return { channel, cursor: stored.slice(bar + 1) || null }
  }
  return { channel: channels[0], cursor: stored && bar < 0 && channels[0] === WEB_PUSH_CHANNEL ? stored : null }
}

export type FanOutResult = { alertId: string; candidates: number; inserted: number; done: boolean }

/** Fan out one batch of the oldest alert whose fan-out is not done; null when there is none. */
export async function fanOutBatch(prisma: PrismaClient, options: { batchSize?: number } = {}): Promise<FanOutResult | null> {
  const batchSize = options.batchSize ?? 2000
  return prisma.$transaction(async (tx) => {
    // an Update/Cancel waits (passed over) while what it refers to still has sends in flight
    const alerts = await tx.$queryRawUnsafe<({ area: Polygon | MultiPolygon; severity: AlertSeverity; fanoutCursor: string | null; supersededAt: Date | null; recipientKeys: string[] } & ReferencingAlert)[]>(
      `SELECT "id", "area", "severity", "fanoutCursor", "msgType", "channels", "referencedAlertIds", "supersededAt", "recipientKeys" FROM "Alert" a
        WHERE "fanoutDoneAt" IS NULL AND ("supersededAt" IS NOT NULL OR ${REFERENCES_SETTLED_SQL})
        ORDER BY "createdAt", "id" LIMIT 1 FOR UPDATE OF a SKIP LOCKED`,
    )
    if (alerts.length === 0) return null
    const alert = alerts[0]
    // superseded meanwhile: stop; a Cancel (or an alert without an area channel): only who was reached
    if (alert.supersededAt) return stopSupersededFanOut(tx, alert.id)
    // named recipients (CAP scope Private): each on every chosen channel, in one statement
    if (alert.recipientKeys.length > 0 && alert.msgType !== 'Cancel') return fanOutNamedRecipients(tx, alert)
    const areaChannels = AREA_CHANNELS.filter((c) => alert.channels.includes(c))
    if (alert.msgType === 'Cancel' || areaChannels.length === 0) {
      // an Alert or Update without area channels: the accounts (social), then who was reached
      if (alert.msgType !== 'Cancel') await fanOutGroupsAndAccounts(tx, alert.id)
      return fanOutReferencesOnly(tx, alert)
    }
    // the spatial index of the channel (notify/targeting): recipients in the area, once per
    // address, in batches; web push first, then SMS
    const { channel, cursor } = parseFanOutCursor(alert.fanoutCursor, areaChannels)
    const selected = await selectAreaRecipientsBatch(tx, { index: channel, area: alert.area as AlertAreaGeometry, severity: alert.severity, after: cursor, batchSize })
    const recipients = selected.recipients
    let inserted = 0
    if (recipients.length > 0) {
      inserted = await tx.$executeRawUnsafe(
        `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt")
         SELECT $1, $2, r, $1 || ':' || $2 || ':' || r, now(), now(), now()
           FROM json_array_elements_text($3::json) AS r
         ON CONFLICT ("alertId", "channel", "recipientKey") DO NOTHING`,
        alert.id,
        channel,
        JSON.stringify(recipients),
      )
    }
    let done = false
    let nextCursor = `${channel}|${selected.cursor ?? ''}`
    if (selected.done) {
      const next = areaChannels[areaChannels.indexOf(channel) + 1]
      if (next) {
        nextCursor = `${next}|`
      } else {
        await fanOutGroupsAndAccounts(tx, alert.id)
        // an Update also reaches everyone the alerts it refers to reached (decision 008)
        const reached = await fanOutReferences(tx, alert)
        inserted += reached.inserted
        done = reached.ready
      }
    }
    await tx.$executeRawUnsafe(
      `UPDATE "Alert" SET "fanoutCursor" = $2, "fanoutDoneAt" = CASE WHEN $3::boolean THEN now() END WHERE "id" = $1`,
      alert.id,
      nextCursor,
      done,
    )
    return { alertId: alert.id, candidates: selected.candidates, inserted, done }
  })
}

async function fanOutNamedRecipients(tx: Db, alert: { id: string; channels: string[]; recipientKeys: string[] }): Promise<FanOutResult> {
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt")
     SELECT $1, c, r, $1 || ':' || c || ':' || r, now(), now(), now()
       FROM unnest($2::text[]) AS c CROSS JOIN unnest($3::text[]) AS r
     ON CONFLICT ("alertId", "channel", "recipientKey") DO NOTHING`,
    alert.id,
    alert.channels,
    alert.recipientKeys,
  )
  await tx.$executeRawUnsafe(`UPDATE "Alert" SET "fanoutDoneAt" = now() WHERE "id" = $1`, alert.id)
  return { alertId: alert.id, candidates: alert.recipientKeys.length, inserted, done: true }
}

/**
 * The recipients an operator picks by group rather than by area, each on its channel when the
 * alert names that channel (idempotent: the unique alert × channel × recipient):
 * - 'social': every enabled account of the alert's territory, for a PUBLIC alert only (a
 *   restricted or private alert is never posted);
 * - 'phone': every enabled desk phone of the picked, enabled paging groups (recipientKey: Phone id);
 * - 'mqtt': each picked, enabled device group (recipientKey "group:<DeviceGroup id>": one retained
 *   message on the group's topic) and the audio gateway of each picked paging group that has one
 *   ("paging:<PagingGroup id>");
 * - 'sms': every member with a mobile number of the picked staff groups ("user:<User id>").
 */
export async function fanOutGroupsAndAccounts(tx: Db, alertId: string): Promise<number> {
  return tx.$executeRawUnsafe(
    `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt")
     SELECT a."id", r."channel", r."key", a."id" || ':' || r."channel" || ':' || r."key", now(), now(), now()
       FROM "Alert" a
       CROSS JOIN LATERAL (
         SELECT 'social' AS "channel", s."id" AS "key" FROM "SocialAccount" s
          WHERE s."territoryId" = a."territoryId" AND s."enabled" AND a."payload"->>'scope' = 'Public'
         UNION ALL
         SELECT 'phone', p."id" FROM "Phone" p JOIN "PagingGroup" g ON g."id" = p."groupId"
          WHERE g."id" = ANY(a."pagingGroupIds") AND g."territoryId" = a."territoryId" AND g."enabled" AND p."enabled"
         UNION ALL
         SELECT 'mqtt', 'group:' || g."id" FROM "DeviceGroup" g
          WHERE g."id" = ANY(a."deviceGroupIds") AND g."territoryId" = a."territoryId" AND g."enabled"
         UNION ALL
         SELECT 'mqtt', 'paging:' || g."id" FROM "PagingGroup" g
          WHERE g."id" = ANY(a."pagingGroupIds") AND g."territoryId" = a."territoryId" AND g."enabled" AND g."audioGateway"
         UNION ALL
         SELECT DISTINCT 'sms', 'user:' || u."id" FROM "StaffGroupMember" m
           JOIN "StaffGroup" g ON g."id" = m."groupId" JOIN "User" u ON u."id" = m."userId"
          WHERE g."id" = ANY(a."staffGroupIds") AND g."territoryId" = a."territoryId"
            AND u."status" = 'ACTIVE' AND u."phone" IS NOT NULL
       ) r
      WHERE a."id" = $1 AND r."channel" = ANY(a."channels")
     ON CONFLICT ("alertId", "channel", "recipientKey") DO NOTHING`,
    alertId,
  )
}
