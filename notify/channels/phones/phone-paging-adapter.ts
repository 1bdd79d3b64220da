// Paging desk IP phones: one adapter for the channel 'paging' that picks the vendor's push
// interface per message (cisco.ts, yealink.ts, poly.ts) and says what happened (decision 015).
//
//   const adapter = new PhonePagingAdapter()                       // http to the phones
//   await adapter.send({ phone: { vendor: 'poly', address: '10.0.4.21', username, password },
//                        title, text, ackUrl, priority: 'critical' }, ctx)
//
// Exported for the lead: PhonePagingAdapter, PhonePage (phone-page.ts), fitPhonePage (preview
// what will be cut), ciscoTextXml + CISCO_XML_CONTENT_TYPE (serve a Cisco page at pageUrl),
// createPhoneAckToken / parsePhoneAck (the ack route).
//
// Mapping: 2xx with the vendor's success → sent; Cisco CiscoIPPhoneError 4 (authentication) or 1
// (unreadable object), HTTP 401/403 → permanent (misconfigured, never a dead address: staff fix
// the phone's entry); network errors, timeouts, 408, 5xx, Cisco errors 2/3 and a ResponseItem
// that did not execute → retry; 429 → retry with Retry-After; other 4xx → permanent.
// No phone protocol has a place for an idempotency key: a repeated page replaces the one on screen.
import type https from 'node:https'
import { parseRetryAfter, type ChannelAdapter, type ChannelLimits, type SendContext, type SendResult } from '../contract.ts'
import { ciscoRequest, mapCiscoAnswer } from './cisco.ts'
import { exchangeWithPhone, parsePhoneAddress, type PhoneAnswer, type PhoneRequest, type PhoneTransport } from './phone-http.ts'
import { PHONE_LIMITS, type PhonePage } from './phone-page.ts'
import { polyRequest } from './poly.ts'
import { yealinkRequest } from './yealink.ts'

export type { PhonePage, PhoneVendor } from './phone-page.ts'

export type PhonePagingAdapterOptions = {
  /** 'http' (default; what desk phones serve out of the box) or 'https' */
  scheme?: 'http' | 'https'
  /** https: an agent trusting the phones' certificates */
  httpsAgent?: https.Agent
}

export class PhonePagingAdapter implements ChannelAdapter<PhonePage> {
  readonly channel = 'paging'
  /** the largest text any vendor takes; per vendor: PHONE_LIMITS */
  readonly limits: ChannelLimits = { maxPayloadBytes: PHONE_LIMITS.cisco.textBytes }
  readonly vendorLimits = PHONE_LIMITS
  private readonly transport: PhoneTransport

  constructor(options: PhonePagingAdapterOptions = {}) {
    const scheme = options.scheme ?? 'http'
    this.transport = { scheme, ...(scheme === 'https' && options.httpsAgent ? { agent: options.httpsAgent } : {}) }
  }

  async send(page: PhonePage, ctx: SendContext): Promise<SendResult> {
    try {
      const address = parsePhoneAddress(page.phone.address, this.transport.scheme === 'https' ? 443 : 80)
      if (!address) return { kind: 'permanent', deadAddress: false, reason: `not a phone address: ${page.phone.address}` }
      const built = buildRequest(page)
      if (!built.ok) return { kind: 'permanent', deadAddress: false, reason: built.reason }
      const answer = await exchangeWithPhone(address, built.request, this.transport, ctx.timeoutMs)
      return mapAnswer(page.phone.vendor, answer)
    } catch (error) {
      // never throw: anything unexpected is reported and tried again later
      return { kind: 'retry', reason: `unexpected: ${error instanceof Error ? error.message : String(error)}` }
    }
  }
}

function buildRequest(page: PhonePage): { ok: true; request: PhoneRequest } | { ok: false; reason: string } {
  switch (page.phone.vendor) {
    case 'cisco':
      return ciscoRequest(page)
    case 'yealink':
      return yealinkRequest(page)
    case 'poly':
      return polyRequest(page)
    default:
      return { ok: false, reason: `unknown phone vendor ${String((page.phone as { vendor: unknown }).vendor)}` }
  }
}

/** What a phone's answer means (exported for tests). */
export function mapAnswer(vendor: PhonePage['phone']['vendor'], answer: PhoneAnswer): SendResult {
  if (answer.kind === 'failed') return { kind: 'retry', reason: `${vendor}: ${answer.reason}` }
  const { status } = answer
  const detail = `${vendor}: ${status}${answer.body ? ` ${answer.body.slice(0, 200)}` : ''}`
  if (status >= 200 && status < 300) {
    if (vendor === 'cisco') return mapCiscoAnswer(answer) ?? { kind: 'sent', httpStatus: status }
    return { kind: 'sent', httpStatus: status }
  }
  if (status === 401 || status === 403) {
    return { kind: 'permanent', deadAddress: false, reason: `${detail} (credentials or push server address refused)`, httpStatus: status }
  }
  if (status === 429 || status === 503) {
    const afterMs = parseRetryAfter(answer.headers['retry-after'])
    return { kind: 'retry', reason: detail, httpStatus: status, ...(afterMs !== undefined ? { afterMs } : {}) }
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason: detail, httpStatus: status }
  return { kind: 'permanent', deadAddress: false, reason: detail, httpStatus: status }
}
