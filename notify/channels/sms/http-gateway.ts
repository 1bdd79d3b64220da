// SMS through a generic HTTP gateway: one JSON POST per message, documented in
// docs/decisions/013-sms-encoding-and-http-gateway.md so that a municipality can put a small bridge
// in front of its own provider. Delivery receipts come back to `statusCallbackUrl`, one signed POST
// per part (./receipts.ts).
//
//   const sms = new HttpSmsGatewayAdapter({ url, auth: { kind: 'bearer', token }, senderId: 'Jelgava' })
//   await sms.send({ to: '+37120000123', text }, { idempotencyKey, timeoutMs })   // → SendResult
//
// The request (exact bytes, fixed key order):
//   POST <url>
//   Content-Type: application/json; charset=utf-8 · Accept: application/json
//   Authorization: Bearer <token> | Basic <base64 user:password> · Idempotency-Key: <reference>
//   {"to":"+371…","from":"Jelgava","text":"…","reference":"<ctx.idempotencyKey>",
//    "encoding":"UCS-2","parts":2,"callbackUrl":"https://…"}          (callbackUrl only when configured)
// The gateway answers 200/201/202 {"id":"…","parts":[…]?}; the same reference again answers the same
// id without sending twice. Errors: {"error":{"code":"invalid_number","message":"…"}}.
//
// Mapping: 2xx → sent (providerMessageId = id); 400/404/422 with code invalid_number or not_mobile →
// permanent, dead address; 401/403 → permanent (our credentials, not the number); other 4xx →
// permanent; 408, 429, 5xx → retry (afterMs from Retry-After); timeout, refused connection, reset →
// retry. Numbers never go in the URL, and reasons have numbers masked (they end up in logs).
import http from 'node:http'
import https from 'node:https'
import { parseRetryAfter, type ChannelAdapter, type ChannelLimits, type SendContext, type SendResult } from '../contract.ts'
import { isE164, redactPhoneNumbers } from './e164.ts'
import { smsEncoding } from './encoding.ts'

export type SmsMessage = {
  /** E.164, e.g. '+37120000123' (normalizeE164 in ./e164.ts) */
  to: string
  /** the rendered text, exactly as it is to be sent */
  text: string
  /** sender ID for this message; the adapter's senderId when absent */
  sender?: string
}

export type HttpSmsGatewayAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string }

export type HttpSmsGatewayOptions = {
  /** the gateway's send endpoint, http: or https: */
  url: string
  auth: HttpSmsGatewayAuth
  /** alphanumeric sender ID (1–11 letters, digits, spaces) or a number (up to 15 digits, optional +) */
  senderId: string
  /** where the gateway POSTs delivery receipts; sent with every message */
  statusCallbackUrl?: string
  /** keep-alive and, for https, a trusted CA */
  agent?: http.Agent | https.Agent
  /** the longest message accepted, in parts (default 10); longer texts are refused before sending */
  maxParts?: number
  /** the gateway's documented rate, messages per second (data for the dispatcher) */
  ratePerSecond?: number
}

/** The JSON body of one send (the gateway API). */
export type HttpGatewaySendBody = {
  to: string
  from: string
  text: string
  reference: string
  encoding: 'GSM-7' | 'UCS-2'
  parts: number
  callbackUrl?: string
}

/** Error codes that mean the number itself will never receive an SMS. */
export const DEAD_NUMBER_CODES: readonly string[] = ['invalid_number', 'not_mobile']

export const DEFAULT_MAX_PARTS = 10

const SENDER_ALPHANUMERIC = /^[A-Za-z0-9 ]{1,11}$/
const SENDER_NUMERIC = /^\+?\d{1,15}$/

export function isValidSenderId(sender: string): boolean {
  return sender.trim() === sender && (SENDER_ALPHANUMERIC.test(sender) || SENDER_NUMERIC.test(sender))
}

export class HttpSmsGatewayAdapter implements ChannelAdapter<SmsMessage> {
  readonly channel = 'sms'
  readonly limits: ChannelLimits
  readonly maxParts: number
  private readonly url: URL
  private readonly authorization: string

  constructor(private readonly options: HttpSmsGatewayOptions) {
    this.url = new URL(options.url)
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new TypeError('SMS gateway url must be http: or https:')
    this.maxParts = options.maxParts ?? DEFAULT_MAX_PARTS
    this.limits = options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}
    this.authorization = authorizationHeader(options.auth)
  }

  /** The exact JSON body for a message (also what a preview can show). */
  body(message: SmsMessage, reference: string): HttpGatewaySendBody {
    const { encoding, parts } = smsEncoding(message.text)
    return {
      to: message.to,
      from: message.sender ?? this.options.senderId,
      text: message.text,
      reference,
      encoding,
      parts,
      ...(this.options.statusCallbackUrl ? { callbackUrl: this.options.statusCallbackUrl } : {}),
    }
  }

  async send(message: SmsMessage, ctx: SendContext): Promise<SendResult> {
    if (!isE164(message.to)) return { kind: 'permanent', deadAddress: true, reason: 'recipient is not an E.164 number' }
    if (message.text.length === 0) return { kind: 'permanent', deadAddress: false, reason: 'empty text' }
    const body = this.body(message, ctx.idempotencyKey)
    if (!isValidSenderId(body.from)) return { kind: 'permanent', deadAddress: false, reason: 'sender ID: 1–11 letters/digits or a number of up to 15 digits' }
    if (body.parts > this.maxParts) {
      return { kind: 'permanent', deadAddress: false, reason: `text needs ${body.parts} ${body.encoding} parts, at most ${this.maxParts} allowed` }
    }
    const bytes = Buffer.from(JSON.stringify(body), 'utf8')
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': bytes.length,
      Accept: 'application/json',
      Authorization: this.authorization,
      'Idempotency-Key': ctx.idempotencyKey,
    }
    return post(this.url, headers, bytes, this.options.agent, ctx.timeoutMs)
  }
}

function authorizationHeader(auth: HttpSmsGatewayAuth): string {
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`
}

function post(url: URL, headers: Record<string, string | number>, body: Buffer, agent: http.Agent | undefined, timeoutMs: number): Promise<SendResult> {
  return new Promise<SendResult>((resolve) => {
    let settled = false
    const done = (result: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    const transport = url.protocol === 'https:' ? https : http
    const request = transport.request(url, { method: 'POST', headers, agent }, (response) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= 64 * 1024) chunks.push(chunk) // an answer is small; never buffer a runaway body
      })
      response.on('error', (error) => done({ kind: 'retry', reason: `response: ${errorText(error)}` }))
      response.on('end', () => done(mapGatewayResponse(response.statusCode ?? 0, response.headers, Buffer.concat(chunks).toString('utf8'))))
    })
    const timer = setTimeout(() => {
      done({ kind: 'retry', reason: `timeout after ${timeoutMs} ms` })
      request.destroy()
    }, timeoutMs)
    request.on('error', (error) => done({ kind: 'retry', reason: `network: ${errorText(error)}` }))
    request.end(body)
  })
}

/** The gateway's answer → SendResult (exported for tests and for a bridge's own checks). */
export function mapGatewayResponse(status: number, headers: Record<string, string | string[] | undefined>, body: string): SendResult {
  const json = parseJson(body)
  const detail = redactPhoneNumbers(`${status}${body ? ` ${body.slice(0, 200)}` : ''}`)
  if (status >= 200 && status < 300) {
    const id = typeof json?.id === 'string' && json.id !== '' ? json.id : undefined
    return { kind: 'sent', httpStatus: status, ...(id ? { providerMessageId: id } : {}) }
  }
  if (status === 429 || status === 408 || status >= 500) {
    const afterMs = parseRetryAfter(headers['retry-after'])
    return { kind: 'retry', reason: detail, httpStatus: status, ...(afterMs !== undefined ? { afterMs } : {}) }
  }
  if (status === 401 || status === 403) {
    return { kind: 'permanent', deadAddress: false, reason: `gateway refused our credentials: ${detail}`, httpStatus: status }
  }
  const code = errorCode(json)
  const dead = (status === 400 || status === 404 || status === 422) && code !== undefined && DEAD_NUMBER_CODES.includes(code)
  // other 4xx (and a 3xx: a wrong URL) would fail the same way again
  return { kind: 'permanent', deadAddress: dead, reason: detail, httpStatus: status }
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

// {"error":{"code":"invalid_number"}}; tolerated: {"error":"invalid_number"}, {"code":"invalid_number"}
function errorCode(json: Record<string, unknown> | undefined): string | undefined {
  if (!json) return undefined
  const error = json.error
  if (typeof error === 'string') return error
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') return (error as { code: string }).code
  return typeof json.code === 'string' ? json.code : undefined
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
