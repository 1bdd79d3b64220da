// The two URLs a Cisco phone is given (decision 021): the page it fetches after CiscoIPPhoneExecute
// (/phone/page/<token>) and the acknowledgement its soft key requests (/phone/ack/<token>). Phones
// cannot sign in, so the token is the proof: the delivery id and an HMAC under a key derived from
// the instance's secrets key (the same in every process). A page token expires; an ack token is
// the one of notify/channels/phones/phone-page.ts (an ack is idempotent and only ever marks its own
// delivery).
import crypto from 'node:crypto'
import { createPhoneAckToken, parsePhoneAck } from '#notify/channels/phones/phone-page.ts'

/** How long a Cisco phone may take to fetch its page (a normal page waits until the phone is idle). */
export const PAGE_TOKEN_TTL_MS = 24 * 60 * 60 * 1000

export const PHONE_PAGE_PATH = '/phone/page/'
export const PHONE_ACK_PATH = '/phone/ack/'

/** The signing key of phone URLs, derived from SECRETS_KEY (never the key itself). */
export function phoneTokenKey(secretsKey: Buffer): Buffer {
  return crypto.createHmac('sha256', secretsKey).update('sargs-phone-url-tokens-v1').digest()
}

export function createPageToken(deliveryId: bigint | string, key: Buffer, nowMs = Date.now()): string {
  const id = String(deliveryId)
  const expires = Math.floor((nowMs + PAGE_TOKEN_TTL_MS) / 1000).toString(36)
  return `${id}.${expires}.${pageMac(id, expires, key)}`
}

export type PageTokenCheck = { ok: true; deliveryId: bigint } | { ok: false; reason: 'malformed' | 'bad signature' | 'expired' }

export function parsePageToken(token: string, key: Buffer, nowMs = Date.now()): PageTokenCheck {
  const match = /^(\d{1,19})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/.exec(token)
  if (!match) return { ok: false, reason: 'malformed' }
  const expected = Buffer.from(pageMac(match[1], match[2], key))
  if (!crypto.timingSafeEqual(expected, Buffer.from(match[3]))) return { ok: false, reason: 'bad signature' }
  if (parseInt(match[2], 36) * 1000 < nowMs) return { ok: false, reason: 'expired' }
  return { ok: true, deliveryId: BigInt(match[1]) }
}

function pageMac(id: string, expires: string, key: Buffer): string {
  return crypto.createHmac('sha256', key).update(`sargs-phone-page:${id}:${expires}`).digest('base64url').slice(0, 22)
}

export function createAckToken(deliveryId: bigint | string, key: Buffer): string {
  return createPhoneAckToken(String(deliveryId), key)
}

export function parseAckToken(token: string, key: Buffer): { ok: true; deliveryId: bigint } | { ok: false; reason: string } {
  const parsed = parsePhoneAck(token, key)
  if (!parsed.ok) return parsed
  if (!/^\d{1,19}$/.test(parsed.deliveryId)) return { ok: false, reason: 'malformed' }
  return { ok: true, deliveryId: BigInt(parsed.deliveryId) }
}

export function phonePageUrl(baseUrl: string, deliveryId: bigint | string, key: Buffer, nowMs = Date.now()): string {
  return `${baseUrl.replace(/\/+$/, '')}${PHONE_PAGE_PATH}${createPageToken(deliveryId, key, nowMs)}`
}

export function phoneAckUrl(baseUrl: string, deliveryId: bigint | string, key: Buffer): string {
  return `${baseUrl.replace(/\/+$/, '')}${PHONE_ACK_PATH}${createAckToken(deliveryId, key)}`
}
