// Fan-out: turn an issued alert into Delivery rows, one batch of candidate subscriptions at a time,
// so the first messages go out long before the last rows exist. Set-based: one INSERT … SELECT per
// batch. The unique alert × channel × recipient gives one message per address per alert. An area
// batch is inserted without ON CONFLICT (decision 026: the selection emits each subscription once,
// and ON CONFLICT's speculative insertion cost a third of the insert); should a row exist already
// (a subscription that moved its place past the cursor mid fan-out, a cursor of an older format),
// the unique index refuses the batch, its transaction rolls back and the batch is done again with
// ON CONFLICT DO NOTHING. The alert row is locked FOR UPDATE SKIP LOCKED while a worker fans it
// out, so two workers never work on the same alert at once; a channel's own loop with nothing
// else to do waits for that lock instead of passing (one batch, decision 027).
import type { MultiPolygon, Polygon } from 'geojson'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { areaIndexes, selectAreaRecipientsBatch, type AreaIndex } from '#notify/targeting/select-area-recipients.ts'
import type { ClaimedDelivery } from './claim.ts'
import type { Db } from './db.ts'
import { fanOutReferences, fanOutReferencesOnly, REFERENCES_SETTLED_SQL, stopSupersededFanOut, type ReferencingAlert } from './fan-out-references.ts'

export const WEB_PUSH_CHANNEL = 'webpush'
export const SMS_CHANNEL = 'sms'

/** The channels targeted by area, in the order an alert is fanned out to them. */
const AREA_CHANNELS = Object.keys(areaIndexes) as AreaIndex[]

/**
 * Where the fan-out of an alert stands, per area channel (decision 027): Alert.fanoutCursors maps
 * a channel to the keyset cursor of its place index (null: started at the top) or to true (its
 * area phase is done); a channel not named has not started. Each area channel goes on its own, so
 * SMS does not wait for the whole web push selection.
 */
export type FanOutCursors = Partial<Record<AreaIndex, string | null | true>>

/** The area channels of an alert whose area phase is not done, in AREA_CHANNELS order. */
export function pendingAreaChannels(cursors: FanOutCursors | null, channels: readonly string[]): AreaIndex[] {
  return AREA_CHANNELS.filter((c) => channels.includes(c) && cursors?.[c] !== true)
}

export type FanOutResult = {
  alertId: string
  candidates: number
  inserted: number
  done: boolean
  /** with `claim`: the rows inserted already claimed (SENDING), in batches of `claim.batch` rows, each
   * under a lease token of its own ("<token>:<n>"), in id order */
  claimed?: { token: string; deliveries: ClaimedDelivery[] }[]
}

/** SQL on an "Alert" row aliased `a`: it has area phases (not superseded, not a Cancel, no named recipients) */
const HAS_AREA_PHASES_SQL = `(a."supersededAt" IS NULL AND a."msgType" <> 'Cancel' AND cardinality(a."recipientKeys") = 0)`
/** SQL: area channel `c` (a text expression) of the alert `a` is chosen and its area phase not done */
const areaPendingSql = (c: string) => `(${c} = ANY(a."channels") AND (a."fanoutCursors" -> ${c}) IS DISTINCT FROM 'true'::jsonb)`
const AREA_CHANNELS_SQL = `ARRAY[${AREA_CHANNELS.map((c) => `'${c}'`).join(', ')}]::text[]`

export type FanOutOptions = {
  batchSize?: number
  /**
   * Claim what is fanned out (decision 023): only an alert with this channel's area phase to do, and
   * its rows are inserted SENDING (attempt 1) in batches of `batch`, each under a lease token of
   * its own, for the caller to send next — no separate claim. While the channel is paused
   * (Retry-After) they are inserted PENDING instead.
   */
  claim?: { channel: string; token: string; leaseMs: number; batch: number }
  /** area phases left to the callers that fan out with `claim` (their channels' own loops) */
  skipPhases?: readonly string[]
}

/** Fan out one batch of the oldest alert whose fan-out is not done; null when there is none. */
export async function fanOutBatch(prisma: PrismaClient, options: FanOutOptions = {}): Promise<FanOutResult | null> {
  try {
    return await fanOutBatchOnce(prisma, options, false)
  } catch (error) {
    // the alert stayed locked past LOCK_WAIT_MS: nothing fanned out this time, the caller comes back
    if (sqlState(error) === '55P03') return null
    // a recipient of the batch has its row already: the batch rolled back; again, skipping those
    if (!isUniqueViolation(error)) throw error
    return fanOutBatchOnce(prisma, options, true)
  }
}

/** How long a channel's own loop waits for an alert another caller has locked. */
const LOCK_WAIT_MS = 2000

/** The SQLSTATE of an error PostgreSQL raised under a raw query, on either driver adapter. */
export function sqlState(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; code?: string } } } } | null)?.meta
  const cause = meta?.driverAdapterError?.cause
  return cause?.originalCode ?? cause?.code
}

/** A unique violation raised by PostgreSQL (23505) under a raw query, on either driver adapter. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505'
}

async function fanOutBatchOnce(prisma: PrismaClient, options: FanOutOptions, onConflict: boolean): Promise<FanOutResult | null> {
  const skipExisting = onConflict ? 'ON CONFLICT ("alertId", "channel", "recipientKey") DO NOTHING' : ''
  const batchSize = options.batchSize ?? 2000
  const claim = options.claim
  // claim: an alert with this channel's area phase to do; skipPhases: an alert with something to
  // do besides those channels' area phases (another area channel, or what comes after them)
  const phase = claim
    ? { sql: `AND ${HAS_AREA_PHASES_SQL} AND ${areaPendingSql('$1::text')}`, param: claim.channel }
    : options.skipPhases?.length
      ? {
          sql: `AND (NOT ${HAS_AREA_PHASES_SQL}
                 OR EXISTS (SELECT 1 FROM unnest(${AREA_CHANNELS_SQL}) c WHERE ${areaPendingSql('c')} AND c <> ALL($1::text[]))
                 OR NOT EXISTS (SELECT 1 FROM unnest(${AREA_CHANNELS_SQL}) c WHERE ${areaPendingSql('c')}))`,
          param: [...options.skipPhases],
        }
      : undefined
  // an alert whose fan-out is not done; an Update/Cancel waits (passed over) while what it refers
  // to still has sends in flight
  const waitingSql = `FROM "Alert" a WHERE "fanoutDoneAt" IS NULL AND ("supersededAt" IS NOT NULL OR ${REFERENCES_SETTLED_SQL}) ${phase?.sql ?? ''}`
  const params = phase ? [phase.param] : []
  // a look without a transaction first: most rounds find nothing to fan out (or only what a
  // channel's own claims fan out), and BEGIN/COMMIT would cost them two round trips more
  const waiting = await prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT a."id" ${waitingSql} ORDER BY "createdAt", "id" LIMIT 1`, ...params)
  if (waiting.length === 0) return null
  return prisma.$transaction(async (tx) => {
    type Locked = { area: Polygon | MultiPolygon; severity: AlertSeverity; fanoutCursors: FanOutCursors | null; supersededAt: Date | null; recipientKeys: string[] } & ReferencingAlert
    const columns = `"id", "area", "severity", "fanoutCursors", "msgType", "channels", "referencedAlertIds", "supersededAt", "recipientKeys"`
    let alerts = await tx.$queryRawUnsafe<Locked[]>(`SELECT ${columns} ${waitingSql} ORDER BY "createdAt", "id" LIMIT 1 FOR UPDATE OF a SKIP LOCKED`, ...params)
    if (alerts.length === 0 && claim) {
      // every waiting alert is locked by another caller's batch (the alert's lock is one for all
      // its channels): a channel's own loop, having nothing else to send, waits for the oldest one
      // instead of passing — its turn comes after that one batch, so another channel's loop that
      // fans out the same alert cannot hold SMS back for its whole selection (decision 027). It
      // holds no lock while it waits, and not longer than LOCK_WAIT (then it passes, as before).
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${LOCK_WAIT_MS}ms'`)
      alerts = await tx.$queryRawUnsafe<Locked[]>(
        `SELECT ${columns} ${waitingSql} AND a."id" = $${params.length + 1} FOR UPDATE OF a`,
        ...params,
        waiting[0].id,
      )
    }
    if (alerts.length === 0) return null
    const alert = alerts[0]
    // superseded meanwhile: stop; a Cancel (or an alert without an area channel): only who was reached
    if (alert.supersededAt) return stopSupersededFanOut(tx, alert.id)
    // named recipients (CAP scope Private): each on every chosen channel, in one statement
    if (alert.recipientKeys.length > 0 && alert.msgType !== 'Cancel') return fanOutNamedRecipients(tx, alert)
    const areaChannels = AREA_CHANNELS.filter((c) => alert.channels.includes(c))
    const pending = pendingAreaChannels(alert.fanoutCursors, areaChannels)
    if (alert.msgType === 'Cancel' || areaChannels.length === 0 || (!claim && pending.length === 0)) {
      // an Alert or Update without area channels, or (the fan-out loop) with every area phase done
      // before: the groups and accounts; then, also for a Cancel, who was reached
      if (alert.msgType !== 'Cancel') await fanOutGroupsAndAccounts(tx, alert.id)
      return fanOutReferencesOnly(tx, alert)
    }
    // the spatial index of the channel (notify/targeting): recipients in the area, once per
    // address, in batches. Each area channel on its own (decision 027): a claiming caller its own
    // channel, the fan-out loop the first one not left to the channels' own loops
    const channel = claim ? (claim.channel as AreaIndex) : pending.find((c) => !options.skipPhases?.includes(c))
    // the look and the lock disagree (another caller moved the alert on meanwhile): nothing to do
    if (channel === undefined || !pending.includes(channel)) return null
    const stored = alert.fanoutCursors?.[channel]
    const cursor = typeof stored === 'string' ? stored : null
    const selected = await selectAreaRecipientsBatch(tx, { index: channel, area: alert.area as AlertAreaGeometry, severity: alert.severity, after: cursor, batchSize })
    const recipients = selected.recipients
    let inserted = 0
    let claimed: FanOutResult['claimed']
    if (recipients.length > 0 && claim && claim.channel === channel) {
      // only what the caller cannot know (each value returned costs the driver): the rest of a
      // claimed delivery is the alert, the channel, attempt 1 and the idempotency key built as above
      const rows = await tx.$queryRawUnsafe<{ id: bigint; recipientKey: string; leaseToken: string | null }[]>(
        `WITH paused AS (
           SELECT EXISTS (SELECT 1 FROM "ChannelPause" p WHERE p."channel" = $2 AND p."pausedUntil" > now()) AS "on"),
         ins AS (
           INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt",
                                   "status", "leaseToken", "leaseExpiresAt", "attempts")
           SELECT $1, $2, r, $1 || ':' || $2 || ':' || r, CASE WHEN paused."on" THEN now() END, now(), now(),
                  (CASE WHEN paused."on" THEN 'PENDING' ELSE 'SENDING' END)::"DeliveryStatus",
                  CASE WHEN paused."on" THEN NULL ELSE $4 || ':' || ((n - 1) / $6::int) END,
                  CASE WHEN paused."on" THEN NULL ELSE now() + ($5::int * interval '1 millisecond') END,
                  CASE WHEN paused."on" THEN 0 ELSE 1 END
             FROM json_array_elements_text($3::json) WITH ORDINALITY AS x(r, n) CROSS JOIN paused
           ${skipExisting}
           RETURNING "id", "recipientKey", "leaseToken"),
         -- one open lease per send-sized batch (decision 024)
         leases AS (
           INSERT INTO "DeliveryLease" ("token", "channel", "claimedAt", "expiresAt")
           SELECT DISTINCT "leaseToken", $2, now(), now() + ($5::int * interval '1 millisecond') FROM ins WHERE "leaseToken" IS NOT NULL)
         SELECT * FROM ins`,
        alert.id,
        channel,
        JSON.stringify(recipients),
        claim.token,
        claim.leaseMs,
        claim.batch,
      )
      inserted = rows.length
      const byToken = new Map<string, ClaimedDelivery[]>()
      for (const { id, recipientKey, leaseToken } of rows) {
        if (!leaseToken) continue
        const d: ClaimedDelivery = { id: BigInt(id), alertId: alert.id, channel, recipientKey, attempts: 1, idempotencyKey: `${alert.id}:${channel}:${recipientKey}` }
        const list = byToken.get(leaseToken)
        if (list) list.push(d)
        else byToken.set(leaseToken, [d])
      }
      claimed = [...byToken].map(([token, deliveries]) => ({ token, deliveries: deliveries.sort((a, b) => (a.id < b.id ? -1 : 1)) }))
      claimed.sort((a, b) => (a.deliveries[0].id < b.deliveries[0].id ? -1 : 1))
    } else if (recipients.length > 0) {
      inserted = await tx.$executeRawUnsafe(
        `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt")
         SELECT $1, $2, r, $1 || ':' || $2 || ':' || r, now(), now(), now()
           FROM json_array_elements_text($3::json) AS r
         ${skipExisting}`,
        alert.id,
        channel,
        JSON.stringify(recipients),
      )
    }
    // the channel's cursor, or true when its selection is done; the last area channel to finish
    // does what comes after, in the same transaction
    let done = false
    if (selected.done && pending.length === 1) {
      await fanOutGroupsAndAccounts(tx, alert.id)
      // an Update also reaches everyone the alerts it refers to reached (decision 008)
      const reached = await fanOutReferences(tx, alert)
      inserted += reached.inserted
      done = reached.ready
    }
    await tx.$executeRawUnsafe(
      `UPDATE "Alert" SET "fanoutCursors" = jsonb_set(COALESCE("fanoutCursors", '{}'::jsonb), ARRAY[$2::text], $3::jsonb),
                          "fanoutDoneAt" = CASE WHEN $4::boolean THEN now() END
        WHERE "id" = $1`,
      alert.id,
      channel,
      JSON.stringify(selected.done ? true : (selected.cursor ?? null)),
      done,
    )
    return { alertId: alert.id, candidates: selected.candidates, inserted, done, ...(claimed ? { claimed } : {}) }
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
