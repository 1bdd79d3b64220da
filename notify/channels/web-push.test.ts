import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { generateVapidKeys, mapResponse, WEB_PUSH_MAX_PLAINTEXT, WebPushAdapter } from './web-push.ts'

const ctx = { idempotencyKey: 'a:webpush:r', timeoutMs: 2000 }

describe('WebPushAdapter against the fake push service', () => {
  let push: FakePushService
  const keys = generateVapidKeys()
  const vapid = { subject: 'mailto:alerts@jelgava.example', ...keys }

  beforeAll(async () => {
    push = await startFakePushService()
    push.expectVapidKey(keys.publicKey)
  })
  afterAll(async () => push.close())

  it('sends an RFC 8291 aes128gcm body with VAPID, TTL, Urgency and Topic; the fake decrypts it', async () => {
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const subscription = push.createSubscription()
    const payload = JSON.stringify({ headline: 'Plūdi: evakuācija Lielupes krastā', lang: 'lv' })
    const result = await adapter.send({ subscription, payload, ttlSeconds: 3600, urgency: 'high', topic: 'abcDEF_-123' }, ctx)

    expect(result.kind).toBe('sent')
    const received = push.received.at(-1)!
    expect(result).toEqual({ kind: 'sent', httpStatus: 201, providerMessageId: `${push.origin}/message/${received.messageId}` })
    expect(received.subscriptionId).toBe(subscription.id)
    expect(received.plaintext).toBe(payload)
    // the exact header set a push service sees
    expect(received.headers).toMatchObject({
      ttl: '3600',
      urgency: 'high',
      topic: 'abcDEF_-123',
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      'content-length': String(received.body.length),
    })
    expect(received.headers.authorization).toBe(`vapid t=${received.vapid.token}, k=${keys.publicKey}`)
    expect(received.vapid).toMatchObject({ aud: push.origin, sub: vapid.subject })
    // the bytes: salt(16) | rs = 4096 | idlen = 65 | sender key (uncompressed P-256) | one record
    const body = received.body
    expect(body.readUInt32BE(16)).toBe(4096)
    expect(body[20]).toBe(65)
    expect(body[21]).toBe(4)
    expect(body.length).toBe(Buffer.byteLength(payload) + 103)
  })

  it('signs one VAPID token per push-service origin per hour, not one per message', async () => {
    let now = Date.now()
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher, now: () => now })
    const subscriptions = Array.from({ length: 5 }, () => push.createSubscription())
    const before = push.received.length
    for (const subscription of subscriptions) {
      await adapter.send({ subscription, payload: 'x', ttlSeconds: 60, urgency: 'normal' }, ctx)
    }
    const tokens = new Set(push.received.slice(before).map((r) => r.vapid.token))
    expect(tokens.size).toBe(1)
    expect(adapter.tokensSigned).toBe(1)
    now += 61 * 60 * 1000
    adapter.authorization(subscriptions[0].endpoint)
    expect(adapter.tokensSigned).toBe(2)
  })

  it('refuses a payload over 4 KB before sending (permanent, address not dead)', async () => {
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const subscription = push.createSubscription()
    const requests = push.requests
    const result = await adapter.send({ subscription, payload: 'é'.repeat(2100), ttlSeconds: 60, urgency: 'normal' }, ctx)
    expect(result).toMatchObject({ kind: 'permanent', deadAddress: false })
    expect(push.requests).toBe(requests)
    // the largest accepted payload does fit the push service's 4096 bytes
    const fits = await adapter.send({ subscription, payload: 'a'.repeat(WEB_PUSH_MAX_PLAINTEXT), ttlSeconds: 60, urgency: 'normal' }, ctx)
    expect(fits.kind).toBe('sent')
    expect(push.received.at(-1)!.body.length).toBe(4096)
  })

  it('maps 410 and 404 to a dead address, 429 to retry with Retry-After, 5xx to retry, 400 to permanent', async () => {
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const message = (subscription: ReturnType<FakePushService['createSubscription']>) =>
      ({ subscription, payload: 'p', ttlSeconds: 60, urgency: 'normal' }) as const
    const gone = push.createSubscription()
    push.fault(gone.id, { kind: 'status', status: 410 })
    expect(await adapter.send(message(gone), ctx)).toMatchObject({ kind: 'permanent', deadAddress: true, httpStatus: 410 })

    const unknown = { ...push.createSubscription() }
    unknown.endpoint = `${push.origin}/push/00000000-0000-0000-0000-000000000000`
    expect(await adapter.send(message(unknown), ctx)).toMatchObject({ kind: 'permanent', deadAddress: true, httpStatus: 404 })

    const busy = push.createSubscription()
    push.fault(busy.id, { kind: 'status', status: 429, retryAfter: '7' }, 1)
    expect(await adapter.send(message(busy), ctx)).toEqual({ kind: 'retry', afterMs: 7000, httpStatus: 429, reason: '429 fault 429' })
    expect((await adapter.send(message(busy), ctx)).kind).toBe('sent')

    const broken = push.createSubscription()
    push.fault(broken.id, { kind: 'status', status: 503 }, 1)
    expect(await adapter.send(message(broken), ctx)).toMatchObject({ kind: 'retry', httpStatus: 503 })

    const bad = push.createSubscription()
    push.fault(bad.id, { kind: 'status', status: 400 }, 1)
    expect(await adapter.send(message(bad), ctx)).toMatchObject({ kind: 'permanent', deadAddress: false, httpStatus: 400 })
  })

  it('gives up on a hanging push service after the timeout and reports a retry', async () => {
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const subscription = push.createSubscription()
    push.fault(subscription.id, { kind: 'hang' }, 1)
    const started = Date.now()
    const result = await adapter.send({ subscription, payload: 'p', ttlSeconds: 60, urgency: 'normal' }, { ...ctx, timeoutMs: 300 })
    expect(result).toMatchObject({ kind: 'retry', reason: 'timeout after 300 ms' })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('never POSTs to a host that is not on the push-service list (a dead address, no request)', async () => {
    const listed = new WebPushAdapter({ vapid, dispatcher: push.dispatcher, pushServiceHosts: ['127.0.0.1'] })
    const unlisted = new WebPushAdapter({ vapid, dispatcher: push.dispatcher, pushServiceHosts: ['fcm.googleapis.com'] })
    const subscription = push.createSubscription()
    const requests = push.requests
    const refused = await unlisted.send({ subscription, payload: 'p', ttlSeconds: 60, urgency: 'normal' }, ctx)
    expect(refused).toMatchObject({ kind: 'permanent', deadAddress: true, reason: expect.stringContaining('not allowed') })
    expect(push.requests).toBe(requests)
    expect((await listed.send({ subscription, payload: 'p', ttlSeconds: 60, urgency: 'normal' }, ctx)).kind).toBe('sent')
    expect(push.requests).toBe(requests + 1)
  })

  it('reports a malformed subscription as a permanent dead address without a request', async () => {
    const adapter = new WebPushAdapter({ vapid, dispatcher: push.dispatcher })
    const requests = push.requests
    const result = await adapter.send(
      { subscription: { endpoint: `${push.origin}/push/x`, keys: { p256dh: 'short', auth: 'short' } }, payload: 'p', ttlSeconds: 60, urgency: 'normal' },
      ctx,
    )
    expect(result).toMatchObject({ kind: 'permanent', deadAddress: true })
    expect(push.requests).toBe(requests)
  })

  it('never sends to a plain http endpoint (the VAPID token would travel in the clear): a dead address, no request', async () => {
    let requests = 0
    const plain = http.createServer((_request, response) => {
      requests += 1
      response.writeHead(201).end()
    })
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = plain.address() as AddressInfo
      const { keys: subscriptionKeys } = push.createSubscription()
      const adapter = new WebPushAdapter({ vapid })
      const result = await adapter.send({ subscription: { endpoint: `http://127.0.0.1:${port}/push/x`, keys: subscriptionKeys }, payload: 'p', ttlSeconds: 60, urgency: 'normal' }, ctx)
      expect(result).toEqual({ kind: 'permanent', deadAddress: true, reason: 'invalid subscription: endpoint is not https' })
      expect(requests).toBe(0)
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()))
    }
  })

  it('refuses untrusted TLS (no dispatcher with the fake CA) as a retryable network error', async () => {
    const adapter = new WebPushAdapter({ vapid })
    const result = await adapter.send({ subscription: push.createSubscription(), payload: 'p', ttlSeconds: 60, urgency: 'normal' }, ctx)
    expect(result.kind).toBe('retry')
    expect(result.kind === 'retry' && result.reason).toMatch(/network: .*(self.signed|certificate)/i)
  })
})

describe('mapResponse', () => {
  it('reads Retry-After as an HTTP date too', () => {
    const at = new Date(Date.now() + 30_000).toUTCString()
    const result = mapResponse(429, { 'retry-after': at }, '')
    expect(result.kind).toBe('retry')
    expect(result.kind === 'retry' && result.afterMs).toBeGreaterThan(25_000)
  })
  it('treats 413 as permanent and 502 as retry', () => {
    expect(mapResponse(413, {}, '')).toMatchObject({ kind: 'permanent', deadAddress: false })
    expect(mapResponse(502, {}, '')).toMatchObject({ kind: 'retry' })
  })
})
