// Web push (RFC 8030) with RFC 8291 aes128gcm payload encryption and VAPID (RFC 8292), via the
// `web-push` package for the encryption only. VAPID tokens are signed at most once per push-service
// origin per hour (web-push signs one per message: costly at 100k subscribers), and the HTTPS call
// is ours, through undici (decision 025: a third of node:https's CPU per request), so the
// connection pool (trusted CA, keep-alive, connections per push service) and the timeout are under
// our control.
import { EventEmitter } from 'node:events'
import { Agent, type Dispatcher } from 'undici'
import webpush from 'web-push'
import { parseRetryAfter, type ChannelAdapter, type ChannelLimits, type SendContext, type SendResult } from './contract.ts'
import { isAllowedPushEndpoint } from './push-service-hosts.ts'

export type WebPushUrgency = 'very-low' | 'low' | 'normal' | 'high'

export type WebPushSubscriptionKeys = { endpoint: string; keys: { p256dh: string; auth: string } }

export type WebPushMessage = {
  subscription: WebPushSubscriptionKeys
  /** the plaintext the service worker receives (usually JSON) */
  payload: string
  ttlSeconds: number
  urgency: WebPushUrgency
  /** ≤ 32 base64url characters; a later push with the same topic replaces this one */
  topic?: string
}

export type VapidConfig = { subject: string; publicKey: string; privateKey: string }

export type WebPushAdapterOptions = {
  vapid: VapidConfig
  /**
   * undici dispatcher for the push services (keep-alive pools per origin; in tests one trusting
   * the fake push service's CA); default: PUSH_CONNECTIONS connections per push service, the
   * system's CAs and NODE_EXTRA_CA_CERTS
   */
  dispatcher?: Dispatcher
  /** clock for token caching (tests) */
  now?: () => number
  /** push services this adapter may POST to (notify/channels/push-service-hosts.ts); any when absent */
  pushServiceHosts?: readonly string[]
}

/** RFC 8030/8291: a push service must accept 4096 bytes of encrypted body; aes128gcm adds
 * 86 (header with the 65-byte key) + 16 (tag) + 1 (padding delimiter) = 103 bytes. */
export const WEB_PUSH_MAX_PLAINTEXT = 4096 - 103

const TOKEN_REUSE_MS = 60 * 60 * 1000
const TOKEN_LIFETIME_S = 12 * 60 * 60

export class WebPushAdapter implements ChannelAdapter<WebPushMessage> {
  readonly channel = 'webpush'
  readonly limits: ChannelLimits = { maxPayloadBytes: WEB_PUSH_MAX_PLAINTEXT }
  private readonly tokens = new Map<string, { header: string; signedAt: number }>()
  private readonly now: () => number
  /** how many VAPID tokens this adapter signed (benchmark and tests) */
  tokensSigned = 0

  private readonly dispatcher: Dispatcher

  constructor(private readonly options: WebPushAdapterOptions) {
    this.now = options.now ?? Date.now
    this.dispatcher = options.dispatcher ?? defaultPushDispatcher()
  }

  /** The Authorization header for an endpoint's push-service origin, signed at most once an hour. */
  authorization(endpoint: string): string {
    return this.authorizationFor(this.originOf(splitEndpoint(endpoint).prefix, endpoint))
  }

  private authorizationFor(origin: string): string {
    const now = this.now()
    const cached = this.tokens.get(origin)
    if (cached && now - cached.signedAt < TOKEN_REUSE_MS) return cached.header
    const { subject, publicKey, privateKey } = this.options.vapid
    const exp = Math.floor(now / 1000) + TOKEN_LIFETIME_S
    const headers = webpush.getVapidHeaders(origin, subject, publicKey, privateKey, 'aes128gcm', exp)
    this.tokensSigned += 1
    this.tokens.set(origin, { header: headers.Authorization, signedAt: now })
    return headers.Authorization
  }

  // the origin of an endpoint, parsed once per scheme://authority prefix (not once per message)
  private readonly origins = new Map<string, string>()
  private originOf(prefix: string, endpoint: string): string {
    let origin = this.origins.get(prefix)
    if (origin === undefined) {
      origin = new URL(endpoint).origin
      if (this.origins.size > 1000) this.origins.clear()
      this.origins.set(prefix, origin)
    }
    return origin
  }

  // whether an endpoint's push service is on the list, decided once per scheme://authority prefix
  private readonly allowed = new Map<string, boolean>()
  private allowedService(prefix: string, endpoint: string): boolean {
    const hosts = this.options.pushServiceHosts
    if (!hosts) return true
    let ok = this.allowed.get(prefix)
    if (ok === undefined) {
      ok = isAllowedPushEndpoint(endpoint, hosts)
      if (this.allowed.size > 1000) this.allowed.clear()
      this.allowed.set(prefix, ok)
    }
    return ok
  }

  async send(message: WebPushMessage, ctx: SendContext): Promise<SendResult> {
    const endpoint = message.subscription.endpoint
    const { prefix, path } = splitEndpoint(endpoint)
    if (!this.allowedService(prefix, endpoint)) {
      // never a request to a host that is not a known push service (server-side request forgery)
      return { kind: 'permanent', deadAddress: true, reason: 'push service not allowed (PUSH_SERVICE_HOSTS)' }
    }
    if (!endpoint.startsWith('https://')) {
      // RFC 8030 push services are https only; over plain http the VAPID token and the payload's
      // metadata would travel in the clear. Such a subscription can never work.
      return { kind: 'permanent', deadAddress: true, reason: 'invalid subscription: endpoint is not https' }
    }
    const size = Buffer.byteLength(message.payload)
    if (size > WEB_PUSH_MAX_PLAINTEXT) {
      return { kind: 'permanent', deadAddress: false, reason: `payload ${size} bytes > ${WEB_PUSH_MAX_PLAINTEXT}` }
    }
    if (message.topic !== undefined && !TOPIC.test(message.topic)) {
      return { kind: 'permanent', deadAddress: false, reason: 'topic: at most 32 base64url characters' }
    }
    let body: Buffer
    let origin: string
    let authorization: string
    try {
      // RFC 8291 aes128gcm with web-push's encryption (it checks the keys; a new ECDH key pair and
      // salt per message). The request around it is ours: web-push's generateRequestDetails
      // re-validates its options and re-parses the endpoint for every message.
      const { p256dh, auth } = message.subscription.keys
      body = webpush.encrypt(p256dh, auth, message.payload, 'aes128gcm').cipherText
      origin = this.originOf(prefix, endpoint)
      authorization = this.authorizationFor(origin)
    } catch (error) {
      // a malformed subscription (bad keys, bad endpoint): nothing will ever make it work
      return { kind: 'permanent', deadAddress: true, reason: `invalid subscription: ${errorText(error)}` }
    }
    const headers: Record<string, string> = {
      ttl: String(message.ttlSeconds),
      'content-type': 'application/octet-stream',
      'content-encoding': 'aes128gcm',
      authorization,
      urgency: message.urgency,
    }
    if (message.topic) headers.topic = message.topic
    return post(this.dispatcher, origin, path, headers, body, ctx.timeoutMs)
  }
}

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/

/** An endpoint's scheme://authority (the key of the per-service caches) and what follows it (the path and query). */
function splitEndpoint(endpoint: string): { prefix: string; path: string } {
  const slash = endpoint.indexOf('/', endpoint.indexOf('//') + 2)
  return slash < 0 ? { prefix: endpoint, path: '/' } : { prefix: endpoint.slice(0, slash), path: endpoint.slice(slash) }
}

/** connections per push-service origin (FCM, Mozilla, Apple …): the sends in flight per service */
const PUSH_CONNECTIONS = 64
/** what is read of an error answer's body (its start goes into the delivery's reason) */
const MAX_ERROR_BODY = 4096

let sharedDispatcher: Dispatcher | undefined
/** One keep-alive pool per push-service origin for the whole process (the adapters share it). */
function defaultPushDispatcher(): Dispatcher {
  sharedDispatcher ??= pushDispatcher()
  return sharedDispatcher
}

/** A dispatcher of its own: trusting only `ca` (PEM) when given (the fake push service in workers and benchmarks). */
export function pushDispatcher(options: { ca?: string | Buffer; connections?: number } = {}): Dispatcher {
  return new Agent({ connections: options.connections ?? PUSH_CONNECTIONS, keepAliveTimeout: 30_000, ...(options.ca ? { connect: { ca: options.ca } } : {}) })
}

async function post(
  dispatcher: Dispatcher,
  origin: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
): Promise<SendResult> {
  // the deadline covers the wait for a free connection too, as the dispatcher's lease expects.
  // undici takes an EventEmitter as the abort signal: an AbortController per request cost more
  // CPU than the rest of the request's bookkeeping
  const deadline = new EventEmitter()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    deadline.emit('abort')
  }, timeoutMs)
  try {
    const response = await dispatcher.request({ origin, path, method: 'POST', headers, body, signal: deadline })
    const status = response.statusCode
    let text = ''
    if (status >= 200 && status < 300) {
      await response.body.dump()
    } else {
      for await (const chunk of response.body) {
        text += (chunk as Buffer).toString('utf8')
        if (text.length >= MAX_ERROR_BODY) {
          response.body.destroy()
          break
        }
      }
    }
    return mapResponse(status, response.headers, text)
  } catch (error) {
    if (timedOut) return { kind: 'retry', reason: `timeout after ${timeoutMs} ms` }
    return { kind: 'retry', reason: `network: ${errorText(error)}` }
  } finally {
    clearTimeout(timer)
  }
}

export function mapResponse(status: number, headers: Record<string, string | string[] | undefined>, body: string): SendResult {
  const detail = `${status}${body ? ` ${body.slice(0, 200)}` : ''}`
  if (status >= 200 && status < 300) {
    const location = headers.location
    return { kind: 'sent', httpStatus: status, ...(typeof location === 'string' ? { providerMessageId: location } : {}) }
  }
  if (status === 404 || status === 410) return { kind: 'permanent', deadAddress: true, reason: detail, httpStatus: status }
  if (status === 429) {
    const afterMs = parseRetryAfter(headers['retry-after'])
    return { kind: 'retry', reason: detail, httpStatus: status, ...(afterMs !== undefined ? { afterMs } : {}) }
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason: detail, httpStatus: status, ...retryAfterOf(headers) }
  // 400 malformed, 401/403 VAPID refused, 413 too large ...: the same message would fail again
  return { kind: 'permanent', deadAddress: false, reason: detail, httpStatus: status }
}

function retryAfterOf(headers: Record<string, string | string[] | undefined>): { afterMs?: number } {
  const afterMs = parseRetryAfter(headers['retry-after'])
  return afterMs !== undefined ? { afterMs } : {}
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A fresh VAPID key pair (base64url), for the first start and for rotation. */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys()
}
