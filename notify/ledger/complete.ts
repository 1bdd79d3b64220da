// Writing results back: one statement per batch. A result counts only while the worker still
// holds the lease (same token, still SENDING): a worker that froze past its lease and woke up has
// its results refused (reliability row 4) — they are kept as 'stale' attempts for the report.
// An accepted send is recorded on the delivery itself (sentAt, sentHttpStatus, providerMessageId),
// not as a DeliveryAttempt row: the common case writes one row version, not two rows (decision
// 023). Every other result (retry, permanent, dead, cancelled, stale) is an attempt row.
import type { SendResult } from '#notify/channels/contract.ts'
import { backoffDelay, type BackoffPolicy } from './backoff.ts'
import type { ClaimedDelivery } from './claim.ts'
import type { Db } from './db.ts'

export type RetryPolicy = { maxAttempts: number; backoff: BackoffPolicy; random?: () => number }

export type Outcome = { delivery: ClaimedDelivery; result: SendResult; /** sent to the exercise sink */ exercise?: boolean }

type Row = {
  id: string
  attempt: number
  status: 'SENT' | 'PENDING' | 'FAILED' | 'DEAD'
  delayMs: number
  error: string | null
  pmid: string | null
  result: string
  http: number | null
  detail: string | null
}

/** What the ledger makes of one adapter result. */
export function decide(outcome: Outcome, policy: RetryPolicy): Row {
  const { delivery, result } = outcome
  const base = { id: String(delivery.id), attempt: delivery.attempts, http: result.httpStatus ?? null, delayMs: 0, pmid: null }
  switch (result.kind) {
    case 'sent':
      return { ...base, status: 'SENT', error: null, pmid: result.providerMessageId ?? null, result: outcome.exercise ? 'exercise' : 'sent', detail: result.providerMessageId ?? null }
    case 'permanent':
      return { ...base, status: 'FAILED', error: result.reason, result: 'permanent', detail: `${result.deadAddress ? 'dead address: ' : ''}${result.reason}` }
    case 'retry': {
      if (delivery.attempts >= policy.maxAttempts) {
        return { ...base, status: 'DEAD', error: `${delivery.attempts} attempts; last: ${result.reason}`, result: 'dead', detail: result.reason }
      }
      const delayMs = Math.max(result.afterMs ?? 0, backoffDelay(delivery.attempts, policy.backoff, policy.random))
      return { ...base, status: 'PENDING', delayMs, error: result.reason, result: 'retry', detail: result.reason }
    }
  }
}

/**
 * Write a batch of outcomes claimed under `token`. Returns the ids whose result was accepted
 * (the others were stale). Call inside a transaction when side effects must go with it.
 */
export async function completeDeliveries(db: Db, token: string, outcomes: Outcome[], policy: RetryPolicy): Promise<Set<bigint>> {
  if (outcomes.length === 0) return new Set()
  const rows = outcomes.map((o) => decide(o, policy))
  if (rows.every((r) => r.status === 'SENT')) return completeSent(db, token, rows)
  const accepted = await db.$queryRawUnsafe<{ id: bigint }[]>(
    `WITH input AS (
       SELECT * FROM json_to_recordset($2::json) AS x("id" bigint, "attempt" int, "status" text, "delayMs" int,
                                                       "error" text, "pmid" text, "result" text, "http" int, "detail" text)),
     lease AS MATERIALIZED (SELECT $1::text AS "token", 'SENDING'::"DeliveryStatus" AS "state"),
     upd AS (
       UPDATE "Delivery" d SET "leaseToken" = NULL, "leaseExpiresAt" = NULL,
              -- an alert an Update/Cancel superseded meanwhile is not retried (decision 008)
              "status" = (CASE WHEN i."status" IN ('PENDING', 'DEAD') AND EXISTS (
                                 SELECT 1 FROM "Alert" a WHERE a."id" = d."alertId" AND a."supersededAt" IS NOT NULL)
                               THEN 'CANCELLED' ELSE i."status" END)::"DeliveryStatus",
              "nextAttemptAt" = CASE WHEN i."status" = 'PENDING' THEN now() + i."delayMs" * interval '1 millisecond' ELSE d."nextAttemptAt" END,
              "lastError" = i."error", "providerMessageId" = COALESCE(i."pmid", d."providerMessageId"), "updatedAt" = now(),
              "sentAt" = CASE WHEN i."status" = 'SENT' THEN now() ELSE d."sentAt" END,
              "sentHttpStatus" = CASE WHEN i."status" = 'SENT' THEN i."http" ELSE d."sentHttpStatus" END
         FROM input i
        -- The rows are found by primary key, one probe per result; lease and state are checked on
        -- the row found. The expected token and state come from a materialised CTE so that the
        -- planner cannot use them to pick rows: with d."status" = 'SENDING' it read the partial
        -- index of SENDING rows instead, and as a fresh lease token is never in the statistics it
        -- expected one row there and compared it with every input row — for each of the 500 rows
        -- it found (250,000 comparisons: 60 ms a batch instead of 8).
          CROSS JOIN lease
        WHERE d."id" = i."id" AND d."leaseToken" = lease."token" AND d."status" = lease."state"
        RETURNING d."id", d."status"),
     att AS (
       INSERT INTO "DeliveryAttempt" ("deliveryId", "attempt", "at", "result", "httpStatus", "detail")
       SELECT i."id", i."attempt", now(),
              CASE WHEN u."id" IS NULL THEN 'stale' WHEN u."status" = 'CANCELLED' THEN 'cancelled' ELSE i."result" END, i."http",
              CASE WHEN u."id" IS NULL THEN 'lease lost, result refused: ' || i."result" || COALESCE(': ' || i."detail", '')
                   ELSE i."detail" END
         FROM input i LEFT JOIN upd u ON u."id" = i."id"
        -- an accepted send is on the delivery row (sentAt); everything else is an attempt row
        WHERE u."id" IS NULL OR u."status" <> 'SENT')
     SELECT "id" FROM upd`,
    token,
    JSON.stringify(rows),
  )
  return new Set(accepted.map((r) => BigInt(r.id)))
}

/** A provider's Retry-After pauses the whole channel (database clock); a longer pause wins. */
export async function pauseChannel(db: Db, channel: string, afterMs: number, reason: string): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "ChannelPause" ("channel", "pausedUntil", "reason")
     VALUES ($1, now() + ($2::int * interval '1 millisecond'), $3)
     ON CONFLICT ("channel") DO UPDATE
       SET "pausedUntil" = GREATEST("ChannelPause"."pausedUntil", EXCLUDED."pausedUntil"), "reason" = EXCLUDED."reason"`,
    channel,
    Math.ceil(afterMs),
    reason,
  )
}

/**
 * The usual batch: every result a send the provider accepted. The UPDATE has nothing to decide (no
 * retry, no supersession check: a send that went out stays sent); the results of a lease lost
 * meanwhile become 'stale' attempt rows in the same statement.
 */
async function completeSent(db: Db, token: string, rows: Row[]): Promise<Set<bigint>> {
  const accepted = await db.$queryRawUnsafe<{ id: bigint }[]>(
    `WITH input AS (
       SELECT * FROM json_to_recordset($2::json) AS x("id" bigint, "attempt" int, "pmid" text, "result" text, "http" int)),
     lease AS MATERIALIZED (SELECT $1::text AS "token", 'SENDING'::"DeliveryStatus" AS "state"),
     upd AS (
       UPDATE "Delivery" d SET "leaseToken" = NULL, "leaseExpiresAt" = NULL, "status" = 'SENT', "lastError" = NULL,
              "providerMessageId" = COALESCE(i."pmid", d."providerMessageId"), "updatedAt" = now(),
              "sentAt" = now(), "sentHttpStatus" = i."http"
         FROM input i
        -- found by primary key; lease and state checked on the row found (see completeDeliveries)
        CROSS JOIN lease
        WHERE d."id" = i."id" AND d."leaseToken" = lease."token" AND d."status" = lease."state"
        RETURNING d."id"),
     stale AS (
       INSERT INTO "DeliveryAttempt" ("deliveryId", "attempt", "at", "result", "httpStatus", "detail")
       SELECT i."id", i."attempt", now(), 'stale', i."http", 'lease lost, result refused: ' || i."result" || COALESCE(': ' || i."pmid", '')
         FROM input i WHERE NOT EXISTS (SELECT 1 FROM upd u WHERE u."id" = i."id"))
     SELECT "id" FROM upd`,
    token,
    // (a sent result's detail is its provider message id: not sent twice)
    JSON.stringify(rows.map((r) => ({ id: r.id, attempt: r.attempt, pmid: r.pmid, result: r.result, http: r.http }))),
  )
  return new Set(accepted.map((r) => BigInt(r.id)))
}
