// Reliability rows 19 and 20 end to end: issueCapAlert (the one way an alert is issued) → the
// ledger → the dispatcher → the fake push service, on PGlite and PostgreSQL. A double click, a
// second tab or a retried request issue one alert and every subscriber gets one push; an Update or
// Cancel that refers to an unknown, mismatched, other-realm or expired alert is refused with its
// reason (422/409) and nothing is stored, superseded or sent.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { userActor } from '#domain/auth/actor.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { newAlertIdentity } from '#domain/alerts/new-alert-identity.ts'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { isAppError } from '#domain/errors.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { CapAlert, CapInfo } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { generateVapidKeys, WebPushAdapter } from '#notify/channels/web-push.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { createSignedInUser } from '#tests/support/sessions.ts'
import { Dispatcher, type ChannelRoute } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { webPushRoute } from './web-push-route.ts'

// a small square in Jelgava's centre (CAP polygon: lat,lon pairs) and a place inside it
const SQUARE = [[56.645, 23.71], [56.645, 23.73], [56.655, 23.73], [56.655, 23.71], [56.645, 23.71]].map(([lat, lon]) => `${lat},${lon}`).join(' ')
const INSIDE: [number, number] = [23.72, 56.65]

describeEachBackend('reliability: one alert per request, refused references send nothing', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let push: FakePushService
  const vapid = { subject: 'mailto:alerts@jelgava.example', ...generateVapidKeys() }

  beforeAll(async () => {
    push = await startFakePushService()
  })
  afterAll(async () => push.close())

  async function setup(subscribers: number) {
    const prisma = db().prisma
    await seedDemo({ prisma, onlyIfEmpty: false })
    const territory = await prisma.territory.findFirstOrThrow()
    const { user } = await createSignedInUser(prisma, 'OPERATOR')
    const subs = []
    for (let i = 0; i < subscribers; i += 1) {
      const sub = push.createSubscription()
      await prisma.pushSubscription.create({
        data: { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, languages: ['lv'], places: [INSIDE],
          minLng: INSIDE[0], maxLng: INSIDE[0], minLat: INSIDE[1], maxLat: INSIDE[1] },
      })
      subs.push(sub)
    }
    const dispatcher = new Dispatcher({
      prisma, routes: [webPushRoute(new WebPushAdapter({ vapid, dispatcher: push.dispatcher })) as ChannelRoute<unknown>], exerciseSink: new ExerciseSink(),
    })
    return { prisma, territory, actor: userActor(user, '127.0.0.1'), subs, dispatcher }
  }

  async function compose(prisma: PrismaClient, territory: { id: string; boundary: unknown }, extra: Partial<CapAlert> = {}, expiresMs = Date.now() + 3600_000) {
    const identity = await newAlertIdentity({ prisma, territoryId: territory.id })
    const info = (language: string, headline: string): Partial<CapInfo> => ({
      language, category: ['Met'], event: 'Plūdi', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', headline,
      description: 'Lielupes līmenis ceļas.', instruction: 'Evakuējieties', expires: formatCapTime(expiresMs),
      area: [{ areaDesc: 'Centrs', polygon: [SQUARE], circle: [], geocode: [] }],
    })
    return validateAlert({
      boundary: territory.boundary as never,
      input: { ...identity, identifier: `${identity.identifier}-${randomUUID().slice(0, 4)}`, status: 'Actual', msgType: 'Alert', scope: 'Public',
        info: [info('lv-LV', 'Plūdu brīdinājums'), info('en-GB', 'Flood warning')], ...extra },
    })
  }

  const countBy = (ids: string[]) => {
    const count = new Map<string, number>()
    for (const id of ids) count.set(id, (count.get(id) ?? 0) + 1)
    return count
  }

  it('row 19: a double click, a second tab and a retried POST (one idempotency key, concurrently and later) issue one alert; every subscriber gets one push', async () => {
    const { prisma, territory, actor, subs, dispatcher } = await setup(5)
    const alert = await compose(prisma, territory)
    const key = randomUUID()
    const clicks = await Promise.all(Array.from({ length: 8 }, () => issueCapAlert({ prisma, alert, actor, idempotencyKey: key })))
    expect(new Set(clicks.map((c) => c.id)).size).toBe(1)
    expect(clicks.filter((c) => c.created)).toHaveLength(1)
    await dispatcher.drain()
    // the request retried after the alert went out: the same alert, nothing sent again
    const retried = await issueCapAlert({ prisma, alert, actor, idempotencyKey: key })
    expect(retried).toEqual({ id: clicks[0].id, identifier: alert.identifier, created: false })
    await dispatcher.drain()

    expect(await prisma.alert.count()).toBe(1)
    expect(await prisma.auditLog.count({ where: { action: 'alert.issued' } })).toBe(1)
    expect(await prisma.delivery.count()).toBe(5)
    const received = countBy(push.received.map((r) => r.subscriptionId))
    for (const sub of subs) expect(received.get(sub.id)).toBe(1)
  })

  it('row 20: an Update or Cancel naming an unknown, mismatched, other-realm or expired alert → 422/409 with the reason; nothing stored, superseded or sent', async () => {
    const { prisma, territory, actor, subs, dispatcher } = await setup(3)
    const original = await compose(prisma, territory, { sent: formatCapTime(Date.now() - 120_000) })
    const expired = await compose(prisma, territory, { sent: formatCapTime(Date.now() - 3 * 3600_000) }, Date.now() - 3600_000)
    const live = await issueCapAlert({ prisma, alert: original, actor, idempotencyKey: randomUUID() })
    // issued back then (an alert that has expired already cannot be issued now)
    await issueCapAlert({ prisma, alert: expired, actor, idempotencyKey: randomUUID(), now: new Date(Date.now() - 3 * 3600_000) })
    await dispatcher.drain()
    const before = { alerts: await prisma.alert.count(), deliveries: await prisma.delivery.count(), audit: await prisma.auditLog.count(), pushes: push.received.length }
    expect(before.deliveries).toBe(6)

    const ref = (a: CapAlert) => ({ sender: a.sender, identifier: a.identifier, sent: a.sent })
    const cases: { name: string; alert: Partial<CapAlert>; code: string; field: string }[] = [
      { name: 'unknown', alert: { msgType: 'Update', references: [{ ...ref(original), identifier: 'sargs:jelgava:nav-tada' }] }, code: 'INVALID_INPUT', field: 'alerts:errors.referenceUnknown' },
      { name: 'another sent time', alert: { msgType: 'Cancel', references: [{ ...ref(original), sent: formatCapTime(Date.now() - 7200_000) }] }, code: 'INVALID_INPUT', field: 'alerts:errors.referenceSentMismatch' },
      { name: 'another realm', alert: { status: 'Exercise', msgType: 'Cancel', references: [ref(original)] }, code: 'INVALID_INPUT', field: 'alerts:errors.referenceStatusMismatch' },
      { name: 'expired', alert: { msgType: 'Cancel', references: [ref(expired)] }, code: 'CONFLICT', field: 'alerts:errors.referenceExpired' },
    ]
    for (const c of cases) {
      const refused = await issueCapAlert({ prisma, alert: await compose(prisma, territory, c.alert), actor, idempotencyKey: randomUUID() })
        .then(() => null, (error: unknown) => error)
      if (!isAppError(refused)) throw new Error(`${c.name}: expected a refusal, got ${String(refused)}`)
      expect({ name: c.name, code: refused.code, fields: refused.fields }).toEqual({ name: c.name, code: c.code, fields: { 'references.0': c.field } })
    }
    await dispatcher.drain()
    expect(await prisma.alert.count()).toBe(before.alerts)
    expect(await prisma.delivery.count()).toBe(before.deliveries)
    expect(await prisma.auditLog.count()).toBe(before.audit)
    expect(push.received).toHaveLength(before.pushes)
    expect(await prisma.alert.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ supersededAt: null, supersededById: null })
    const received = countBy(push.received.map((r) => r.subscriptionId))
    // the two alerts issued before (an alert already past its expiry is still issued and sent: see docs/reliability.md), nothing more
    for (const sub of subs) expect(received.get(sub.id)).toBe(2)
  })
})
