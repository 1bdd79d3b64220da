// A fake push service on 127.0.0.1: the receiving side of RFC 8030 over real HTTPS, with VAPID
// (RFC 8292) verification and RFC 8291 aes128gcm decryption using each subscription's private key,
// so a test checks what a phone would show. Faults are programmable per endpoint or by rate.
//
//   const push = await startFakePushService()
//   const sub = push.createSubscription()           // { id, endpoint, keys: { p256dh, auth } }
//   new WebPushAdapter({ vapid, agent: push.agent })  // trusts the throwaway certificate
//   push.received                                     // every accepted push, decrypted
import { execFileSync } from 'node:child_process'
import crypto, { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Agent } from 'undici'

export type FakeSubscription = {
  id: string
  endpoint: string
  keys: { p256dh: string; auth: string }
}

export type ReceivedPush = {
  subscriptionId: string
  messageId: string
  at: number
  headers: Record<string, string | string[] | undefined>
  /** the encrypted body as sent */
  body: Buffer
  /** decrypted with the subscription's private key */
  plaintext: string
  ttl: number
  urgency: string
  topic?: string
  /** the VAPID JWT and its claims */
  vapid: { token: string; publicKey: string; aud: string; exp: number; sub: string }
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** never answer, and never store the push (the request is lost before the service takes it) */
  | { kind: 'hang' }
  /** store and deliver the push, then never answer (the answer is lost: the send is in doubt) */
  | { kind: 'accept-then-hang' }

export type FakePushService = {
  origin: string
  /** PEM of the self-signed certificate (subjectAltName IP:127.0.0.1) */
  ca: string
  /** an HTTPS agent trusting only that certificate (node:https clients, the web-push package) */
  agent: https.Agent
  /** an undici dispatcher trusting only that certificate (WebPushAdapter's `dispatcher`) */
  dispatcher: Agent
  createSubscription(): FakeSubscription
  received: ReceivedPush[]
  /** requests refused (faults, bad VAPID, bad body) with the reason */
  refused: { subscriptionId: string; status: number; reason: string }[]
  /** every request, accepted or not */
  requests: number
  /** pushes accepted (201), and when the first and the last arrived (Date.now()) */
  accepted: number
  firstAt?: number
  lastAt?: number
  /** the next `times` requests for this subscription get the fault (Infinity: always) */
  fault(subscriptionId: string, fault: Fault, times?: number): void
  /** answer `status` to this fraction of all requests (deterministic, seeded) */
  failRate(fraction: number, status?: number, seed?: number): void
  /** VAPID public key every request must carry (optional) */
  expectVapidKey(publicKey: string): void
  /** answer every accepted push only after `ms` (it is stored at once: a slow provider) */
  latency(ms: number): void
  /**
   * The user agent of a subscription goes offline / comes back. While it is offline the service
   * stores its pushes, and a push with a Topic replaces a stored one with the same Topic
   * (RFC 8030 section 5.4); online() hands the stored pushes over.
   */
  offline(subscriptionId: string): void
  online(subscriptionId: string): void
  /** what the user agents were handed, in order (every accepted push of an online subscription) */
  delivered: ReceivedPush[]
  close(): Promise<void>
}

type SubscriptionState = { id: string; ecdh: crypto.ECDH; publicKey: Buffer; auth: Buffer }

let certificate: { key: string; cert: string } | undefined

/** A throwaway self-signed P-256 certificate for IP:127.0.0.1, made once per process by openssl. */
export function throwawayCertificate(): { key: string; cert: string } {
  if (certificate) return certificate
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-fake-push-'))
  try {
    const keyFile = path.join(dir, 'key.pem')
    const certFile = path.join(dir, 'cert.pem')
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'pipe' })
    certificate = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') }
    return certificate
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export type FakePushServiceOptions = {
  /** 'all' (default): keep every accepted push in `received`; 'count': only count (benchmarks) */
  record?: 'all' | 'count'
}

export async function startFakePushService(options: FakePushServiceOptions = {}): Promise<FakePushService> {
  const { key, cert } = throwawayCertificate()
  const subscriptions = new Map<string, SubscriptionState>()
  const faults = new Map<string, { fault: Fault; left: number }>()
  const hanging = new Set<ServerResponse>()
  const offline = new Map<string, ReceivedPush[]>()
  const late = new Set<NodeJS.Timeout>()
  let latencyMs = 0
  let rate: { fraction: number; status: number; state: number } | undefined
  let expectedKey: string | undefined
  const verifiedTokens = new Map<string, ReceivedPush['vapid']>()

  const server = https.createServer({ key, cert })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake push service: no address')
  const origin = `https://127.0.0.1:${address.port}`
  const agent = new https.Agent({ ca: cert, keepAlive: true, maxSockets: 64 })
  const dispatcher = new Agent({ connect: { ca: cert }, connections: 64 })

  const service: FakePushService = {
    origin,
    ca: cert,
    agent,
    dispatcher,
    received: [],
    delivered: [],
    refused: [],
    requests: 0,
    accepted: 0,
    createSubscription() {
      const id = randomUUID()
      const ecdh = crypto.createECDH('prime256v1')
      const publicKey = ecdh.generateKeys()
      const auth = crypto.randomBytes(16)
      subscriptions.set(id, { id, ecdh, publicKey, auth })
      return {
        id,
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') },
      }
    },
    fault(subscriptionId, fault, times = Infinity) {
      faults.set(subscriptionId, { fault, left: times })
    },
    failRate(fraction, status = 503, seed = 1) {
      rate = { fraction, status, state: seed }
    },
    expectVapidKey(publicKey) {
      expectedKey = publicKey
    },
    latency(ms) {
      latencyMs = ms
    },
    offline(subscriptionId) {
      if (!offline.has(subscriptionId)) offline.set(subscriptionId, [])
    },
    online(subscriptionId) {
      const stored = offline.get(subscriptionId)
      offline.delete(subscriptionId)
      if (stored) service.delivered.push(...stored)
    },
    async close() {
      for (const timer of late) clearTimeout(timer)
      for (const response of hanging) response.socket?.destroy()
      agent.destroy()
      await dispatcher.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      service.requests += 1
      handle(request, Buffer.concat(chunks), response)
    })
  })

  function refuse(response: ServerResponse, subscriptionId: string, status: number, reason: string, headers: Record<string, string> = {}) {
    service.refused.push({ subscriptionId, status, reason })
    response.writeHead(status, { 'content-type': 'text/plain', ...headers })
    response.end(reason)
  }

  function handle(request: IncomingMessage, body: Buffer, response: ServerResponse) {
    const match = /^\/push\/([0-9a-f-]{36})$/.exec(request.url ?? '')
    if (request.method !== 'POST' || !match) return refuse(response, '', 404, 'no such resource')
    const id = match[1]
    const subscription = subscriptions.get(id)
    if (!subscription) return refuse(response, id, 404, 'unknown subscription')

    const planned = faults.get(id)
    if (planned && planned.left > 0) {
      planned.left -= 1
      if (planned.fault.kind === 'hang') {
        hanging.add(response)
        return
      }
      if (planned.fault.kind !== 'status') return accept(request, body, response, id, subscription, 'hang')
      const extra: Record<string, string> = planned.fault.retryAfter ? { 'retry-after': planned.fault.retryAfter } : {}
      return refuse(response, id, planned.fault.status, planned.fault.body ?? `fault ${planned.fault.status}`, extra)
    }
    if (rate && nextRandom(rate) < rate.fraction) return refuse(response, id, rate.status, 'random failure')
    accept(request, body, response, id, subscription, latencyMs)
  }

  function accept(request: IncomingMessage, body: Buffer, response: ServerResponse, id: string, subscription: SubscriptionState, answer: number | 'hang') {
    // RFC 8030 headers
    const ttlHeader = header(request, 'ttl')
    if (ttlHeader === undefined || !/^\d+$/.test(ttlHeader)) return refuse(response, id, 400, 'missing or bad TTL')
    const urgency = header(request, 'urgency') ?? 'normal'
    if (!['very-low', 'low', 'normal', 'high'].includes(urgency)) return refuse(response, id, 400, 'bad Urgency')
    const topic = header(request, 'topic')
    if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return refuse(response, id, 400, 'bad Topic')
    if (header(request, 'content-encoding') !== 'aes128gcm') return refuse(response, id, 415, 'Content-Encoding must be aes128gcm')
    if (body.length > 4096) return refuse(response, id, 413, 'payload too large')

    // RFC 8292 VAPID
    let vapid: ReceivedPush['vapid']
    try {
      // a token is verified once (signature, audience), its expiry at every use: like a real
      // push service, and so that the fake keeps up with a 100k fan-out on 2 cores
      const authorization = header(request, 'authorization') ?? ''
      let verified = verifiedTokens.get(authorization)
      if (!verified) {
        verified = verifyVapid(authorization, origin)
        if (verifiedTokens.size > 1000) verifiedTokens.clear()
        verifiedTokens.set(authorization, verified)
      }
      if (verified.exp <= Math.floor(Date.now() / 1000)) throw new Error('exp out of range')
      vapid = verified
      if (expectedKey && vapid.publicKey !== expectedKey) throw new Error('unexpected VAPID key')
    } catch (error) {
      return refuse(response, id, 401, `VAPID: ${(error as Error).message}`)
    }

    // RFC 8291
    let plaintext: string
    try {
      plaintext = decryptAes128gcm(body, subscription).toString('utf8')
    } catch (error) {
      return refuse(response, id, 400, `decrypt: ${(error as Error).message}`)
    }

    const messageId = randomUUID()
    const now = Date.now()
    service.accepted += 1
    service.firstAt ??= now
    service.lastAt = now
    if (options.record !== 'count') {
      const push: ReceivedPush = {
        subscriptionId: id,
        messageId,
        at: now,
        headers: { ...request.headers },
        body,
        plaintext,
        ttl: Number(ttlHeader),
        urgency,
        ...(topic !== undefined ? { topic } : {}),
        vapid,
      }
      service.received.push(push)
      const stored = offline.get(id)
      if (!stored) service.delivered.push(push)
      else {
        // RFC 8030 5.4: a stored push with the same Topic is replaced, not added to
        const same = topic === undefined ? -1 : stored.findIndex((p) => p.topic === topic)
        if (same >= 0) stored.splice(same, 1)
        stored.push(push)
      }
    }
    if (answer === 'hang') {
      hanging.add(response)
      return
    }
    const respond = () => {
      response.writeHead(201, { location: `${origin}/message/${messageId}` })
      response.end()
    }
    if (answer > 0) {
      hanging.add(response) // cut on close
      const timer = setTimeout(() => {
        late.delete(timer)
        hanging.delete(response)
        respond()
      }, answer)
      late.add(timer)
    } else respond()
  }

  return service
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** mulberry32: a reproducible fault pattern */
function nextRandom(rate: { state: number }): number {
  rate.state = (rate.state + 0x6d2b79f5) | 0
  let t = rate.state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** `vapid t=<jwt>, k=<key>`: ES256 signature by k, aud = this origin, exp within 24 h. */
export function verifyVapid(authorization: string | undefined, origin: string): ReceivedPush['vapid'] {
  if (!authorization) throw new Error('no Authorization header')
  const match = /^vapid\s+(.+)$/i.exec(authorization.trim())
  if (!match) throw new Error('not a vapid Authorization')
  const params = new Map<string, string>()
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const token = params.get('t')
  const publicKey = params.get('k')
  if (!token || !publicKey) throw new Error('t and k are required')
  const [h, p, s] = token.split('.')
  if (!h || !p || !s) throw new Error('malformed JWT')
  const head = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string }
  if (head.alg !== 'ES256') throw new Error('alg must be ES256')
  const raw = Buffer.from(publicKey, 'base64url')
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not an uncompressed P-256 point')
  const key = crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') },
    format: 'jwk',
  })
  const ok = crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
  if (!ok) throw new Error('bad signature')
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { aud?: string; exp?: number; sub?: string }
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud} is not ${origin}`)
  const now = Math.floor(Date.now() / 1000)
  if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600) throw new Error('exp out of range')
  if (!claims.sub || !/^(mailto:|https:)/.test(claims.sub)) throw new Error('sub must be mailto: or https:')
  return { token, publicKey, aud: claims.aud, exp: claims.exp, sub: claims.sub }
}

/** RFC 8291 + RFC 8188: salt(16) rs(4) idlen(1) keyid(65 = sender's public key) records… */
export function decryptAes128gcm(body: Buffer, subscription: { ecdh: crypto.ECDH; publicKey: Buffer; auth: Buffer }): Buffer {
  if (body.length < 21) throw new Error('body shorter than the header')
  const salt = body.subarray(0, 16)
  const rs = body.readUInt32BE(16)
  const idlen = body[20]
  if (idlen !== 65) throw new Error(`keyid length ${idlen}, expected 65`)
  const senderPublic = body.subarray(21, 21 + idlen)
  const records = body.subarray(21 + idlen)
  if (rs < 18) throw new Error('record size too small')

  const ecdhSecret = subscription.ecdh.computeSecret(senderPublic)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscription.publicKey, senderPublic])
  const ikm = Buffer.from(crypto.hkdfSync('sha256', ecdhSecret, subscription.auth, keyInfo, 32))
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const baseNonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))

  const out: Buffer[] = []
  let offset = 0
  for (let seq = 0; offset < records.length; seq += 1) {
    const record = records.subarray(offset, offset + rs)
    offset += rs
    const last = offset >= records.length
    const nonce = Buffer.from(baseNonce)
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8)
    const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce)
    decipher.setAuthTag(record.subarray(record.length - 16))
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
    let end = padded.length - 1
    while (end >= 0 && padded[end] === 0) end -= 1
    const delimiter = padded[end]
    if (delimiter !== (last ? 2 : 1)) throw new Error(`bad padding delimiter ${delimiter}`)
    out.push(padded.subarray(0, end))
  }
  return Buffer.concat(out)
}
