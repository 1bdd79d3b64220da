// The 'phone' channel in the engine (issue 4, decision 021): an alert to two paging groups (one
// Latvian, one Russian) pages the desk phones of all three vendors on the fake phones
// (tests/fakes/ip-phones.ts) — each receives its vendor's request with the headline and
// instruction in its group's language; the Cisco phone fetches the page Sargs serves and presses
// the acknowledgement key, and the delivery report says 'acknowledged'; an Exercise reaches no
// phone; a phone that is down fails only its own delivery. On PGlite and PostgreSQL.
//
// The page and ack URLs are served here by a plain HTTP server calling the same domain functions
// as the Remix resource routes (app/routes/phone.page.$token.ts, phone.ack.$token.ts are two-line
// wrappers with the rate limit): the phones need a real URL to GET.
import crypto from 'node:crypto'
import http from 'node:http'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { systemActor } from '#domain/auth/actor.ts'
import { getAlertProgress } from '#domain/deliveries/get-alert-progress.ts'
import { listDeliveryReport } from '#domain/deliveries/list-delivery-report.ts'
import { addPhone, createPagingGroup } from '#domain/paging/paging-groups.ts'
import { acknowledgePhonePage, servePhonePage } from '#domain/paging/phone-pages.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeIpPhones, type FakeIpPhones, type FakePhone } from '#tests/fakes/ip-phones.ts'
import { Dispatcher, type ChannelRoute } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { composeAlert, demoTerritory, type Territory } from './fixtures/engine-support.ts'
import { phoneRoute } from './phone-route.ts'

const LV = { headline: 'Plūdi Pasta salā', instruction: 'Nekavējoties pārvietojieties uz augstāku vietu.' }
const RU = { headline: 'Наводнение на острове Пасты', instruction: 'Немедленно поднимитесь на возвышенность.' }

describeEachBackend('phone channel', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  const key = crypto.randomBytes(32)
  let fleet: FakeIpPhones
  let cisco: FakePhone
  let yealink: FakePhone
  let poly: FakePhone
  let ciscoRu: FakePhone
  let server: http.Server
  let base: string
  let territory: Territory

  beforeAll(async () => {
    fleet = await startFakeIpPhones()
    cisco = await fleet.addPhone({ vendor: 'cisco', username: 'pager', password: 'cisco-pass-1' })
    yealink = await fleet.addPhone({ vendor: 'yealink', username: 'admin', password: 'yealink-pass-2' })
    // Poly challenges every push with HTTP Digest (here SHA-256)
    poly = await fleet.addPhone({ vendor: 'poly', username: 'Push', password: 'poly-pass-3', digestAlgorithm: 'SHA-256' })
    ciscoRu = await fleet.addPhone({ vendor: 'cisco', username: 'pager', password: 'cisco-pass-4' })
    server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x')
      const send = (answer: { status: number; contentType: string; body: string }) => {
        response.writeHead(answer.status, { 'Content-Type': answer.contentType })
        response.end(answer.body)
      }
      const token = url.pathname.split('/').at(-1) ?? ''
      if (url.pathname.startsWith('/phone/page/')) void servePhonePage({ prisma: db().prisma, secretsKey: key, baseUrl: base, token }).then(send)
      else if (url.pathname.startsWith('/phone/ack/')) void acknowledgePhonePage({ prisma: db().prisma, secretsKey: key, token }).then(send)
      else send({ status: 404, contentType: 'text/plain', body: 'no' })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await fleet.close()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  type Setup = { prisma: PrismaClient; lvGroup: string; ruGroup: string; phoneIds: Record<string, string> }

  async function setup(options: { downPhone?: boolean } = {}): Promise<Setup> {
    fleet.pages.length = 0
    fleet.requests.length = 0
    for (const p of fleet.phones) p.received.length = 0
    const prisma = db().prisma
    territory = await demoTerritory(prisma)
    const lv = await createPagingGroup({ prisma, actor: systemActor, input: { name: 'Dome', language: 'lv', requireAck: true } })
    const ru = await createPagingGroup({ prisma, actor: systemActor, input: { name: 'Skolas RU', language: 'ru', requireAck: true } })
    const add = async (groupId: string, name: string, phone: FakePhone) =>
      (await addPhone({ prisma, actor: systemActor, secretsKey: key, groupId, input: { name, vendor: phone.vendor, address: `http://${phone.address}`, username: phone.username, password: phone.password } })).id
    const phoneIds: Record<string, string> = {
      cisco: await add(lv.id, 'Dežūrtelefons', cisco),
      yealink: await add(lv.id, 'Sekretāre', yealink),
      poly: await add(ru.id, 'Skola 1', poly),
      ciscoRu: await add(ru.id, 'Skola 2', ciscoRu),
    }
    if (options.downPhone) {
      // nothing listens there: connection refused
      const closed = http.createServer()
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
      const port = (closed.address() as { port: number }).port
      await new Promise<void>((resolve) => closed.close(() => resolve()))
      phoneIds.down = await add(lv.id, 'Izslēgts', { ...yealink, address: `127.0.0.1:${port}` })
    }
    return { prisma, lvGroup: lv.id, ruGroup: ru.id, phoneIds }
  }

  async function alertFor(prisma: PrismaClient, status: CapAlert['status'] = 'Actual'): Promise<CapAlert> {
    const alert = await composeAlert(prisma, territory, { headline: LV.headline })
    const [lv, en] = alert.info
    return { ...alert, status, info: [{ ...lv, instruction: LV.instruction }, { ...en, instruction: 'Move to higher ground now.' }, { ...lv, language: 'ru-RU', headline: RU.headline, instruction: RU.instruction }] }
  }

  async function issueTo(s: Setup, alert: CapAlert): Promise<string> {
    const issued = await issueCapAlert({ prisma: s.prisma, alert, actor: systemActor, idempotencyKey: crypto.randomUUID(), channels: ['phone'], pagingGroupIds: [s.lvGroup, s.ruGroup] })
    return issued.id
  }

  const dispatcher = (sink = new ExerciseSink()) =>
    new Dispatcher({
      prisma: db().prisma,
      routes: [phoneRoute({ secretsKey: key, baseUrl: base }) as ChannelRoute<unknown>],
      exerciseSink: sink,
      supersessionCheckMs: 0,
      sendTimeoutMs: 5000,
      retry: { maxAttempts: 2, backoff: { baseMs: 10, capMs: 20 } },
    })

  it("pages every phone in its group's language; the Cisco phone fetches its page and acknowledges it", async () => {
    const s = await setup()
    // credentials sealed: no password in clear in the database
    for (const row of await s.prisma.phone.findMany()) expect(Buffer.from(row.secret!).toString('latin1')).not.toMatch(/pass-\d/)
    const alertId = await issueTo(s, await alertFor(s.prisma))
    await dispatcher().drain({ timeoutMs: 30_000, idleMs: 50 })

    // Cisco (lv group): Basic, CiscoIPPhoneExecute pointing at our page, page fetched, Latvian
    const ciscoPost = fleet.requests.find((r) => r.phoneId === cisco.id)!
    expect(ciscoPost).toMatchObject({ method: 'POST', path: '/CGI/Execute', status: 200 })
    expect(ciscoPost.headers.authorization).toBe(`Basic ${Buffer.from('pager:cisco-pass-1').toString('base64')}`)
    const executeXml = decodeURIComponent(ciscoPost.body.toString().replace(/^XML=/, '').replace(/\+/g, ' '))
    expect(executeXml).toMatch(new RegExp(`<ExecuteItem Priority="0" URL="${base}/phone/page/\\d+\\.[0-9a-z]+\\.[A-Za-z0-9_-]{22}"/>`))
    expect(cisco.received).toHaveLength(1)
    const ciscoPage = cisco.received[0]
    expect(ciscoPage).toMatchObject({ title: LV.headline, text: LV.instruction, problems: [] })
    expect(ciscoPage.fetched).toMatchObject({ status: 200, contentType: 'text/xml; charset=utf-8' })
    expect(ciscoPage.softKeys.map((k) => k.label)).toEqual(['Apstiprināt', 'Aizvērt'])
    expect(ciscoPage.ackUrl).toMatch(new RegExp(`^${base}/phone/ack/\\d+\\.[A-Za-z0-9_-]{22}$`))

    // Yealink (lv group): Digest answered, TextScreen in Latvian, no ack key (only Cisco acks)
    const yealinkPosts = fleet.requests.filter((r) => r.phoneId === yealink.id)
    expect(yealinkPosts.map((r) => [r.method, r.path, r.status])).toEqual([['POST', '/servlet?push=xml', 401], ['POST', '/servlet?push=xml', 200]])
    expect(String(yealinkPosts[1].headers.authorization)).toMatch(/^Digest username="admin"/)
    expect(yealink.received).toHaveLength(1)
    expect(yealink.received[0]).toMatchObject({ title: LV.headline, text: LV.instruction, problems: [] })
    expect(yealink.received[0].ackUrl).toBeUndefined()

    // Poly (ru group): Digest SHA-256, Russian
    const polyPosts = fleet.requests.filter((r) => r.phoneId === poly.id)
    expect(polyPosts.map((r) => [r.path, r.status])).toEqual([['/push', 401], ['/push', 200]])
    expect(String(polyPosts[1].headers.authorization)).toMatch(/^Digest .*algorithm=SHA-256/)
    expect(polyPosts[1].headers['content-type']).toBe('application/x-com-polycom-spipx')
    expect(poly.received).toHaveLength(1)
    expect(poly.received[0]).toMatchObject({ title: RU.headline, text: RU.instruction, displayed: true, problems: [] })

    // Cisco (ru group): Russian, the ack key in Russian
    expect(ciscoRu.received).toHaveLength(1)
    expect(ciscoRu.received[0].text).toBe(RU.instruction)
    expect(ciscoRu.received[0].title).toBe(RU.headline)
    expect(ciscoRu.received[0].softKeys.map((k) => k.label)).toEqual(['Подтвердить', 'Закрыть'])

    // each phone got exactly one page and every delivery is SENT
    expect(fleet.pages).toHaveLength(4)
    const deliveries = await s.prisma.delivery.findMany({ where: { alertId }, orderBy: { id: 'asc' } })
    expect(deliveries.map((d) => [d.channel, d.status])).toEqual(Array(4).fill(['phone', 'SENT']))

    // the duty officer presses the ack key on the Latvian Cisco phone
    const press = await fetch(ciscoPage.ackUrl!)
    expect(press.status).toBe(200)
    expect(await press.text()).toContain('Apstiprināts')
    const again = await fetch(ciscoPage.ackUrl!)
    expect(again.status).toBe(200)
    const report = await listDeliveryReport({ prisma: s.prisma, alertId })
    const byPhone = new Map(report.rows.map((r) => [r.recipientLabel, r]))
    expect(byPhone.get('Dežūrtelefons')?.receipt).toMatchObject({ status: 'acknowledged', at: expect.any(String) })
    expect(byPhone.get('Dežūrtelefons')?.attempts.map((a) => a.result)).toEqual(['sent', 'acknowledged'])
    expect(byPhone.get('Skola 2')?.receipt).toBeNull()
    expect(byPhone.get('Sekretāre')?.receipt).toBeNull()
    expect((await s.prisma.phone.findUniqueOrThrow({ where: { id: s.phoneIds.cisco } })).lastAckAt).toBeInstanceOf(Date)
    const progress = await getAlertProgress({ prisma: s.prisma, alertId })
    expect(progress.channels.find((c) => c.channel === 'phone')).toMatchObject({ sent: 4, acknowledged: 1 })
    // audited once, as a system event
    const audit = await s.prisma.auditLog.findMany({ where: { action: 'phone.acknowledged' } })
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorLabel: 'system', entityId: s.phoneIds.cisco })

    // a forged or altered token acknowledges nothing; the page URL with a bad signature is refused
    const forged = ciscoPage.ackUrl!.replace(/\.[A-Za-z0-9_-]{22}$/, '.AAAAAAAAAAAAAAAAAAAAAA')
    expect((await fetch(forged)).status).toBe(404)
    const forgedPage = ciscoPage.fetched!.url.replace(/[A-Za-z0-9_-]{22}$/, 'AAAAAAAAAAAAAAAAAAAAAA')
    expect((await fetch(forgedPage)).status).toBe(404)
    // …and an expired page token is gone
    const expired = await servePhonePage({ prisma: s.prisma, secretsKey: key, baseUrl: base, token: ciscoPage.fetched!.url.split('/').at(-1)!, nowMs: Date.now() + 25 * 3600_000 })
    expect(expired.status).toBe(410)
  })

  it('an Exercise reaches no phone; a phone that is down fails only its own delivery', async () => {
    const s = await setup({ downPhone: true })
    const sink = new ExerciseSink()
    const exerciseId = await issueTo(s, await alertFor(s.prisma, 'Exercise'))
    await dispatcher(sink).drain({ timeoutMs: 30_000, idleMs: 50 })
    expect(fleet.requests).toEqual([])
    expect(fleet.pages).toEqual([])
    expect(sink.records).toHaveLength(5)
    const exercise = await s.prisma.delivery.findMany({ where: { alertId: exerciseId } })
    expect(exercise.every((d) => d.status === 'SENT')).toBe(true)

    const alertId = await issueTo(s, await alertFor(s.prisma))
    await dispatcher().drain({ timeoutMs: 30_000, idleMs: 50 })
    const deliveries = await s.prisma.delivery.findMany({ where: { alertId } })
    const byPhone = new Map(deliveries.map((d) => [d.recipientKey, d]))
    expect(byPhone.get(s.phoneIds.down)).toMatchObject({ status: 'DEAD', attempts: 2 })
    expect(byPhone.get(s.phoneIds.down)?.lastError).toMatch(/yealink/)
    for (const name of ['cisco', 'yealink', 'poly', 'ciscoRu']) expect(byPhone.get(s.phoneIds[name])?.status).toBe('SENT')
    expect(fleet.pages).toHaveLength(4)
  })
})
