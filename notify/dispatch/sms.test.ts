// The SMS channel end to end in the engine: SMS subscribers selected by area through their own
// place index, the alert's text in each subscriber's language through the HTTP gateway adapter to
// the fake gateway (which recounts the parts: row 29), signed per-part receipts back through the
// receipt webhook's domain function into the ledger (row 14), fallback to a second provider, a dead
// number, and exercise isolation — on PGlite and PostgreSQL.
import http from 'node:http'
import { createHash, randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { getAlertProgress } from '#domain/deliveries/get-alert-progress.ts'
import { receiveSmsReceipt } from '#domain/sms/receive-sms-receipt.ts'
import { alertAreaGeometry } from '#notify/cap/alert-area.ts'
import { HttpSmsGatewayAdapter } from '#notify/channels/sms/http-gateway.ts'
import { smsEncoding } from '#notify/channels/sms/encoding.ts'
import { signReceipt } from '#notify/channels/sms/receipts.ts'
import { SmsProviderChain } from '#notify/channels/sms/sms-providers.ts'
import { countRecipients } from '#notify/targeting/count-recipients.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { Dispatcher, type ChannelRoute } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { generateVapidKeys, WebPushAdapter } from '#notify/channels/web-push.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { composeAlert, demoTerritory, INSIDE, issue, OUTSIDE, subscribe, type Territory } from './fixtures/engine-support.ts'
import { webPushRoute } from './web-push-route.ts'
import { renderSms } from './render-sms.ts'
import { smsRoute } from './sms-route.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'

const SECRET = 'receipt-secret-for-the-tests'
const BASE = 'https://sargs.jelgava.example'

describeEachBackend('SMS channel', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let primary: FakeSmsGateway
  let secondary: FakeSmsGateway
  let receiver: http.Server
  let callbackUrl: string
  const receiverAnswers: number[] = []
  let territory: Territory

  beforeAll(async () => {
    primary = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 'primary-token' }, receiptSecret: SECRET })
    secondary = await startFakeSmsGateway({ auth: { kind: 'basic', username: 'sargs', password: 'second' }, receiptSecret: SECRET })
    // what POST /api/sms/receipts does, on a plain HTTP server (the route is a thin wrapper)
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        receiveSmsReceipt({ prisma: db().prisma, rawBody: Buffer.concat(chunks), signature: (req.headers['x-sms-signature'] as string) ?? null, secret: SECRET }).then(
          (result) => {
            receiverAnswers.push(result === 'unknown' ? 202 : 204)
            res.writeHead(result === 'unknown' ? 202 : 204).end()
          },
          (error: { status?: number }) => {
            receiverAnswers.push(error.status ?? 500)
            res.writeHead(error.status ?? 500).end()
          },
        )
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/sms/receipts`
  })
  afterAll(async () => {
    await primary.close()
    await secondary.close()
    await new Promise((resolve) => receiver.close(resolve))
  })

  async function setup(): Promise<PrismaClient> {
    for (const g of [primary, secondary]) {
      g.received.length = 0
      g.receiptsSent.length = 0
    }
    receiverAnswers.length = 0
    territory = await demoTerritory(db().prisma)
    return db().prisma
  }

  async function smsSubscriber(prisma: PrismaClient, phone: string, places: [number, number][], languages: string[]): Promise<string> {
    const row = await prisma.smsSubscription.create({
      data: { phone, places, languages, minSeverity: 'Minor', stopTokenHash: createHash('sha256').update(randomUUID()).digest('hex') },
    })
    return row.id
  }

  const httpAdapter = (g: FakeSmsGateway, auth: ConstructorParameters<typeof HttpSmsGatewayAdapter>[0]['auth']) =>
    new HttpSmsGatewayAdapter({ url: g.url, auth, senderId: 'Jelgava', statusCallbackUrl: callbackUrl })

  function dispatcher(chain: SmsProviderChain, sink = new ExerciseSink()): Dispatcher {
    return new Dispatcher({
      prisma: db().prisma,
      routes: [smsRoute({ adapter: chain, baseUrl: BASE }) as ChannelRoute<unknown>],
      exerciseSink: sink,
      batchSize: 10,
      fanOutBatchSize: 50,
      sendTimeoutMs: 5000,
      supersessionCheckMs: 0,
      retry: { maxAttempts: 3, backoff: { baseMs: 10, capMs: 20 } },
    })
  }

  const primaryOnly = () => new SmsProviderChain([{ name: 'http', adapter: httpAdapter(primary, { kind: 'bearer', token: 'primary-token' }) }])
  /** web push to the fake push service, and SMS through the primary gateway: an alert on both channels */
  const twoRoutes = (push: FakePushService) => ({
    webPush: webPushRoute(new WebPushAdapter({ vapid: { subject: 'mailto:t@example.lv', ...generateVapidKeys() }, dispatcher: push.dispatcher })) as ChannelRoute<unknown>,
    sms: smsRoute({ adapter: primaryOnly(), baseUrl: BASE }) as ChannelRoute<unknown>,
  })

  it('reaches the SMS subscribers in the area once each, in their language, with the part count the composer counts (row 29); receipts make them delivered (row 14)', async () => {
    const prisma = await setup()
    const lv = await smsSubscriber(prisma, '+37120000001', [INSIDE], ['lv'])
    // two places inside: one message
    const ru = await smsSubscriber(prisma, '+37120000002', [INSIDE, [INSIDE[0] + 0.001, INSIDE[1]]], ['ru', 'en'])
    await smsSubscriber(prisma, '+37120000003', [OUTSIDE], ['lv'])
    primary.receipts('+37120000002', { order: 'reverse', twice: true })
    const alert = await composeAlert(prisma, territory, { headline: 'Plūdi Pasta salā: nebrauciet pāri Driksai' })
    // the compose screen's count: per channel, the same selection as the fan-out
    expect(await countRecipients({ prisma, area: alertAreaGeometry(alert)!, severity: 'Severe', channels: ['sms', 'webpush'] })).toEqual({ sms: 2, webpush: 0 })
    const alertId = await issue(prisma, alert, ['sms'])
    await dispatcher(primaryOnly()).drain({ timeoutMs: 30_000, idleMs: 50 })

    expect(primary.received.map((m) => m.to).sort()).toEqual(['+37120000001', '+37120000002'])
    const byTo = new Map(primary.received.map((m) => [m.to, m]))
    // the Russian speaker has no Russian text in the alert: English comes next in their list
    expect(byTo.get('+37120000002')!.text).toBe(renderSms(alert, ['ru', 'en'], { baseUrl: BASE }).text)
    expect(byTo.get('+37120000002')!.text.startsWith('Plūdi Pasta salā: nebrauciet pāri Driksai (en)')).toBe(true)
    const lvText = byTo.get('+37120000001')!.text
    expect(lvText).toBe(`Plūdi Pasta salā: nebrauciet pāri Driksai\n${BASE}/alerts/${encodeURIComponent(alert.identifier)}`)
    for (const m of primary.received) {
      // what the composer shows (smsEncoding) is what the gateway counted from what it received
      expect({ encoding: m.encoding, parts: m.parts }).toEqual({ encoding: smsEncoding(m.text).encoding, parts: smsEncoding(m.text).parts })
      expect(m.claimed).toEqual({ encoding: m.encoding, parts: m.parts })
    }
    expect(smsEncoding(lvText).encoding).toBe('UCS-2')
    // the number never enters the ledger
    const deliveries = await prisma.delivery.findMany({ where: { alertId }, orderBy: { recipientKey: 'asc' } })
    expect(deliveries.map((d) => d.recipientKey).sort()).toEqual([lv, ru].sort())
    expect(JSON.stringify(deliveries, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('+3712000000')

    await primary.receiptsSettled()
    expect(receiverAnswers.length).toBeGreaterThan(0)
    expect(receiverAnswers.every((s) => s === 204)).toBe(true)
    const after = await prisma.delivery.findMany({ where: { alertId } })
    expect(after.map((d) => d.receiptStatus)).toEqual(['delivered', 'delivered'])
    const progress = await getAlertProgress({ prisma, alertId })
    expect(progress.channels.find((c) => c.channel === 'sms')).toMatchObject({ targeted: 2, sent: 2, delivered: 2 })
    // every receipt that changed the state is on record for the delivery report
    const attempts = await attemptHistory(prisma, { alertId, recipientKey: ru })
    // (a receipt may come before the send's result is written: both are kept, in arrival order)
    expect(attempts.filter((a) => a.result === 'sent').length).toBe(1)
    expect(attempts.filter((a) => a.result === 'receipt-delivered').length).toBe(byTo.get('+37120000002')!.parts)
  })

  it('a failed part stays failed, whatever receipts come later (row 14)', async () => {
    const prisma = await setup()
    await smsSubscriber(prisma, '+37120000011', [INSIDE], ['lv'])
    primary.receipts('+37120000011', { failPart: 1, deliveredAfterFailure: true, twice: true, errorCode: 'absent_subscriber' })
    const alertId = await issue(prisma, await composeAlert(prisma, territory, { headline: 'Vētra: palieciet telpās, nostipriniet priekšmetus uz balkoniem' }), ['sms'])
    await dispatcher(primaryOnly()).drain({ timeoutMs: 30_000, idleMs: 50 })
    await primary.receiptsSettled()
    const [delivery] = await prisma.delivery.findMany({ where: { alertId } })
    expect(delivery.status).toBe('SENT')
    expect(delivery.receiptStatus).toBe('failed')
    expect((await getAlertProgress({ prisma, alertId })).channels[0]).toMatchObject({ sent: 1, delivered: 0 })
    const undelivered = await prisma.deliveryAttempt.findMany({ where: { deliveryId: delivery.id, result: 'undelivered' } })
    expect(undelivered[0].detail).toContain('absent_subscriber')
  })

  it('falls back to the second provider when the first cannot send; a dead number ends the subscription', async () => {
    const prisma = await setup()
    await smsSubscriber(prisma, '+37120000021', [INSIDE], ['lv'])
    const dead = await smsSubscriber(prisma, '+37120000022', [INSIDE], ['lv'])
    primary.fault('+37120000021', { kind: 'status', status: 503 }, Infinity)
    primary.fault('+37120000022', { kind: 'status', status: 400, body: { error: { code: 'invalid_number', message: 'no such number +37120000022' } } }, Infinity)
    const chain = new SmsProviderChain([
      { name: 'http', adapter: httpAdapter(primary, { kind: 'bearer', token: 'primary-token' }) },
      { name: 'http', adapter: httpAdapter(secondary, { kind: 'basic', username: 'sargs', password: 'second' }) },
    ])
    const alertId = await issue(prisma, await composeAlert(prisma, territory), ['sms'])
    await dispatcher(chain).drain({ timeoutMs: 30_000, idleMs: 50 })
    expect(primary.received).toEqual([])
    expect(secondary.received.map((m) => m.to)).toEqual(['+37120000021'])
    const rows = await prisma.delivery.findMany({ where: { alertId }, orderBy: { id: 'asc' } })
    const sent = rows.find((r) => r.recipientKey !== dead)!
    expect(sent.status).toBe('SENT')
    expect(sent.providerMessageId).toMatch(/^http:/)
    const gone = rows.find((r) => r.recipientKey === dead)!
    expect(gone.status).toBe('FAILED')
    // the reason is kept, the number in it masked
    expect(gone.lastError).toContain('invalid_number')
    expect(gone.lastError).not.toContain('+37120000022')
    expect(await prisma.smsSubscription.findUnique({ where: { id: dead } })).toBeNull()
  })

  it('an exercise never reaches the gateway: the exercise sink gets it, marked (decision 006)', async () => {
    const prisma = await setup()
    await smsSubscriber(prisma, '+37120000031', [INSIDE], ['lv'])
    const alert = { ...(await composeAlert(prisma, territory)), status: 'Exercise' as const }
    const sink = new ExerciseSink()
    const requestsBefore = primary.requests
    const alertId = await issue(prisma, alert, ['sms'])
    await dispatcher(primaryOnly(), sink).drain({ timeoutMs: 30_000, idleMs: 50 })
    expect(primary.requests).toBe(requestsBefore)
    expect(sink.records.map((r) => (r.message as { text: string }).text)).toEqual([expect.stringMatching(/^MĀCĪBAS: /)])
    expect((await prisma.delivery.findFirstOrThrow({ where: { alertId } })).status).toBe('SENT')
  })

  it('a hanging SMS gateway holds up its own channel only: web push of the same alert is sent meanwhile (rows 11, 17)', async () => {
    const prisma = await setup()
    const push = await startFakePushService()
    try {
      await smsSubscriber(prisma, '+37120000041', [INSIDE], ['lv'])
      await subscribe(prisma, push, { places: [INSIDE] })
      primary.fault('+37120000041', { kind: 'hang' }, 1)
      // an SMS alert and a web push alert, both fanned out: each channel has a batch waiting
      const alertId = await issue(prisma, await composeAlert(prisma, territory), ['sms'])
      await issue(prisma, await composeAlert(prisma, territory), ['webpush'])
      while (await fanOutBatch(prisma)) {
        /* until both are fanned out */
      }
      const { webPush, sms } = twoRoutes(push)
      // what the SMS channel's state is when web push writes its result
      let smsWhenPushDone: string | undefined
      const d = new Dispatcher({
        prisma,
        routes: [sms, webPush],
        exerciseSink: new ExerciseSink(),
        sendTimeoutMs: 4000,
        supersessionCheckMs: 0,
        retry: { maxAttempts: 3, backoff: { baseMs: 10, capMs: 20 } },
        hooks: {
          beforeComplete: async ({ deliveries }) => {
            if (deliveries[0]?.channel === 'webpush') smsWhenPushDone = (await prisma.delivery.findFirstOrThrow({ where: { alertId, channel: 'sms' } })).status
          },
        },
      })
      await d.drain({ timeoutMs: 30_000, idleMs: 50 })
      // web push finished while the SMS send was still hanging (claimed, not answered)
      expect(smsWhenPushDone).toBe('SENDING')
      expect(push.received).toHaveLength(1)
      // the hang timed out and the retry went through: the gateway has the message once
      expect(primary.received.filter((m) => m.to === '+37120000041')).toHaveLength(1)
      expect((await prisma.delivery.findFirstOrThrow({ where: { alertId, channel: 'sms' } })).status).toBe('SENT')
    } finally {
      await push.close()
    }
  })

  it('an alert on web push and SMS: the SMS goes out while web push is still being fanned out (decision 027)', async () => {
    const prisma = await setup()
    const push = await startFakePushService()
    try {
      await smsSubscriber(prisma, '+37120000043', [INSIDE], ['lv'])
      for (let i = 0; i < 8; i++) await subscribe(prisma, push, { places: [INSIDE] })
      // a slow push service: the web push fan-out, paced by its sends, takes four batches of 2
      push.latency(250)
      const alertId = await issue(prisma, await composeAlert(prisma, territory), ['webpush', 'sms'])
      const { webPush, sms } = twoRoutes(push)
      // where the web push fan-out stood when the SMS result was written
      let webPushWhenSmsSent: unknown = 'not sent'
      const d = new Dispatcher({
        prisma,
        routes: [webPush, sms],
        exerciseSink: new ExerciseSink(),
        batchSize: 2,
        fanOutBatchSize: 2,
        sendTimeoutMs: 5000,
        supersessionCheckMs: 0,
        hooks: {
          beforeComplete: async ({ deliveries }) => {
            if (deliveries[0]?.channel !== 'sms') return
            const row = await prisma.alert.findUniqueOrThrow({ where: { id: alertId }, select: { fanoutCursors: true } })
            webPushWhenSmsSent = (row.fanoutCursors as Record<string, unknown> | null)?.webpush ?? null
          },
        },
      })
      await d.drain({ timeoutMs: 30_000, idleMs: 50 })
      // the SMS went out while web push's area phase was not done (a cursor, not true)
      expect(webPushWhenSmsSent).not.toBe(true)
      expect(webPushWhenSmsSent).not.toBe('not sent')
      expect(primary.received.filter((m) => m.to === '+37120000043')).toHaveLength(1)
      expect(push.received.filter((r) => r.subscriptionId)).toHaveLength(8)
      const alert = await prisma.alert.findUniqueOrThrow({ where: { id: alertId }, select: { fanoutCursors: true, fanoutDoneAt: true } })
      expect(alert).toMatchObject({ fanoutCursors: { webpush: true, sms: true }, fanoutDoneAt: expect.any(Date) })
      expect(await prisma.delivery.count({ where: { alertId, status: 'SENT' } })).toBe(9)
    } finally {
      await push.close()
    }
  })

  it('running (start()), each channel has its own loop: while an SMS send hangs, a web push alert issued meanwhile goes out at once (row 17)', async () => {
    const prisma = await setup()
    const push = await startFakePushService()
    try {
      await smsSubscriber(prisma, '+37120000042', [INSIDE], ['lv'])
      await subscribe(prisma, push, { places: [INSIDE] })
      primary.fault('+37120000042', { kind: 'hang' }, 1)
      const { webPush, sms } = twoRoutes(push)
      const d = new Dispatcher({
        prisma,
        routes: [sms, webPush],
        exerciseSink: new ExerciseSink(),
        sendTimeoutMs: 6000,
        pollMs: 20,
        supersessionCheckMs: 0,
        retry: { maxAttempts: 3, backoff: { baseMs: 10, capMs: 20 } },
      })
      d.start()
      try {
        const smsAlert = await issue(prisma, await composeAlert(prisma, territory), ['sms'])
        // the SMS send is under way and hangs
        await expect.poll(async () => (await prisma.delivery.findFirst({ where: { alertId: smsAlert, channel: 'sms' } }))?.status, { timeout: 10_000 }).toBe('SENDING')
        const issuedAt = Date.now()
        await issue(prisma, await composeAlert(prisma, territory), ['webpush'])
        d.poke()
        await expect.poll(() => push.received.length, { timeout: 10_000 }).toBe(1)
        // well before the hanging SMS times out (6 s): the web push loop did not wait for it
        expect(push.received[0].at - issuedAt).toBeLessThan(4000)
        expect((await prisma.delivery.findFirstOrThrow({ where: { alertId: smsAlert, channel: 'sms' } })).status).toBe('SENDING')
        // and the SMS goes out after its timeout, once
        await expect.poll(async () => (await prisma.delivery.findFirstOrThrow({ where: { alertId: smsAlert, channel: 'sms' } })).status, { timeout: 20_000 }).toBe('SENT')
        expect(primary.received.filter((m) => m.to === '+37120000042')).toHaveLength(1)
      } finally {
        await d.stop()
      }
    } finally {
      await push.close()
    }
  })

  it('refuses a receipt with a bad signature, and acknowledges one for an unknown message', async () => {
    const prisma = await setup()
    const body = Buffer.from(JSON.stringify({ id: 'x', reference: 'a:sms:b', part: 1, parts: 1, status: 'delivered', at: new Date().toISOString() }))
    await expect(receiveSmsReceipt({ prisma, rawBody: body, signature: 'sha256=' + '0'.repeat(64), secret: SECRET })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(await receiveSmsReceipt({ prisma, rawBody: body, signature: signReceipt(body, SECRET), secret: SECRET })).toBe('unknown')
    const broken = Buffer.from(JSON.stringify({ id: 'x', reference: 'a:sms:b', part: 0, parts: 1, status: 'delivered', at: 'yesterday' }))
    await expect(receiveSmsReceipt({ prisma, rawBody: broken, signature: signReceipt(broken, SECRET), secret: SECRET })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})
