// Subscribing and unsubscribing against the database, on PGlite and PostgreSQL: upsert by
// endpoint (same auth secret only), rounding, the fan-out finds the stored places, the
// unsubscribe proof, and the per-address rate limit.
import crypto from 'node:crypto'
import { beforeEach, expect, it } from 'vitest'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { enforceRateLimits } from '#domain/auth/rate-limit.ts'
import { AppError } from '#domain/errors.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { SUBSCRIBE_IP, subscribeRules } from './limits.ts'
import { removeSubscription } from './remove-subscription.ts'
import { saveSubscription } from './save-subscription.ts'

function browserSubscription(overrides: Record<string, unknown> = {}) {
  const ecdh = crypto.createECDH('prime256v1')
  return {
    endpoint: `https://push.example.net/send/${crypto.randomUUID()}`,
    expirationTime: null,
    keys: { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
    places: [[23.72345, 56.65178]],
    languages: ['en'],
    minSeverity: 'Minor',
    ...overrides,
  }
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  return error as AppError
}

describeEachBackend('subscriptions', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  beforeEach(async () => {
    await db().prisma.territory.create({ data: { ...jelgavaTerritory, demo: true } })
  })

  it('stores the subscription with rounded places, a bounding box, languages and severity: no name, no address', async () => {
    const { prisma } = db()
    const input = browserSubscription({ places: [[23.72345, 56.65178], [23.7618, 56.6411]], languages: ['ru', 'lv'], minSeverity: 'Severe' })
    const saved = await saveSubscription({ prisma, input })
    expect(saved.created).toBe(true)
    expect(saved.subscription.places).toEqual([[23.723, 56.652], [23.762, 56.641]])
    const row = await prisma.pushSubscription.findUniqueOrThrow({ where: { id: saved.id } })
    expect(row).toMatchObject({
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      languages: ['ru', 'lv'],
      minSeverity: 'Severe',
      places: [[23.723, 56.652], [23.762, 56.641]],
      minLng: 23.723,
      maxLng: 23.762,
      minLat: 56.641,
      maxLat: 56.652,
    })
    // the row has no column for a person
    expect(Object.keys(row).sort()).toEqual(
      ['auth', 'createdAt', 'endpoint', 'id', 'languages', 'maxLat', 'maxLng', 'minLat', 'minLng', 'minSeverity', 'p256dh', 'places'].sort(),
    )
  })

  it('upserts by endpoint: the same browser changing its choices updates its one row', async () => {
    const { prisma } = db()
    const input = browserSubscription()
    const first = await saveSubscription({ prisma, input })
    const second = await saveSubscription({ prisma, input: { ...input, places: [[23.75, 56.64]], languages: ['lv'], minSeverity: 'Extreme' } })
    expect(second).toMatchObject({ id: first.id, created: false })
    expect(await prisma.pushSubscription.count()).toBe(1)
    expect(await prisma.pushSubscription.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      places: [[23.75, 56.64]],
      languages: ['lv'],
      minSeverity: 'Extreme',
    })
    // concurrent first subscriptions of one endpoint: one row, no unique violation
    const other = browserSubscription()
    const results = await Promise.all([saveSubscription({ prisma, input: other }), saveSubscription({ prisma, input: other })])
    expect(new Set(results.map((r) => r.id)).size).toBe(1)
    expect(await prisma.pushSubscription.count()).toBe(2)
  })

  it('refuses to change a subscription without its auth secret (409), and leaves it as it was', async () => {
    const { prisma } = db()
    const input = browserSubscription()
    await saveSubscription({ prisma, input })
    const intruder = browserSubscription({ endpoint: input.endpoint, places: [[23.7, 56.62]] })
    const error = await rejection(saveSubscription({ prisma, input: intruder }))
    expect(error.code).toBe('CONFLICT')
    expect(error.fields).toEqual({ 'keys.auth': 'public:errors.subscriptionKeysChanged' })
    const row = await prisma.pushSubscription.findUniqueOrThrow({ where: { endpoint: input.endpoint } })
    expect(row).toMatchObject({ auth: input.keys.auth, p256dh: input.keys.p256dh, places: [[23.723, 56.652]] })
  })

  it('invalid input stores nothing and names the fields (422)', async () => {
    const { prisma } = db()
    const error = await rejection(saveSubscription({ prisma, input: browserSubscription({ endpoint: 'http://x.example/1', places: [[24.1, 56.95]] }) }))
    expect(error.status).toBe(422)
    expect(error.fields).toEqual({ endpoint: 'public:errors.endpointNotHttps', 'places.0': 'public:errors.placeOutsideTerritory' })
    expect(await prisma.pushSubscription.count()).toBe(0)
  })

  it('the fan-out reaches a stored place inside the alert area, and unsubscribing cancels what is still pending', async () => {
    const { prisma } = db()
    const inside = await saveSubscription({ prisma, input: browserSubscription({ places: [[23.70, 56.62], [23.72, 56.65]] }) })
    const outside = await saveSubscription({ prisma, input: browserSubscription({ places: [[23.78, 56.66]] }) })
    const mild = await saveSubscription({ prisma, input: browserSubscription({ places: [[23.72, 56.65]], minSeverity: 'Extreme' }) })
    const territory = await prisma.territory.findFirstOrThrow()
    await issueAlert(prisma, {
      identifier: 'sub-test-1', status: 'Actual', msgType: 'Alert', territoryId: territory.id, payload: {}, severity: 'Severe',
      area: { type: 'Polygon', coordinates: [[[23.71, 56.64], [23.73, 56.64], [23.73, 56.66], [23.71, 56.66], [23.71, 56.64]]] },
      idempotencyKey: 'sub-test-1',
    })
    while (await fanOutBatch(prisma, { batchSize: 100 })) {
      // until the fan-out is done
    }
    const deliveries = await prisma.delivery.findMany()
    expect(deliveries.map((d) => d.recipientKey)).toEqual([inside.id])
    expect([outside.id, mild.id]).not.toContain(deliveries[0].recipientKey)

    const row = await prisma.pushSubscription.findUniqueOrThrow({ where: { id: inside.id } })
    await removeSubscription({ prisma, input: { endpoint: row.endpoint, keys: { auth: row.auth } } })
    expect(await prisma.pushSubscription.findUnique({ where: { id: inside.id } })).toBeNull()
    expect(await prisma.delivery.findFirstOrThrow({ where: { recipientKey: inside.id } })).toMatchObject({ status: 'CANCELLED', lastError: 'unsubscribed' })
  })

  it('unsubscribing needs the auth secret: a wrong one or an unknown endpoint is 404 and removes nothing', async () => {
    const { prisma } = db()
    const input = browserSubscription()
    await saveSubscription({ prisma, input })
    const wrong = await rejection(removeSubscription({ prisma, input: { endpoint: input.endpoint, keys: { auth: crypto.randomBytes(16).toString('base64url') } } }))
    expect(wrong.code).toBe('NOT_FOUND')
    const unknown = await rejection(removeSubscription({ prisma, input: { endpoint: 'https://push.example.net/send/none', keys: input.keys } }))
    expect(unknown.code).toBe('NOT_FOUND')
    expect(unknown.fields).toEqual(wrong.fields)
    const missing = await rejection(removeSubscription({ prisma, input: { endpoint: input.endpoint } }))
    expect(missing.fields).toEqual({ 'keys.auth': 'public:errors.required' })
    expect(await prisma.pushSubscription.count()).toBe(1)
    // the whole PushSubscription JSON works as the proof too
    await removeSubscription({ prisma, input })
    expect(await prisma.pushSubscription.count()).toBe(0)
  })

  it('rate-limits subscribing per address: the limit, then 429 with a Retry-After; other addresses go on', async () => {
    const { prisma } = db()
    const now = new Date('2026-11-22T10:00:00Z')
    for (let i = 0; i < SUBSCRIBE_IP.limit; i += 1) await enforceRateLimits(prisma, subscribeRules('203.0.113.7'), now)
    const error = await rejection(enforceRateLimits(prisma, subscribeRules('203.0.113.7'), now))
    expect(error.code).toBe('RATE_LIMITED')
    expect(error.status).toBe(429)
    expect(error.retryAfterSeconds).toBe(SUBSCRIBE_IP.windowSeconds)
    await enforceRateLimits(prisma, subscribeRules('203.0.113.8'), now)
    // the window passes
    await enforceRateLimits(prisma, subscribeRules('203.0.113.7'), new Date(now.getTime() + SUBSCRIBE_IP.windowSeconds * 1000))
  })

  it('without a territory there is nothing to subscribe to (503), not a crash', async () => {
    await db().reset() // no demo municipality
    const { prisma } = db()
    const error = await rejection(saveSubscription({ prisma, input: browserSubscription() }))
    expect(error.code).toBe('UNAVAILABLE')
  })
})
