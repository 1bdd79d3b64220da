// Writing results back: one statement per batch. A result counts only while the worker still
// holds the lease (same token, still SENDING): a worker that froze past its lease and woke up has
// its results refused (reliability row 4) — they are kept as 'stale' attempts for the report.
// An accepted send is recorded on the delivery itself (sentAt, sentHttpStatus, providerMessageId),
// not as a DeliveryAttempt row: the common case writes one row version, not two rows (decision
// 023). Every other result (retry, permanent, dead, cancelled, stale) is an attempt row. A row keeps
// its lease token, and no index names what an accepted send changes, so that write is a HOT update
// (decision 024).
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

export type CompleteOptions = {
  /** the outcomes are the whole batch: its lease is closed in the same statement (claim.ts closeLease) */
  closeLease?: boolean
}

// How both statements find their rows (decision 024): by primary key, `"id" = ANY(ids)`, with each
// row's own values looked up in a JSON object keyed by id — no join. As a join of the input with
// "Delivery", the planner, taking the lease check for a filter that leaves one row, put the input
// on the inner side of a nested loop and compared every row found with every input row (250,000
// comparisons for 500 results: 45–70 ms a batch instead of 4); on a young table it read the whole
// table to find them. The lease token is compared with IS NOT DISTINCT FROM, which no index
// answers (a token is never null), so the lease token index cannot be picked instead either.

/**
 * Write a batch of outcomes claimed under `token`. Returns the ids whose result was refused as
 * stale (the lease was lost meanwhile); every other result was accepted. Call inside a transaction
 * when side effects must go with it.
 */
export async function completeDeliveries(db: Db, token: string, outcomes: Outcome[], policy: RetryPolicy, options: CompleteOptions = {}): Promise<Set<bigint>> {
  if (outcomes.length === 0) return new Set()
  if (outcomes.every((o) => o.result.kind === 'sent')) return completeSent(db, token, outcomes, options)
  const byId: Record<string, Omit<Row, 'id'>> = {}
  for (const o of outcomes) {
    const { id, ...row } = decide(o, policy)
    byId[id] = row
  }
  const stale = await db.$queryRawUnsafe<{ ids: string | null }[]>(
    `WITH v AS MATERIALIZED (SELECT $3::jsonb AS "j"),
     upd AS (
       UPDATE "Delivery" d SET ("status", "nextAttemptAt", "failedAt", "leaseToken", "leaseExpiresAt", "lastError",
                                "providerMessageId", "receiptKey", "sentAt", "sentHttpStatus", "updatedAt") = (
         SELECT s."status"::"DeliveryStatus",
                -- due again only when PENDING, failed only when FAILED or DEAD (the CHECK constraints)
                CASE WHEN s."status" = 'PENDING' THEN now() + i."delayMs" * interval '1 millisecond' END,
                CASE WHEN s."status" IN ('FAILED', 'DEAD') THEN now() END,
                -- a retry's lease is over: a later claim gives it a new one
                CASE WHEN s."status" = 'PENDING' THEN NULL ELSE d."leaseToken" END,
                NULL::timestamp(3), i."error", COALESCE(i."pmid", d."providerMessageId"),
                CASE WHEN d."channel" = 'sms' THEN COALESCE(i."pmid", d."receiptKey") ELSE d."receiptKey" END,
                CASE WHEN s."status" = 'SENT' THEN now() ELSE d."sentAt" END,
                CASE WHEN s."status" = 'SENT' THEN i."http" ELSE d."sentHttpStatus" END,
                now()
           FROM jsonb_to_record((SELECT "j" FROM v) -> d."id"::text) AS i("status" text, "delayMs" int, "error" text, "pmid" text, "http" int)
          -- an alert an Update/Cancel superseded meanwhile is not retried (decision 008)
          CROSS JOIN LATERAL (SELECT CASE WHEN i."status" IN ('PENDING', 'DEAD') AND EXISTS (
                                            SELECT 1 FROM "Alert" a WHERE a."id" = d."alertId" AND a."supersededAt" IS NOT NULL)
                                          THEN 'CANCELLED' ELSE i."status" END AS "status") s)
        WHERE d."id" = ANY($2::bigint[]) AND d."leaseToken" IS NOT DISTINCT FROM $1 AND d."status" = 'SENDING'
        RETURNING d."id", d."status"),
     input AS (
       SELECT x."id", i.* FROM unnest($2::bigint[]) AS x("id")
        CROSS JOIN LATERAL jsonb_to_record((SELECT "j" FROM v) -> x."id"::text)
                AS i("attempt" int, "status" text, "result" text, "http" int, "detail" text)),
     att AS (
       INSERT INTO "DeliveryAttempt" ("deliveryId", "attempt", "at", "result", "httpStatus", "detail")
       SELECT i."id", i."attempt", now(),
              CASE WHEN u."id" IS NULL THEN 'stale' WHEN u."status" = 'CANCELLED' THEN 'cancelled' ELSE i."result" END, i."http",
              CASE WHEN u."id" IS NULL THEN 'lease lost, result refused: ' || i."result" || COALESCE(': ' || i."detail", '')
                   ELSE i."detail" END
         FROM input i LEFT JOIN upd u ON u."id" = i."id"
        -- an accepted send is on the delivery row (sentAt); everything else is an attempt row
        WHERE u."id" IS NULL OR u."status" <> 'SENT'),
     closed AS (DELETE FROM "DeliveryLease" WHERE "token" = $1 AND $4::boolean)
     SELECT string_agg(x::text, ',') AS "ids" FROM unnest($2::bigint[]) AS x WHERE x NOT IN (SELECT "id" FROM upd)`,
    token,
    Object.keys(byId),
    JSON.stringify(byId),
    options.closeLease ?? false,
  )
  return refusedIds(stale[0]?.ids)
}

function refusedIds(ids: string | null | undefined): Set<bigint> {
  return new Set(ids ? ids.split(',').map((id) => BigInt(id)) : [])
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
 * retry, no supersession check: a send that went out stays sent) and changes no indexed column: a
 * HOT update (decision 024). The results of a lease lost meanwhile become 'stale' attempt rows in
 * the same statement, and only their ids come back (usually none).
 */
async function completeSent(db: Db, token: string, outcomes: Outcome[], options: CompleteOptions): Promise<Set<bigint>> {
  // per id: [http status, provider message id (a sent result's detail), attempt, result name]
  const ids: string[] = []
  const byId: Record<string, [number | null, string | null, number, string]> = {}
  for (const o of outcomes) {
    const result = o.result as Extract<SendResult, { kind: 'sent' }>
    const id = String(o.delivery.id)
    ids.push(id)
    byId[id] = [result.httpStatus ?? null, result.providerMessageId ?? null, o.delivery.attempts, o.exercise ? 'exercise' : 'sent']
  }
  const stale = await db.$queryRawUnsafe<{ ids: string | null }[]>(
    `WITH v AS MATERIALIZED (SELECT $3::jsonb AS "j"),
     upd AS (
       UPDATE "Delivery" d SET "leaseExpiresAt" = NULL, "status" = 'SENT', "lastError" = NULL, "updatedAt" = now(), "sentAt" = now(),
              ("providerMessageId", "receiptKey", "sentHttpStatus") = (
                SELECT COALESCE(e ->> 1, d."providerMessageId"),
                       CASE WHEN d."channel" = 'sms' THEN COALESCE(e ->> 1, d."receiptKey") ELSE d."receiptKey" END,
                       (e ->> 0)::int
                  FROM (SELECT (SELECT "j" FROM v) -> d."id"::text AS e) x)
        WHERE d."id" = ANY($2::bigint[]) AND d."leaseToken" IS NOT DISTINCT FROM $1 AND d."status" = 'SENDING'
        RETURNING d."id"),
     refused AS MATERIALIZED (
       SELECT x AS "id", (SELECT "j" FROM v) -> x::text AS e FROM unnest($2::bigint[]) AS x WHERE x NOT IN (SELECT "id" FROM upd)),
     stale AS (
       INSERT INTO "DeliveryAttempt" ("deliveryId", "attempt", "at", "result", "httpStatus", "detail")
       SELECT "id", (e ->> 2)::int, now(), 'stale', (e ->> 0)::int, 'lease lost, result refused: ' || (e ->> 3) || COALESCE(': ' || (e ->> 1), '')
         FROM refused),
     closed AS (DELETE FROM "DeliveryLease" WHERE "token" = $1 AND $4::boolean)
     SELECT string_agg("id"::text, ',') AS "ids" FROM refused`,
    token,
    ids,
    JSON.stringify(byId),
    options.closeLease ?? false,
  )
  return refusedIds(stale[0]?.ids)
}
