// Reliability row 24: an alert to 50,000 recipients is streamed — the first sends happen while the
// fan-out has covered only its first batch, and no step holds more than a batch of recipients.
// Structural, not timed (bench/fanout.ts measures the first-push time and the event-loop lag).
import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { generateVapidKeys, WebPushAdapter } from '#notify/channels/web-push.ts'
import { Dispatcher, type ChannelRoute } from '#notify/dispatch/dispatcher.ts'
import { ExerciseSink } from '#notify/dispatch/exercise-sink.ts'
import { webPushRoute } from '#notify/dispatch/web-push-route.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { asDatabaseOwner, describeEachBackend, useTestDatabase } from '#tests/db.ts'

const RECIPIENTS = 50_000
const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }

describeEachBackend('row 24: a large alert is streamed', (backend) => {
  const db = useTestDatabase(backend, 'all')

  it('sends the first batch before the fan-out is done, and fans out in bounded batches to everyone once', { timeout: 600_000 }, async () => {
    const { prisma } = db()
    // 50,000 subscribers inside the area, 2,000 outside; set-based (the index rows as the trigger
    // would write them), so that seeding does not dominate the test
    await asDatabaseOwner(prisma, [
      `INSERT INTO "PushSubscription" ("id", "endpoint", "p256dh", "auth", "languages", "minSeverity", "places", "minLng", "maxLng", "minLat", "maxLat")
       SELECT 's' || i, 'https://push.example/' || i, 'k', 'a', ARRAY['lv'], 'Minor',
              CASE WHEN i <= ${RECIPIENTS} THEN jsonb_build_array(jsonb_build_array(23.6 + (i % 997) * 0.0002, 56.6 + (i % 991) * 0.0001))
                   ELSE jsonb_build_array(jsonb_build_array(24.1, 56.95)) END, 0, 0, 0, 0
         FROM generate_series(1, ${RECIPIENTS + 2000}) AS i`,
      `INSERT INTO "SubscriptionPlace" ("subscriptionId", "idx", "cell", "lng", "lat", "minSeverity", "placeCount")
       SELECT s."id", 0, "sargs_place_cell"((s."places"->0->>0)::float8, (s."places"->0->>1)::float8),
              (s."places"->0->>0)::float8, (s."places"->0->>1)::float8, s."minSeverity", 1
         FROM "PushSubscription" s`,
    ])
    // an Exercise: the real dispatcher and route, the sends go to the exercise sink
    const identifier = `urn:sargs:${randomUUID()}`
    const alert = await issueAlert(prisma, {
      identifier, status: 'Exercise', msgType: 'Alert', territoryId: 'jelgava', severity: 'Severe', area: AREA, idempotencyKey: identifier,
      payload: { identifier, sender: 'sargs@jelgava.lv', sent: '2026-11-22T10:00:00+02:00', status: 'Exercise', msgType: 'Alert', scope: 'Public', code: [], references: [],
        info: [{ language: 'lv-LV', event: 'Plūdi', headline: 'Mācības', category: ['Met'], responseType: [], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', eventCode: [], parameter: [], resource: [], area: [] }] },
    })
    const sink = new ExerciseSink(100)
    const adapter = new WebPushAdapter({ vapid: { subject: 'mailto:alerts@jelgava.example', ...generateVapidKeys() } })
    const fanOutBatchSize = 2000
    const dispatcher = new Dispatcher({ prisma, routes: [webPushRoute(adapter) as ChannelRoute<unknown>], exerciseSink: sink, batchSize: 500, fanOutBatchSize })

    // one round: a fan-out batch, then a send batch — the first messages go out now
    const first = await dispatcher.tick()
    expect(first.sent).toBe(500)
    expect(sink.records.length).toBe(100) // the sink keeps the last 100 of the 500
    const afterFirst = await prisma.alert.findUniqueOrThrow({ where: { id: alert.id }, select: { fanoutDoneAt: true } })
    expect(afterFirst.fanoutDoneAt).toBeNull()
    expect(await prisma.delivery.count()).toBeLessThanOrEqual(fanOutBatchSize)

    // the rest of the fan-out: never more than a batch of places in hand
    let batches = 1
    for (;;) {
      const result = await fanOutBatch(prisma, { batchSize: fanOutBatchSize })
      if (!result) break
      batches += 1
      expect(result.candidates).toBeLessThanOrEqual(fanOutBatchSize)
      expect(result.inserted).toBeLessThanOrEqual(fanOutBatchSize)
      if (result.done) break
    }
    expect(batches).toBeGreaterThanOrEqual(RECIPIENTS / fanOutBatchSize)
    // everyone inside once, nobody outside
    const [counts] = await prisma.$queryRawUnsafe<{ n: number; distinct: number; outside: number }[]>(
      `SELECT count(*)::int AS n, count(DISTINCT "recipientKey")::int AS "distinct",
              count(*) FILTER (WHERE substr("recipientKey", 2)::int > ${RECIPIENTS})::int AS outside
         FROM "Delivery" WHERE "alertId" = $1`,
      alert.id,
    )
    expect(counts).toEqual({ n: RECIPIENTS, distinct: RECIPIENTS, outside: 0 })
  })
})
