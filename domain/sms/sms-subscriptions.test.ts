// A resident's SMS subscription (code, confirmation, unsubscribe by link or STOP) against the fake
// SMS gateway, on PGlite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { HttpSmsGatewayAdapter } from '#notify/channels/sms/http-gateway.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { confirmSmsSubscription, isStopReply, requestSmsSubscription, smsErrors, stopSmsSubscription } from './sms-subscriptions.ts'

const INSIDE = [23.72, 56.65]

describeEachBackend('SMS subscriptions', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let gateway: FakeSmsGateway
  let sender: HttpSmsGatewayAdapter

  beforeAll(async () => {
    gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 't' } })
    sender = new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' })
  })
  afterAll(async () => gateway.close())

  async function setup(): Promise<PrismaClient> {
    gateway.received.length = 0
    await seedDemo({ prisma: db().prisma, onlyIfEmpty: true })
    return db().prisma
  }

  const input = (phone: string, extra: Record<string, unknown> = {}) => ({ phone, places: [INSIDE], languages: ['ru', 'lv'], minSeverity: 'Moderate', ...extra })
  const lastCode = (to: string) => /(\d{6})/.exec(gateway.received.filter((m) => m.to === to).at(-1)!.text)![1]

  it('sends a code, the code subscribes the number once, the link in the confirmation unsubscribes it', async () => {
    const prisma = await setup()
    const { verificationId } = await requestSmsSubscription({ prisma, input: input('20 000 555'), clientIp: '10.0.0.1', sender })
    expect(await prisma.smsSubscription.count()).toBe(0)
    const codeSms = gateway.received.at(-1)!
    expect(codeSms.to).toBe('+37120000555')
    expect(codeSms.text).toMatch(/^Sargs: ваш код подтверждения \d{6}$/)
    const code = lastCode('+37120000555')
    const wrong = code === '000000' ? '111111' : '000000'
    await expect(confirmSmsSubscription({ prisma, verificationId, code: wrong, sender, baseUrl: 'https://sargs.example' })).rejects.toMatchObject({ fields: { code: smsErrors.codeInvalid } })
    const confirmed = await confirmSmsSubscription({ prisma, verificationId, code, sender, baseUrl: 'https://sargs.example' })
    expect(confirmed.created).toBe(true)
    const row = await prisma.smsSubscription.findUniqueOrThrow({ where: { id: confirmed.subscriptionId } })
    expect(row).toMatchObject({ phone: '+37120000555', languages: ['ru', 'lv'], minSeverity: 'Moderate', places: [INSIDE] })
    // the index follows the subscription (trigger)
    expect(await prisma.smsSubscriptionPlace.count({ where: { subscriptionId: row.id } })).toBe(1)
    // the confirmation carries the unsubscribe link, which names no number
    const confirmation = gateway.received.at(-1)!
    expect(confirmation.text).toContain(`https://sargs.example/sms/stop/${confirmed.stopToken}`)
    expect(confirmed.stopToken).not.toContain('20000555')
    // a code works once
    await expect(confirmSmsSubscription({ prisma, verificationId, code, sender, baseUrl: 'https://sargs.example' })).rejects.toMatchObject({ fields: { code: smsErrors.codeExpired } })
    // the audit names the subscription, never the number
    const audit = await prisma.auditLog.findMany({ where: { entityType: 'SmsSubscription' } })
    expect(audit.map((a) => a.action)).toEqual(['sms.subscribed'])
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain('20000555')

    // a pending delivery to it is cancelled when it unsubscribes
    const alert = await prisma.alert.create({ data: { identifier: 'X-1', status: 'Actual', msgType: 'Alert', territoryId: (await prisma.territory.findFirstOrThrow()).id, payload: {}, severity: 'Severe', area: {}, idempotencyKey: 'k1' } })
    await prisma.delivery.create({ data: { alertId: alert.id, channel: 'sms', recipientKey: row.id, idempotencyKey: `${alert.id}:sms:${row.id}` } })
    expect(await stopSmsSubscription({ prisma, token: confirmed.stopToken })).toEqual({ removed: true })
    expect(await prisma.smsSubscription.count()).toBe(0)
    expect((await prisma.delivery.findFirstOrThrow()).status).toBe('CANCELLED')
    expect(await stopSmsSubscription({ prisma, token: confirmed.stopToken })).toEqual({ removed: false })
  })

  it('names every bad field and stores nothing; no code is sent', async () => {
    const prisma = await setup()
    const sent = gateway.received.length
    const error = await requestSmsSubscription({ prisma, input: { phone: '123', places: [[10, 10]], languages: ['de'], minSeverity: 'Huge' }, clientIp: '10.0.0.2', sender }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'INVALID_INPUT' })
    expect(Object.keys((error as { fields: Record<string, string> }).fields).sort()).toEqual(['languages.0', 'minSeverity', 'phone', 'places.0'].sort())
    await expect(requestSmsSubscription({ prisma, input: input('+371 6700 0000'), clientIp: '10.0.0.2', sender })).rejects.toMatchObject({ fields: { phone: smsErrors.phoneNotMobile } })
    expect(await prisma.smsVerification.count()).toBe(0)
    expect(gateway.received.length).toBe(sent)
    await expect(requestSmsSubscription({ prisma, input: input('20000556'), clientIp: '10.0.0.2', sender: undefined })).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })

  it('five wrong codes use the verification up; codes per number are rate-limited', async () => {
    const prisma = await setup()
    const { verificationId } = await requestSmsSubscription({ prisma, input: input('20000557'), clientIp: '10.0.0.3', sender })
    const code = lastCode('+37120000557')
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i += 1) {
      await expect(confirmSmsSubscription({ prisma, verificationId, code: wrong, sender, baseUrl: 'https://s' })).rejects.toMatchObject({ fields: { code: smsErrors.codeInvalid } })
    }
    await expect(confirmSmsSubscription({ prisma, verificationId, code, sender, baseUrl: 'https://s' })).rejects.toMatchObject({ fields: { code: smsErrors.codeExpired } })
    expect(await prisma.smsSubscription.count()).toBe(0)
    await requestSmsSubscription({ prisma, input: input('20000557'), clientIp: '10.0.0.4', sender })
    await requestSmsSubscription({ prisma, input: input('20000557'), clientIp: '10.0.0.5', sender })
    await expect(requestSmsSubscription({ prisma, input: input('20000557'), clientIp: '10.0.0.6', sender })).rejects.toMatchObject({ code: 'RATE_LIMITED' })
  })

  it('a STOP reply from the number unsubscribes it', async () => {
    const prisma = await setup()
    const { verificationId } = await requestSmsSubscription({ prisma, input: input('+37120000558'), clientIp: '10.0.0.7', sender })
    await confirmSmsSubscription({ prisma, verificationId, code: lastCode('+37120000558'), sender, baseUrl: 'https://s' })
    for (const text of ['STOP', 'stop', ' Stopp ', 'ATTEIKT', 'стоп']) expect(isStopReply(text)).toBe(true)
    for (const text of ['stop it now', 'kods 123456', '']) expect(isStopReply(text)).toBe(false)
    expect(await stopSmsSubscription({ prisma, fromNumber: '+37120000558' })).toEqual({ removed: true })
    expect(await prisma.smsSubscription.count()).toBe(0)
  })
})
