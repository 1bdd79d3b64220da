// The public push API's routes called with real Requests against the test database (PGlite and
// PostgreSQL): JSON in and out, 201/200/422/400/413/415/404/405, and 429 with Retry-After per
// client address — a spoofed X-Forwarded-For changes nothing (the address comes from the load
// context, which honours the header only with TRUST_PROXY=true).
import crypto from 'node:crypto'
import type { AppLoadContext } from '@remix-run/node'
import { beforeAll, expect, it } from 'vitest'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { setRuntime } from '#domain/runtime.ts'
import { SUBSCRIBE_IP } from '#domain/subscriptions/limits.ts'
import { VAPID_SETTING_KEY } from '#notify/dispatch/vapid-keys.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import * as subscriptions from './api.push.subscriptions.ts'
import * as vapid from './api.push.vapid-public-key.ts'

const ORIGIN = 'http://localhost:3000'
const context = (ip: string): AppLoadContext => ({ nonce: 'n', clientIp: ip, publicConfig: { mapStyleUrl: null } })

function browserSubscription() {
  const ecdh = crypto.createECDH('prime256v1')
  return {
    endpoint: `https://push.example.net/send/${crypto.randomUUID()}`,
    expirationTime: null,
    keys: { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
  }
}

function request(method: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}/api/push/subscriptions`, {
    method,
    headers: { Origin: ORIGIN, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function call(req: Request, ip = '192.0.2.10'): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = (await subscriptions.action({ request: req, context: context(ip), params: {} })) as Response
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }
}

describeEachBackend('public push API routes', (backend) => {
  const db = useTestDatabase(backend)
  beforeAll(async () => {
    setRuntime({ prisma: db().prisma })
    await db().prisma.territory.create({ data: { ...jelgavaTerritory, demo: true } })
  }, 120_000)

  it('POST subscribes (201), POST again changes the choices (200), DELETE unsubscribes', async () => {
    const sub = browserSubscription()
    const created = await call(request('POST', { ...sub, places: [[23.7234, 56.6518]], languages: ['ru'], minSeverity: 'Severe' }))
    expect(created.status).toBe(201)
    expect(created.headers.get('content-type')).toMatch(/^application\/json/)
    expect(created.headers.get('cache-control')).toBe('no-store')
    expect(created.body).toEqual({
      ok: true,
      created: true,
      subscription: { endpoint: sub.endpoint, places: [[23.723, 56.652]], languages: ['ru'], minSeverity: 'Severe' },
    })
    const changed = await call(request('POST', { ...sub, places: [[23.75, 56.64]], languages: ['lv', 'en'] }))
    expect(changed.status).toBe(200)
    expect(changed.body).toMatchObject({ created: false, subscription: { languages: ['lv', 'en'], minSeverity: 'Minor' } })
    expect(await db().prisma.pushSubscription.count({ where: { endpoint: sub.endpoint } })).toBe(1)

    const removed = await call(request('DELETE', { endpoint: sub.endpoint, keys: { auth: sub.keys.auth } }))
    expect(removed).toMatchObject({ status: 200, body: { ok: true, removed: true } })
    const again = await call(request('DELETE', { endpoint: sub.endpoint, keys: { auth: sub.keys.auth } }))
    expect(again.status).toBe(404)
    expect(again.body).toMatchObject({ ok: false, error: 'not-found', errors: { endpoint: 'public:errors.subscriptionNotFound' } })
  })

  it('422 names every bad field; nothing is stored', async () => {
    const before = await db().prisma.pushSubscription.count()
    const bad = await call(request('POST', { endpoint: 'http://push.example.net/x', keys: { p256dh: 'abc', auth: 'x' }, places: [[24.1, 56.95]], languages: ['de'], minSeverity: 'Huge' }))
    expect(bad.status).toBe(422)
    expect(bad.body).toEqual({
      ok: false,
      error: 'invalid-input',
      errors: {
        endpoint: 'public:errors.endpointNotHttps',
        'keys.p256dh': 'public:errors.p256dhInvalid',
        'keys.auth': 'public:errors.authInvalid',
        'places.0': 'public:errors.placeOutsideTerritory',
        'languages.0': 'public:errors.languageInvalid',
        minSeverity: 'public:errors.severityInvalid',
      },
    })
    expect(await db().prisma.pushSubscription.count()).toBe(before)
  })

  it('a body that is not JSON, too large, or not sent as JSON gets 400/413/415; other methods 405', async () => {
    expect((await call(request('POST', '{"endpoint":'))).status).toBe(400)
    expect((await call(request('POST', 'endpoint=x', { 'Content-Type': 'application/x-www-form-urlencoded' }))).status).toBe(415)
    expect((await call(request('POST', { ...browserSubscription(), places: [[23.72, 56.65]], pad: 'x'.repeat(20_000) }))).status).toBe(413)
    expect((await call(request('POST', '[]'))).status).toBe(422)
    const put = await call(request('PUT', {}))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('POST, DELETE')
  })

  it(`after ${SUBSCRIBE_IP.limit} requests from one address: 429 with Retry-After, whatever X-Forwarded-For says`, async () => {
    const ip = '198.51.100.23'
    for (let i = 0; i < SUBSCRIBE_IP.limit; i += 1) {
      const answer = await call(request('DELETE', { endpoint: 'https://push.example.net/none', keys: browserSubscription().keys }, { 'X-Forwarded-For': `10.0.${i}.1` }), ip)
      expect(answer.status).toBe(404)
    }
    const limited = await call(request('POST', { ...browserSubscription(), places: [[23.72, 56.65]] }, { 'X-Forwarded-For': '10.9.9.9' }), ip)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.body).toMatchObject({ ok: false, error: 'rate-limited' })
    // another address is not held up
    expect((await call(request('POST', { ...browserSubscription(), places: [[23.72, 56.65]] }), '198.51.100.24')).status).toBe(201)
  })

  it('GET /api/push/vapid-public-key serves the stored VAPID public key (made on first use)', async () => {
    const response = (await vapid.loader({ request: new Request(`${ORIGIN}/api/push/vapid-public-key`), context: context('192.0.2.99'), params: {} })) as Response
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, string>
    // the public key and nothing else
    expect(Object.keys(body)).toEqual(['publicKey'])
    const { publicKey } = body
    const stored = await db().prisma.setting.findUniqueOrThrow({ where: { key: VAPID_SETTING_KEY } })
    expect(publicKey).toBe((stored.value as { publicKey: string }).publicKey)
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65)
  })
})
