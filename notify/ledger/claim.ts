// Claiming work under a lease, with the DATABASE clock (reliability row 22): a worker whose clock
// is off by minutes neither steals live leases nor fires retries early.
import { randomUUID } from 'node:crypto'
import type { Db } from './db.ts'

export type ClaimedDelivery = {
  id: bigint
  alertId: string
  channel: string
  recipientKey: string
  /** attempts including this one */
  attempts: number
  idempotencyKey: string
}

export type Claim = { token: string; deliveries: ClaimedDelivery[] }

/**
 * Claim up to `limit` due PENDING deliveries of one channel (none while the channel is paused by a
 * Retry-After). attempts is counted at claim time, so a recipient that kills its worker every time
 * still reaches the dead-letter list.
 */
export async function claimDeliveries(db: Db, options: { channel: string; limit: number; leaseMs: number; token?: string }): Promise<Claim> {
  const token = options.token ?? randomUUID()
  const deliveries = await db.$queryRawUnsafe<ClaimedDelivery[]>(
    `UPDATE "Delivery" SET "status" = 'SENDING', "leaseToken" = $1,
            "leaseExpiresAt" = now() + ($2::int * interval '1 millisecond'),
            "attempts" = "attempts" + 1, "updatedAt" = now()
      WHERE "id" IN (
        SELECT "id" FROM "Delivery"
         WHERE "channel" = $3 AND "status" = 'PENDING' AND "nextAttemptAt" <= now()
           AND NOT EXISTS (SELECT 1 FROM "ChannelPause" p WHERE p."channel" = $3 AND p."pausedUntil" > now())
           -- an Update or Cancel superseded the alert: nothing of it goes out any more (decision 008).
           -- OFFSET 0 keeps this a per-row filter: as an anti-join the planner misjudged how many
           -- rows survive it, read every pending row and sorted them (18 ms a claim at 50,000
           -- pending instead of 0.6 ms walking the index below in order)
           AND NOT EXISTS (SELECT 1 FROM "Alert" a WHERE a."id" = "Delivery"."alertId" AND a."supersededAt" IS NOT NULL OFFSET 0)
         -- due first, then in order of fan-out: the order of the partial index Delivery_pending_due_idx
         ORDER BY "nextAttemptAt", "id" LIMIT $4::int
         FOR UPDATE SKIP LOCKED)
      RETURNING "id", "alertId", "channel", "recipientKey", "attempts", "idempotencyKey"`,
    token,
    options.leaseMs,
    options.channel,
    options.limit,
  )
  deliveries.sort((a, b) => (a.id < b.id ? -1 : 1))
  return { token, deliveries }
}

/**
 * Leases that ran out (the worker died or froze): back to PENDING at once, or DEAD when the
 * attempts are used up, or CANCELLED when an Update/Cancel superseded the alert meanwhile. Each is
 * logged as an attempt. Returns how many were reclaimed.
 */
export async function reclaimExpiredLeases(db: Db, options: { maxAttempts: number }): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ id: bigint }[]>(
    `WITH expired AS (
       UPDATE "Delivery" SET
              "status" = (CASE WHEN EXISTS (SELECT 1 FROM "Alert" a WHERE a."id" = "Delivery"."alertId" AND a."supersededAt" IS NOT NULL)
                               THEN 'CANCELLED' WHEN "attempts" >= $1::int THEN 'DEAD' ELSE 'PENDING' END)::"DeliveryStatus",
              -- nextAttemptAt stays as it was (in the past): these rows waited longest and are
              -- claimed first again (the claim takes the due rows in nextAttemptAt order)
              "lastError" = 'lease expired', "leaseToken" = NULL, "leaseExpiresAt" = NULL,
              "updatedAt" = now()
        WHERE "id" IN (SELECT "id" FROM "Delivery" WHERE "status" = 'SENDING' AND "leaseExpiresAt" < now()
                        FOR UPDATE SKIP LOCKED)
        RETURNING "id", "attempts", "status")
     INSERT INTO "DeliveryAttempt" ("deliveryId", "attempt", "at", "result", "detail")
     SELECT "id", "attempts", now(), CASE "status" WHEN 'DEAD' THEN 'dead' WHEN 'CANCELLED' THEN 'cancelled' ELSE 'lease-expired' END,
            'lease expired before a result was written'
       FROM expired
     RETURNING "deliveryId" AS "id"`,
    options.maxAttempts,
  )
  return rows.length
}

/**
 * Give claimed deliveries back without an attempt (channel paused mid-batch, worker shutting
 * down): PENDING again after `delayMs`, attempts not counted. Only while the lease is ours.
 */
export async function releaseDeliveries(db: Db, token: string, ids: bigint[], delayMs = 0): Promise<number> {
  if (ids.length === 0) return 0
  return db.$executeRawUnsafe(
    `UPDATE "Delivery" SET "status" = 'PENDING', "attempts" = GREATEST("attempts" - 1, 0), "leaseToken" = NULL,
            "leaseExpiresAt" = NULL, "updatedAt" = now(),
            -- given back at once: first in line again, as before the claim; after a delay (a pause)
            "nextAttemptAt" = CASE WHEN $3::int > 0 THEN now() + ($3::int * interval '1 millisecond') ELSE "nextAttemptAt" END
      WHERE "id" IN (SELECT x::bigint FROM json_array_elements_text($2::json) AS x)
        AND "leaseToken" = $1 AND "status" = 'SENDING'`,
    token,
    JSON.stringify(ids.map(String)),
    Math.ceil(delayMs),
  )
}
