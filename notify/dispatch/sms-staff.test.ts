// SMS to staff groups end to end in the engine: the operator picks staff groups, the fan-out makes
// "user:<id>" deliveries for ACTIVE members with a number, the SMS route sends each on the user's
// own number in the user's language through the HTTP gateway adapter to the fake gateway; a member
// whose number was removed, or whose account was disabled, after the fan-out fails permanently with
// a clear reason (never sent); the number never enters the ledger. On PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { systemActor } from '#domain/auth/actor.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { HttpSmsGatewayAdapter } from '#notify/channels/sms/http-gateway.ts'
import { SmsProviderChain } from '#notify/channels/sms/sms-providers.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { Dispatcher, type ChannelRoute } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { composeAlert, demoTerritory } from './fixtures/engine-support.ts'
import { renderSms } from './render-sms.ts'
import { smsRoute } from './sms-route.ts'

const BASE = 'https://sargs.jelgava.example'

describeEachBackend('SMS to staff groups', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let gateway: FakeSmsGateway

  beforeAll(async () => {
    gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 'staff-token' } })
  })
  afterAll(async () => {
    await gateway.close()
  })

  function dispatcher(): Dispatcher {
    const chain = new SmsProviderChain([{ name: 'http', adapter: new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 'staff-token' }, senderId: 'Jelgava' }) }])
    return new Dispatcher({
      prisma: db().prisma,
      routes: [smsRoute({ adapter: chain, baseUrl: BASE }) as ChannelRoute<unknown>],
      exerciseSink: new ExerciseSink(),
      batchSize: 10,
      fanOutBatchSize: 50,
      sendTimeoutMs: 5000,
      supersessionCheckMs: 0,
      retry: { maxAttempts: 3, backoff: { baseMs: 10, capMs: 20 } },
    })
  }

  it('sends to each member on their own number in their language; a number removed or an account disabled after the fan-out fails with a reason', async () => {
    gateway.received.length = 0
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const user = (email: string, phone: string | null, language = 'lv') =>
      prisma.user.create({ data: { email, name: email, role: 'OPERATOR', passwordHash: 'x', phone, language } })
    const lv = await user('lv@staff.test', '+37120000101')
    const en = await user('en@staff.test', '+37120000102', 'en')
    const cleared = await user('cleared@staff.test', '+37120000103')
    const disabled = await user('disabled@staff.test', '+37120000104')
    const none = await user('none@staff.test', null)
    const group = await prisma.staffGroup.create({ data: { territoryId: territory.id, name: 'Komisija' } })
    await prisma.staffGroupMember.createMany({ data: [lv, en, cleared, disabled, none].map((u) => ({ groupId: group.id, userId: u.id })) })

    const alert = await composeAlert(prisma, territory, { headline: 'Komisijas sēde 18:00' })
    const issued = await issueCapAlert({ prisma, alert, actor: systemActor, idempotencyKey: randomUUID(), channels: ['sms'], staffGroupIds: [group.id] })
    for (let i = 0; i < 20 && (await fanOutBatch(prisma)); i++);
    // after the fan-out: one number removed, one account disabled
    await prisma.user.update({ where: { id: cleared.id }, data: { phone: null } })
    await prisma.user.update({ where: { id: disabled.id }, data: { status: 'DISABLED' } })
    await dispatcher().drain({ timeoutMs: 30_000, idleMs: 50 })

    expect(gateway.received.map((m) => m.to).sort()).toEqual(['+37120000101', '+37120000102'])
    const byTo = new Map(gateway.received.map((m) => [m.to, m.text]))
    expect(byTo.get('+37120000101')).toBe(renderSms(alert, ['lv'], { baseUrl: BASE }).text)
    expect(byTo.get('+37120000102')).toBe(renderSms(alert, ['en'], { baseUrl: BASE }).text)
    expect(byTo.get('+37120000102')!.startsWith('Komisijas sēde 18:00 (en)')).toBe(true)

    const deliveries = await prisma.delivery.findMany({ where: { alertId: issued.id } })
    const byKey = new Map(deliveries.map((d) => [d.recipientKey, d]))
    // the member without a number was never fanned out to
    expect([...byKey.keys()].sort()).toEqual([lv, en, cleared, disabled].map((u) => `user:${u.id}`).sort())
    expect(byKey.get(`user:${lv.id}`)!.status).toBe('SENT')
    expect(byKey.get(`user:${en.id}`)!.status).toBe('SENT')
    expect(byKey.get(`user:${cleared.id}`)).toMatchObject({ status: 'FAILED', lastError: 'the staff member has no mobile number' })
    expect(byKey.get(`user:${disabled.id}`)).toMatchObject({ status: 'FAILED', lastError: "the staff member's account is disabled" })
    expect(JSON.stringify(deliveries, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('+3712000010')
  })
})
