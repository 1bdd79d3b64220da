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
 * still reaches the dead-letter list. The lease is a DeliveryLease row (decision 024).
 */
export async function claimDeliveries(db: Db, options: { channel: string; limit: number; leaseMs: number; token?: string }): Promise<Claim> {
  const token = options.token ?? randomUUID()
  const deliveries = await db.$queryRawUnsafe<ClaimedDelivery[]>(
    `WITH claimed AS (
       UPDATE "Delivery" SET "status" = 'SENDING', "leaseToken" = $1, "nextAttemptAt" = NULL,
              "leaseExpiresAt" = now() + ($2::int * interval '1 millisecond'),
              "attempts" = "attempts" + 1, "updatedAt" = now()
        WHERE "id" IN (
          SELECT "id" FROM "Delivery"
           -- due PENDING rows, which are exactly the rows with a nextAttemptAt and no lease token
           -- (CHECK constraints), read in order from the partial index of such rows. Both
           -- conditions are its predicate: without statistics (PGlite never analyses) the planner
           -- takes "nextAttemptAt IS NOT NULL" alone for 99.5 % of the table, an index too big to
           -- walk, and sorted every pending row instead; "leaseToken IS NULL" counts as 0.5 %
           WHERE "channel" = $3 AND "nextAttemptAt" <= now() AND "leaseToken" IS NULL
             AND NOT EXISTS (SELECT 1 FROM "ChannelPause" p WHERE p."channel" = $3 AND p."pausedUntil" > now())
             -- an Update or Cancel superseded the alert: nothing of it goes out any more (decision 008).
             -- OFFSET 0 keeps this a per-row filter: as an anti-join the planner misjudged how many
             -- rows survive it, read every pending row and sorted them (18 ms a claim at 50,000
             -- pending instead of 0.6 ms walking the index below in order)
             AND NOT EXISTS (SELECT 1 FROM "Alert" a WHERE a."id" = "Delivery"."alertId" AND a."supersededAt" IS NOT NULL OFFSET 0)
           -- due first, then in order of fan-out: the order of the partial index Delivery_pending_due_idx
           ORDER BY "nextAttemptAt", "id" LIMIT $4::int
           FOR UPDATE SKIP LOCKED)
       RETURNING "id", "alertId", "channel", "recipientKey", "attempts", "idempotencyKey"),
     lease AS (
       INSERT INTO "DeliveryLease" ("token", "channel", "claimedAt", "expiresAt")
       SELECT $1, $3, now(), now() + ($2::int * interval '1 millisecond') WHERE EXISTS (SELECT 1 FROM claimed))
     SELECT * FROM claimed`,
    token,
    options.leaseMs,
    options.channel,
    options.limit,
  )
  deliveries.sort((a, b) => (a.id < b.id ? -1 : 1))
  return { token, deliveries }
}

/**
 * Leases that ran out (the worker died or froze): their deliveries back to PENDING at once, or DEAD
 * when the attempts are used up, or CANCELLED when an Update/Cancel superseded the alert meanwhile.
 * Each is logged as an attempt. The sweep starts at the expired DeliveryLease rows (decision 024)
 * and deletes them. Returns how many deliveries were reclaimed.
 */
export async function reclaimExpiredLeases(db: Db, options: { maxAttempts: number }): Promise<number> {
  // usually none has expired: a one-line look first, not the sweep's statement
  const expired = await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "DeliveryLease" WHERE "expiresAt" < now() LIMIT 1`)
  if (expired.length === 0) return 0
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(
    `WITH leases AS (
       DELETE FROM "DeliveryLease" WHERE "token" IN (
         SELECT "token" FROM "DeliveryLease" WHERE "expiresAt" < now() ORDER BY "expiresAt" LIMIT 100 FOR UPDATE SKIP LOCKED)
       RETURNING "token", "claimedAt"),
     expired AS (
       UPDATE "Delivery" d SET ("status", "nextAttemptAt", "failedAt") = (
         SELECT s."status"::"DeliveryStatus",
                -- due again from the moment they were claimed: these rows waited longest and are
                -- claimed first again (the claim takes the due rows in nextAttemptAt order)
                CASE WHEN s."status" = 'PENDING' THEN (SELECT l."claimedAt" FROM leases l WHERE l."token" = d."leaseToken") END,
                CASE WHEN s."status" = 'DEAD' THEN now() END
           FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM "Alert" a WHERE a."id" = d."alertId" AND a."supersededAt" IS NOT NULL)
                             THEN 'CANCELLED' WHEN d."attempts" >= $1::int THEN 'DEAD' ELSE 'PENDING' END AS "status") s),
              "lastError" = 'lease expired', "leaseToken" = NULL, "leaseExpiresAt" = NULL,
              "updatedAt" = now()
        -- the tokens as an array: one probe of the lease token index each (as a join the planner,
        -- expecting many leases, read the whole table)
        WHERE d."leaseToken" = ANY(ARRAY(SELECT "token" FROM leases)) AND d."status" = 'SENDING'
        RETURNING d."id", d."attempts", d."status"),
     attempts AS (
       INSERT INTO "DeliveryAttempt" ("deliveryId", "attempt", "at", "result", "detail")
       SELECT "id", "attempts", now(), CASE "status" WHEN 'DEAD' THEN 'dead' WHEN 'CANCELLED' THEN 'cancelled' ELSE 'lease-expired' END,
              'lease expired before a result was written'
         FROM expired)
     SELECT count(*)::int AS "n" FROM expired`,
    options.maxAttempts,
  )
  return rows[0]?.n ?? 0
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
            -- given back at once: first in line again, due from the claim; after a delay (a pause)
            "nextAttemptAt" = CASE WHEN $3::int > 0 THEN now() + ($3::int * interval '1 millisecond')
                                   ELSE COALESCE((SELECT l."claimedAt" FROM "DeliveryLease" l WHERE l."token" = $1), now()) END
      WHERE "id" IN (SELECT x::bigint FROM json_array_elements_text($2::json) AS x)
        AND "leaseToken" = $1 AND "status" = 'SENDING'`,
    token,
    JSON.stringify(ids.map(String)),
    Math.ceil(delayMs),
  )
}

/**
 * Close a lease once its batch is written: every delivery of it has its result, was given back, or
 * was refused as stale (no longer this lease's). Nothing of it is SENDING any more, so the sweep of
 * expired leases has nothing to take back. (A worker that dies before this leaves the lease to the
 * sweep, which finds what is still SENDING and deletes it.)
 */
export async function closeLease(db: Db, token: string): Promise<void> {
  await db.$executeRawUnsafe(`DELETE FROM "DeliveryLease" WHERE "token" = $1`, token)
}
