// The public SMS API's routes called with real Requests against the test database (PGlite and
// PostgreSQL), the codes going out through the fake SMS gateway: ask (202), confirm (201), a STOP
// reply through the signed inbound webhook, receipts refused without a valid signature, 503 when SMS
// is not configured, and 422 naming the fields.
import type { AppLoadContext } from '@remix-run/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { setRuntime } from '#domain/runtime.ts'
import { HttpSmsGatewayAdapter } from '#notify/channels/sms/http-gateway.ts'
import { signReceipt } from '#notify/channels/sms/receipts.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import * as inbound from './api.sms.inbound.ts'
import * as receipts from './api.sms.receipts.ts'
import * as confirm from './api.sms.subscriptions.confirm.ts'
import * as subscriptions from './api.sms.subscriptions.ts'

const ORIGIN = 'http://localhost:3000'
const SECRET = 'inbound-secret-0123456789'
const context = (ip: string): AppLoadContext => ({ nonce: 'n', clientIp: ip, publicConfig: { mapStyleUrl: null }, smsReceiptSecret: SECRET, publicUrl: 'https://sargs.jelgava.example' })

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`${ORIGIN}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })

async function answer(response: unknown): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const r = response as Response
  const text = await r.text()
  return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null }
}

describeEachBackend('public SMS API routes', (backend) => {
  const db = useTestDatabase(backend)
  let gateway: FakeSmsGateway
  beforeAll(async () => {
    gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 't' } })
    setRuntime({ prisma: db().prisma, smsSender: new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' }) })
    await db().prisma.territory.create({ data: { ...jelgavaTerritory, demo: true } })
  }, 120_000)
  afterAll(async () => gateway.close())

  it('asks for a code (202), confirms it (201) with the unsubscribe link; a STOP reply ends it', async () => {
    const asked = await answer(await subscriptions.action({ request: post('/api/sms/subscriptions', { phone: '+371 20 000 777', places: [[23.72, 56.65]], languages: ['lv'], minSeverity: 'Minor' }), context: context('192.0.2.1'), params: {} }))
    expect(asked.status).toBe(202)
    expect(asked.body).toMatchObject({ ok: true, verificationId: expect.any(String) })
    const code = /(\d{6})/.exec(gateway.received.at(-1)!.text)![1]
    const confirmed = await answer(await confirm.action({ request: post('/api/sms/subscriptions/confirm', { verificationId: asked.body!.verificationId, code }), context: context('192.0.2.1'), params: {} }))
    expect(confirmed.status).toBe(201)
    expect(confirmed.body!.stopUrl).toMatch(/^https:\/\/sargs\.jelgava\.example\/sms\/stop\/[A-Za-z0-9_-]+$/)
    expect(await db().prisma.smsSubscription.count({ where: { phone: '+37120000777' } })).toBe(1)

    const reply = JSON.stringify({ from: '+37120000777', to: 'Jelgava', text: 'STOP' })
    expect((await answer(await inbound.action({ request: post('/api/sms/inbound', reply, { 'x-sms-signature': 'sha256=' + 'a'.repeat(64) }), context: context('192.0.2.9'), params: {} }))).status).toBe(401)
    expect(await db().prisma.smsSubscription.count({ where: { phone: '+37120000777' } })).toBe(1)
    expect((await answer(await inbound.action({ request: post('/api/sms/inbound', reply, { 'x-sms-signature': signReceipt(reply, SECRET) }), context: context('192.0.2.9'), params: {} }))).status).toBe(204)
    expect(await db().prisma.smsSubscription.count({ where: { phone: '+37120000777' } })).toBe(0)
  })

  it('422 names the fields; a receipt without a valid signature is 401; over 16 KB is 413', async () => {
    const bad = await answer(await subscriptions.action({ request: post('/api/sms/subscriptions', { phone: 'abc', places: [], languages: ['lv'], minSeverity: 'Minor' }), context: context('192.0.2.2'), params: {} }))
    expect(bad.status).toBe(422)
    expect(Object.keys(bad.body!.errors as Record<string, string>)).toEqual(expect.arrayContaining(['phone', 'places']))
    const receipt = JSON.stringify({ id: 'x', reference: 'a:sms:b', part: 1, parts: 1, status: 'delivered', at: new Date().toISOString() })
    expect((await answer(await receipts.action({ request: post('/api/sms/receipts', receipt), context: context('192.0.2.3'), params: {} }))).status).toBe(401)
    expect((await answer(await receipts.action({ request: post('/api/sms/receipts', receipt, { 'x-sms-signature': signReceipt(receipt, SECRET) }), context: context('192.0.2.3'), params: {} }))).status).toBe(202)
    const huge = 'x'.repeat(20_000)
    expect((await answer(await receipts.action({ request: post('/api/sms/receipts', huge, { 'x-sms-signature': signReceipt(huge, SECRET) }), context: context('192.0.2.3'), params: {} }))).status).toBe(413)
  })

  it('503 when SMS is not configured on this server', async () => {
    setRuntime({ prisma: db().prisma })
    const res = await answer(await subscriptions.action({ request: post('/api/sms/subscriptions', { phone: '20000778', places: [[23.72, 56.65]], languages: ['lv'], minSeverity: 'Minor' }), context: context('192.0.2.4'), params: {} }))
    expect(res.status).toBe(503)
  })
})
