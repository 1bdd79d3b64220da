// The "reached" phase of an Update or Cancel (decision 008): everyone the referenced alerts already
// reached gets this message too, per channel, whether or not they are still in the area or still
// want this severity. A Cancel has only this phase; an Update has it after its area phase (the
// unique alert × channel × recipient index keeps it to one message per address).
//
// It waits until the referenced alerts are settled, so that "who was reached" is final:
//   1. their PENDING deliveries are cancelled (issuing the Update/Cancel already did that; this
//      catches rows a racing worker wrote back as PENDING, and it waits for a claim in flight on
//      those rows, so step 2 sees what that claim took);
//   2. none of their deliveries is SENDING (a send in flight when the Cancel committed is followed
//      by the Cancel; a dead worker's lease runs out and reclaimExpiredLeases cancels the row) and
//      none of them is still being fanned out;
//   3. then one INSERT … SELECT from their SENT deliveries, limited to the channels this alert names.
import type { Db } from './db.ts'
import { CANCEL_PENDING_SQL, PENDING_SQL } from './pending.ts'

export type ReferencingAlert = {
  id: string
  msgType: string
  channels: string[]
  referencedAlertIds: string[]
}

export type ReferencesResult = {
  /** false: a referenced alert still has sends in flight or is being fanned out; try again later */
  ready: boolean
  /** deliveries added for recipients the referenced alerts reached */
  inserted: number
}

/**
 * SQL condition on a "Delivery" row: SENDING under a lease still open. Found through the open
 * leases (a few batches) and the lease token index, not by reading the deliveries of an alert —
 * no index follows the status (decision 024: checked on every fan-out batch, a scan by status read
 * the whole table each time).
 */
function sendingUnderOpenLeaseSql(alias: string): string {
  return `${alias}."leaseToken" = ANY(ARRAY(SELECT l."token" FROM "DeliveryLease" l)) AND ${alias}."status" = 'SENDING'`
}

/**
 * SQL condition on an "Alert" row aliased `a`: its referenced alerts have nothing in flight and are
 * fanned out. Lets the fan-out pass over an Update/Cancel that must wait instead of picking it
 * again and again (fanOutReferences checks again, after cancelling, to close the races).
 */
export const REFERENCES_SETTLED_SQL = `(CASE WHEN cardinality(a."referencedAlertIds") = 0 THEN true ELSE NOT EXISTS (
    SELECT 1 FROM "Delivery" rd WHERE ${sendingUnderOpenLeaseSql('rd')} AND rd."alertId" = ANY(a."referencedAlertIds"))
  AND NOT EXISTS (
    SELECT 1 FROM "Alert" ra WHERE ra."id" = ANY(a."referencedAlertIds") AND ra."fanoutDoneAt" IS NULL) END)`

/** The reached phase for one alert, inside the fan-out's transaction (the alert row is locked). */
export async function fanOutReferences(tx: Db, alert: ReferencingAlert): Promise<ReferencesResult> {
  if (alert.referencedAlertIds.length === 0 || alert.channels.length === 0) return { ready: true, inserted: 0 }
  await cancelUnsentDeliveries(tx, alert.referencedAlertIds, `superseded by ${alert.msgType}`)
  const [state] = await tx.$queryRawUnsafe<{ sending: number; fanning: number }[]>(
    `SELECT (SELECT count(*)::int FROM "Delivery" d WHERE ${sendingUnderOpenLeaseSql('d')} AND d."alertId" = ANY($1::text[])) AS "sending",
            (SELECT count(*)::int FROM "Alert" WHERE "id" = ANY($1::text[]) AND "fanoutDoneAt" IS NULL) AS "fanning"`,
    alert.referencedAlertIds,
  )
  if (state.sending > 0 || state.fanning > 0) return { ready: false, inserted: 0 }
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt")
     SELECT DISTINCT $1, d."channel", d."recipientKey", $1 || ':' || d."channel" || ':' || d."recipientKey", now(), now(), now()
       FROM "Delivery" d
      WHERE d."alertId" = ANY($2::text[]) AND d."status" = 'SENT' AND d."channel" = ANY($3::text[])
     ON CONFLICT ("alertId", "channel", "recipientKey") DO NOTHING`,
    alert.id,
    alert.referencedAlertIds,
    alert.channels,
  )
  return { ready: true, inserted }
}

/**
 * A Cancel, or an alert that fans out to no area channel: only the reached phase. Marks the fan-out
 * done once it ran. Returns what fanOutBatch returns.
 */
export async function fanOutReferencesOnly(
  tx: Db,
  alert: ReferencingAlert,
): Promise<{ alertId: string; candidates: number; inserted: number; done: boolean }> {
  const result = await fanOutReferences(tx, alert)
  if (result.ready) await tx.$executeRawUnsafe(`UPDATE "Alert" SET "fanoutDoneAt" = now() WHERE "id" = $1`, alert.id)
  return { alertId: alert.id, candidates: 0, inserted: result.inserted, done: result.ready }
}

/**
 * An alert that was superseded while it was still being fanned out: its fan-out stops here and
 * whatever of it is still PENDING is cancelled.
 */
export async function stopSupersededFanOut(tx: Db, alertId: string): Promise<{ alertId: string; candidates: number; inserted: number; done: boolean }> {
  await cancelUnsentDeliveries(tx, [alertId], 'superseded')
  await tx.$executeRawUnsafe(`UPDATE "Alert" SET "fanoutDoneAt" = now() WHERE "id" = $1`, alertId)
  return { alertId, candidates: 0, inserted: 0, done: true }
}

async function cancelUnsentDeliveries(tx: Db, alertIds: string[], reason: string): Promise<number> {
  return tx.$executeRawUnsafe(
    `UPDATE "Delivery" SET ${CANCEL_PENDING_SQL}, "leaseToken" = NULL, "leaseExpiresAt" = NULL,
            "lastError" = $2, "updatedAt" = now()
      WHERE "alertId" = ANY($1::text[]) AND ${PENDING_SQL}`,
    alertIds,
    reason,
  )
}
