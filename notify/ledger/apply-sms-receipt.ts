// SMS delivery receipts into the ledger: one receipt per part, from the HTTP gateway's webhook or
// the SMSC's deliver_sm, merged into the delivery's per-part state with the rule of
// notify/channels/sms/receipts.ts (a failed part is never overwritten by a later success; receipts
// may come twice, late or out of order). The delivery gets receiptStatus (pending | delivered |
// failed) and a DeliveryAttempt row per receipt that changed it, so the delivery report shows it.
//
// A receipt can arrive before the send's result is written (the provider is fast, our transaction
// not yet committed): an HTTP gateway receipt names our reference (the idempotency key), which
// finds the delivery whatever its status; an SMPP receipt names only the part's message id, so
// until the result is written it is `unknown` and the SMSC offers it again later. A receipt of a
// part sent outside the ledger (a resident's code, the "subscribed" SMS: recordSmsNoticeParts) is
// `notice`: acknowledged, nothing to update.
import { mergePartReceipts, type HttpGatewayReceipt, type MessageReceiptState, type PartStatus } from '#notify/channels/sms/receipts.ts'
import type { SmsReceipt } from '#notify/channels/smpp/smpp-adapter.ts'
import type { Db } from './db.ts'
import { SMS_CHANNEL } from './fan-out.ts'

export type ApplyReceiptResult = 'applied' | 'duplicate' | 'unknown' | 'notice'

type DeliveryRow = { id: bigint; attempts: number; receiptParts: MessageReceiptState | null; receiptStatus: string | null; providerMessageId: string | null }

/** A receipt of the HTTP gateway (already signature-checked and parsed). */
export async function applyHttpGatewayReceipt(db: Db, receipt: HttpGatewayReceipt): Promise<ApplyReceiptResult> {
  const key = parseIdempotencyKey(receipt.reference)
  if (!key || key.channel !== SMS_CHANNEL) return 'unknown'
  return inTransaction(db, async (tx) => {
    const rows = await tx.$queryRawUnsafe<DeliveryRow[]>(
      `SELECT "id", "attempts", "receiptParts", "receiptStatus", "providerMessageId" FROM "Delivery"
        WHERE "alertId" = $1 AND "channel" = $2 AND "recipientKey" = $3 FOR UPDATE`,
      key.alertId,
      key.channel,
      key.recipientKey,
    )
    if (rows.length === 0) return 'unknown'
    return merge(tx, rows[0], { ...receipt, id: `http:${receipt.id}` })
  })
}

/** A receipt of the SMSC for one part (SmppAdapter onReceipt). */
export async function applySmppReceipt(db: Db, receipt: SmsReceipt): Promise<ApplyReceiptResult> {
  const status = smppPartStatus(receipt.status)
  if (!status) return 'duplicate'
  return inTransaction(db, async (tx) => {
    // the part id is one of the comma-separated ids after "smpp:"; recent deliveries only
    const rows = await tx.$queryRawUnsafe<(DeliveryRow & { idempotencyKey: string })[]>(
      `SELECT "id", "attempts", "receiptParts", "receiptStatus", "providerMessageId", "idempotencyKey" FROM "Delivery"
        WHERE "receiptKey" IS NOT NULL AND "receiptKey" LIKE 'smpp:%' AND "channel" = '${SMS_CHANNEL}'
          AND $1 = ANY(string_to_array(substr("receiptKey", 6), ','))
          AND "updatedAt" > now() - interval '7 days'
        LIMIT 1 FOR UPDATE`,
      receipt.providerMessageId,
    )
    const row = rows[0]
    if (!row) {
      const notice = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "SmsNoticePart" WHERE "partId" = $1`, `smpp:${receipt.providerMessageId}`)
      return notice.length > 0 ? 'notice' : 'unknown'
    }
    const ids = row.providerMessageId!.slice('smpp:'.length).split(',')
    return merge(tx, row, {
      id: row.providerMessageId!,
      reference: row.idempotencyKey,
      part: ids.indexOf(receipt.providerMessageId) + 1,
      parts: ids.length,
      status,
      ...(status === 'failed' ? { error: { code: receipt.errorCode ?? receipt.stat, message: receipt.stat } } : {}),
      at: (receipt.at ?? new Date()).toISOString(),
    })
  })
}

async function merge(tx: Db, row: DeliveryRow, receipt: HttpGatewayReceipt): Promise<ApplyReceiptResult> {
  // a state merged under another message id (a resend through another provider) starts over
  const previous = row.receiptParts && row.receiptParts.id === receipt.id ? row.receiptParts : undefined
  const next = mergePartReceipts(previous, receipt)
  // the same part status again (a repeated or a later receipt saying the same): nothing to record
  if (previous && previous.byPart[receipt.part]?.status === next.byPart[receipt.part]?.status && previous.status === next.status) return 'duplicate'
  await tx.$executeRawUnsafe(
    `UPDATE "Delivery" SET "receiptParts" = $2::jsonb, "receiptStatus" = $3, "receiptAt" = now() WHERE "id" = $1`,
    row.id,
    JSON.stringify(next),
    next.status,
  )
  const detail = `part ${receipt.part}/${receipt.parts}: ${receipt.status}${receipt.error ? ` (${receipt.error.code}${receipt.error.message ? ` ${receipt.error.message}` : ''})` : ''}`
  await tx.$executeRawUnsafe(
    `INSERT INTO "DeliveryAttempt" ("deliveryId", "attempt", "at", "result", "detail") VALUES ($1, $2, now(), $3, $4)`,
    row.id,
    row.attempts,
    receipt.status === 'failed' ? 'undelivered' : `receipt-${receipt.status}`,
    detail.slice(0, 500),
  )
  return 'applied'
}

function smppPartStatus(status: SmsReceipt['status']): PartStatus | null {
  if (status === 'delivered') return 'delivered'
  if (status === 'failed' || status === 'expired' || status === 'rejected') return 'failed'
  return null
}

/** "alertId:channel:recipientKey" (notify/ledger/fan-out.ts writes it) → its parts. */
export function parseIdempotencyKey(key: string): { alertId: string; channel: string; recipientKey: string } | null {
  const m = /^([^:]+):([^:]+):(.+)$/s.exec(key)
  return m ? { alertId: m[1], channel: m[2], recipientKey: m[3] } : null
}

async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const client = db as Db & { $transaction?: (fn: (tx: Db) => Promise<T>) => Promise<T> }
  return typeof client.$transaction === 'function' ? client.$transaction(fn) : fn(db)
}

/**
 * Remember the parts of a message sent outside the ledger (`providerMessageId` as the provider chain
 * returns it: "smpp:id1,id2" or "http:id"), so that their SMPP receipts are acknowledged rather than
 * offered again and again. HTTP gateway receipts need nothing: an unknown one is acknowledged anyway.
 * Parts older than 7 days are forgotten here too.
 */
export async function recordSmsNoticeParts(db: Db, providerMessageId: string | undefined): Promise<void> {
  if (!providerMessageId?.startsWith('smpp:')) return
  const parts = providerMessageId.slice('smpp:'.length).split(',').filter(Boolean).map((id) => `smpp:${id}`)
  if (parts.length === 0) return
  await db.$executeRawUnsafe(
    `INSERT INTO "SmsNoticePart" ("partId") SELECT x FROM json_array_elements_text($1::json) AS x ON CONFLICT DO NOTHING`,
    JSON.stringify(parts),
  )
  await db.$executeRawUnsafe(`DELETE FROM "SmsNoticePart" WHERE "createdAt" < now() - interval '7 days'`)
}
