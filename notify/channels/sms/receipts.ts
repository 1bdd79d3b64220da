// Delivery receipts of the generic HTTP SMS gateway (docs/decisions/013-sms-encoding-and-http-gateway.md):
// the gateway POSTs one JSON receipt per part of a message to the callback URL, signed with
// HMAC-SHA256 over the raw body. Receipts come late, twice, out of order; a multi-part message is
// delivered only when every part is, and failed as soon as one part failed.
//
//   verifyReceiptSignature(rawBody, request.headers[RECEIPT_SIGNATURE_HEADER], secret) → boolean
//   parseHttpGatewayReceipt(rawBody or parsed JSON)   → { ok: true, receipt } | { ok: false, field, message }
//   mergePartReceipts(state | undefined, receipt)     → the message's new receipt state (pure)
//
// The merge is a join on a fixed order — per part, queued < sent < delivered < failed, ties broken
// by a total order on the rest — so it is commutative, associative and idempotent: any permutation or
// duplication of the same receipts gives the same state, and a failed part is never overwritten by
// a later "delivered" for it. The state is plain JSON (store it as it is).
import crypto from 'node:crypto'

export type PartStatus = 'queued' | 'sent' | 'delivered' | 'failed'

export type ReceiptError = { code: string; message?: string }

export type HttpGatewayReceipt = {
  /** the gateway's message id (the `id` it answered the send with) */
  id: string
  /** our reference: the idempotency key the message was sent with */
  reference: string
  /** 1-based part number, and the number of parts of the message */
  part: number
  parts: number
  status: PartStatus
  error?: ReceiptError
  /** when the status was reached, ISO 8601 (normalised to UTC by the parser) */
  at: string
}

export type PartState = { status: PartStatus; at: string; error?: ReceiptError }

export type MessageStatus = 'pending' | 'delivered' | 'failed'

export type MessageReceiptState = {
  id: string
  reference: string
  parts: number
  /** part number (1-based) → its state; parts with no receipt yet are absent */
  byPart: Record<number, PartState>
  /** failed if any part failed, delivered when all parts are, else pending */
  status: MessageStatus
  /** the latest `at` of any receipt merged */
  lastAt: string
}

/** Header carrying `sha256=<hex HMAC-SHA256 of the raw body with the shared secret>`. */
export const RECEIPT_SIGNATURE_HEADER = 'x-sms-signature'

export const PART_STATUSES: readonly PartStatus[] = ['queued', 'sent', 'delivered', 'failed']

const RANK: Record<PartStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 3 }

/** The signature header value for a raw body (the gateway's side; fakes and tests). */
export function signReceipt(rawBody: string | Buffer, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(rawBody).digest('hex')}`
}

/** Whether the header is the HMAC-SHA256 of exactly these bytes; compared in constant time. */
export function verifyReceiptSignature(rawBody: string | Buffer, header: string | string[] | undefined, secret: string): boolean {
  const value = Array.isArray(header) ? header[0] : header
  if (!value || !secret) return false
  const match = /^sha256=([0-9a-f]{64})$/i.exec(value.trim())
  if (!match) return false
  const expected = crypto.createHmac('sha256', secret).update(rawBody).digest()
  const given = Buffer.from(match[1], 'hex')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

export type ReceiptParseResult = { ok: true; receipt: HttpGatewayReceipt } | { ok: false; field: string; message: string }

const bad = (field: string, message: string): ReceiptParseResult => ({ ok: false, field, message })

/** Validates a receipt (raw body or parsed JSON); an error names the field. */
export function parseHttpGatewayReceipt(body: unknown): ReceiptParseResult {
  let value = body
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString('utf8'))
    } catch {
      return bad('body', 'not JSON')
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('body', 'not a JSON object')
  const v = value as Record<string, unknown>
  if (typeof v.id !== 'string' || v.id === '' || v.id.length > 200) return bad('id', 'a non-empty string of at most 200 characters')
  if (typeof v.reference !== 'string' || v.reference === '' || v.reference.length > 200) return bad('reference', 'a non-empty string of at most 200 characters')
  if (!Number.isInteger(v.parts) || (v.parts as number) < 1 || (v.parts as number) > 255) return bad('parts', 'an integer from 1 to 255')
  const parts = v.parts as number
  if (!Number.isInteger(v.part) || (v.part as number) < 1 || (v.part as number) > parts) return bad('part', `an integer from 1 to parts (${parts})`)
  if (typeof v.status !== 'string' || !(PART_STATUSES as readonly string[]).includes(v.status)) return bad('status', `one of ${PART_STATUSES.join(', ')}`)
  if (typeof v.at !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(v.at) || Number.isNaN(Date.parse(v.at))) return bad('at', 'an ISO 8601 date and time')
  let error: ReceiptError | undefined
  if (v.error !== undefined && v.error !== null) {
    const e = v.error as Record<string, unknown>
    if (typeof e !== 'object' || typeof e.code !== 'string' || e.code === '') return bad('error.code', 'a non-empty string')
    if (e.message !== undefined && typeof e.message !== 'string') return bad('error.message', 'a string')
    error = { code: e.code.slice(0, 100), ...(typeof e.message === 'string' ? { message: e.message.slice(0, 500) } : {}) }
  }
  const receipt: HttpGatewayReceipt = {
    id: v.id,
    reference: v.reference,
    part: v.part as number,
    parts,
    status: v.status as PartStatus,
    at: new Date(v.at).toISOString(),
    ...(error ? { error } : {}),
  }
  return { ok: true, receipt }
}

// A total order on part states: status rank first, then the earlier time (when the status was first
// reached), then the error. merge keeps the greater, so the result does not depend on arrival order.
function comparePart(a: PartState, b: PartState): number {
  if (RANK[a.status] !== RANK[b.status]) return RANK[a.status] - RANK[b.status]
  if (a.at !== b.at) return a.at < b.at ? 1 : -1
  const ea = a.error ? `${a.error.code}\u0000${a.error.message ?? ''}` : ''
  const eb = b.error ? `${b.error.code}\u0000${b.error.message ?? ''}` : ''
  return ea === eb ? 0 : ea < eb ? 1 : -1
}

/** The message's overall status from its parts. */
export function messageStatus(parts: number, byPart: Record<number, PartState>): MessageStatus {
  const states = Object.values(byPart)
  if (states.some((s) => s.status === 'failed')) return 'failed'
  for (let part = 1; part <= parts; part += 1) if (byPart[part]?.status !== 'delivered') return 'pending'
  return 'delivered'
}

/**
 * Merges one receipt into a message's state (undefined for the first). A receipt for another
 * message is a programming error (the caller looks the state up by receipt.id) and throws.
 */
export function mergePartReceipts(state: MessageReceiptState | undefined, receipt: HttpGatewayReceipt): MessageReceiptState {
  if (state && (state.id !== receipt.id || state.reference !== receipt.reference)) {
    throw new Error('mergePartReceipts: the receipt belongs to another message')
  }
  const incoming: PartState = { status: receipt.status, at: receipt.at, ...(receipt.error ? { error: receipt.error } : {}) }
  const current = state?.byPart[receipt.part]
  const winner = current && comparePart(current, incoming) >= 0 ? current : incoming
  const byPart = { ...state?.byPart, [receipt.part]: winner }
  const parts = Math.max(state?.parts ?? 0, receipt.parts)
  return {
    id: receipt.id,
    reference: receipt.reference,
    parts,
    byPart,
    status: messageStatus(parts, byPart),
    lastAt: state && state.lastAt > receipt.at ? state.lastAt : receipt.at,
  }
}
