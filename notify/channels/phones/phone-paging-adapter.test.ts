import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeIpPhones, type FakeIpPhones, type FakePhone } from '#tests/fakes/ip-phones.ts'
import { ciscoTextXml, CISCO_XML_CONTENT_TYPE } from './cisco.ts'
import { mapAnswer, PhonePagingAdapter, type PhonePage } from './phone-paging-adapter.ts'
import { ELLIPSIS } from './phone-page.ts'
import { fitPolyPage } from './poly.ts'

const ctx = { idempotencyKey: 'alert-1:paging:phone-1', timeoutMs: 5000 }
const lv = { title: 'Plūdi: evakuācija', text: 'Lielupes krastā ūdens ceļas.\nDodieties uz skolu Ģertrūdes ielā 5.' }
const ru = { title: 'Наводнение: эвакуация', text: 'Уровень воды в Лиелупе растёт.\nИдите в школу на ул. Гертрудес, 5.' }

/** Stands in for the Sargs route that serves Cisco pages at pageUrl (and receives acks). */
type PageServer = { origin: string; serve(path: string, page: PhonePage): string; fetches: http.IncomingHttpHeaders[]; close(): Promise<void> }

async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, PhonePage>()
  const fetches: http.IncomingHttpHeaders[] = []
  const server = http.createServer((request, response) => {
    fetches.push(request.headers)
    const page = pages.get(request.url ?? '')
    if (!page) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'Content-Type': CISCO_XML_CONTENT_TYPE }).end(ciscoTextXml(page))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return {
    origin,
    fetches,
    serve(path, page) {
      pages.set(path, page)
      return `${origin}${path}`
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function pageFor(phone: FakePhone, extra: Partial<PhonePage> = {}): PhonePage {
  return {
    phone: { vendor: phone.vendor, address: phone.address, username: phone.username, password: phone.password },
    ...lv,
    ackUrl: 'https://sargs.example/phone-ack/dlv_1.abcdefghijklmnopqrstuv',
    ackLabel: 'Apstiprināt',
    priority: 'critical',
    ...extra,
  }
}

describe('PhonePagingAdapter against fake phones', () => {
  let phones: FakeIpPhones
  let sargs: PageServer
  const adapter = new PhonePagingAdapter()

  beforeAll(async () => {
    phones = await startFakeIpPhones()
    sargs = await startPageServer()
  })
  afterAll(async () => {
    await phones.close()
    await sargs.close()
  })

  const requestsOf = (phone: FakePhone) => phones.requests.filter((r) => r.phoneId === phone.id)

  it('cisco: POSTs XML=CiscoIPPhoneExecute with Basic auth; the phone fetches the Latvian page and its ack soft key', async () => {
    const desk = await phones.addPhone({ vendor: 'cisco', username: 'sargs-pager', password: 'Paroles-1' })
    const page = pageFor(desk)
    page.pageUrl = sargs.serve('/phone-page/p1', page)
    const result = await adapter.send(page, ctx)
    expect(result).toEqual({ kind: 'sent', httpStatus: 200, providerMessageId: 'Success' })

    const [request] = requestsOf(desk)
    expect(request.method).toBe('POST')
    expect(request.path).toBe('/CGI/Execute')
    const xml =
      '<?xml version="1.0" encoding="utf-8"?>\n<CiscoIPPhoneExecute>\n' +
      `<ExecuteItem Priority="0" URL="${page.pageUrl}"/>\n</CiscoIPPhoneExecute>\n`
    const body = `XML=${encodeURIComponent(xml).replace(/%20/g, '+')}`
    expect(request.body.toString('utf8')).toBe(body)
    expect(request.headers).toMatchObject({
      authorization: `Basic ${Buffer.from('sargs-pager:Paroles-1').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
    })

    // what the phone fetched and shows
    const shown = desk.received.at(-1)!
    expect(shown).toMatchObject({ title: lv.title, text: lv.text, priority: '0', ackUrl: page.ackUrl, problems: [] })
    expect(shown.softKeys).toEqual([
      { label: 'Apstiprināt', url: page.ackUrl, position: 1 },
      { label: 'Exit', url: 'SoftKey:Exit', position: 2 },
    ])
    expect(shown.fetched).toMatchObject({ url: page.pageUrl, status: 200, contentType: 'text/xml; charset=utf-8' })
    expect(shown.fetched!.body).toBe(ciscoTextXml(page))
    expect(sargs.fetches.at(-1)).toMatchObject({ 'accept-charset': 'utf-8' })
  })

  it('cisco: Russian text survives, a normal page executes when idle (Priority 1), no ack key without ackUrl', async () => {
    const desk = await phones.addPhone({ vendor: 'cisco' })
    const page = pageFor(desk, { ...ru, priority: 'normal', ackUrl: undefined, exitLabel: 'Выход' })
    page.pageUrl = sargs.serve('/phone-page/p2', page)
    expect((await adapter.send(page, ctx)).kind).toBe('sent')
    const shown = desk.received.at(-1)!
    expect(shown).toMatchObject({ title: ru.title, text: ru.text, priority: '1', problems: [] })
    expect(shown.ackUrl).toBeUndefined()
    expect(shown.softKeys).toEqual([{ label: 'Выход', url: 'SoftKey:Exit', position: 1 }])
  })

  it('yealink: answers the Digest challenge and pushes xml=YealinkIPPhoneTextScreen to /servlet?push=xml', async () => {
    const desk = await phones.addPhone({ vendor: 'yealink', username: 'admin', password: 'Tālrunis' })
    const page = pageFor(desk, ru)
    expect(await adapter.send(page, ctx)).toEqual({ kind: 'sent', httpStatus: 200 })

    const [challenge, push] = requestsOf(desk)
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<YealinkIPPhoneTextScreen Beep="yes" Timeout="0" LockIn="no">\n' +
      `<Title>${ru.title}</Title>\n<Text>${ru.text}</Text>\n` +
      `<SoftKey index="1">\n<Label>Apstiprināt</Label>\n<URI>${page.ackUrl}</URI>\n</SoftKey>\n` +
      '<SoftKey index="2">\n<Label>Exit</Label>\n<URI>SoftKey:Exit</URI>\n</SoftKey>\n' +
      '</YealinkIPPhoneTextScreen>\n'
    for (const request of [challenge, push]) {
      expect(request).toMatchObject({ method: 'POST', path: '/servlet?push=xml' })
      expect(request.body.toString('utf8')).toBe(`xml=${xml}`)
      expect(request.headers).toMatchObject({ 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(`xml=${xml}`)) })
    }
    expect(challenge.status).toBe(401)
    expect(challenge.headers.authorization).toBeUndefined()
    expect(push.status).toBe(200)
    expect(push.headers.authorization).toMatch(
      /^Digest username="admin", realm="Yealink", uri="\/servlet\?push=xml", algorithm=MD5, nonce="[^"]+", nc=00000001, cnonce="[0-9a-f]{32}", qop=auth, response="[0-9a-f]{32}", opaque="[^"]+"$/,
    )
    expect(desk.received.at(-1)).toMatchObject({ title: ru.title, text: ru.text, ackUrl: page.ackUrl, priority: '0', problems: [] })
  })

  it('poly: Digest (SHA-256) handshake, then PolycomIPPhone Data priority Critical with the ack link', async () => {
    const desk = await phones.addPhone({ vendor: 'poly', username: 'Push', password: 'Spiediens!', digestAlgorithm: 'SHA-256' })
    const page = pageFor(desk)
    expect(await adapter.send(page, ctx)).toEqual({ kind: 'sent', httpStatus: 200 })

    const [challenge, push] = requestsOf(desk)
    const body =
      '<PolycomIPPhone><Data priority="Critical"><h1>Plūdi: evakuācija</h1>' +
      '<p>Lielupes krastā ūdens ceļas.<br/>Dodieties uz skolu Ģertrūdes ielā 5.</p>' +
      `<p><a href="${page.ackUrl}">Apstiprināt</a></p></Data></PolycomIPPhone>`
    expect(challenge).toMatchObject({ method: 'POST', path: '/push', status: 401 })
    expect(push).toMatchObject({ method: 'POST', path: '/push', status: 200 })
    expect(push.body.toString('utf8')).toBe(body)
    expect(push.headers).toMatchObject({ 'content-type': 'application/x-com-polycom-spipx', 'content-length': String(Buffer.byteLength(body)) })
    expect(push.headers.authorization).toMatch(/^Digest username="Push", realm="PolycomSPIP", uri="\/push", algorithm=SHA-256, .*response="[0-9a-f]{64}"/)
    expect(desk.received.at(-1)).toMatchObject({ title: lv.title, text: lv.text, priority: 'Critical', ackUrl: page.ackUrl, displayed: true })
  })

  it('poly: a normal page is pushed as Normal (hidden by a phone that takes Critical only); Russian survives', async () => {
    const desk = await phones.addPhone({ vendor: 'poly', polyMessageType: 4 })
    expect((await adapter.send(pageFor(desk, { ...ru, priority: 'normal', ackUrl: undefined }), ctx)).kind).toBe('sent')
    const shown = desk.received.at(-1)!
    expect(shown).toMatchObject({ title: ru.title, text: ru.text, priority: 'Normal', displayed: false, softKeys: [] })
  })

  it('poly: a long page is fitted into the 2 KB push (ellipsis), exactly as fitPolyPage previews it', async () => {
    const desk = await phones.addPhone({ vendor: 'poly' })
    const page = pageFor(desk, { text: 'Внимание! Эвакуация жителей. '.repeat(100) })
    const preview = fitPolyPage(page)
    expect(preview.cut).toEqual([expect.objectContaining({ field: 'text' })])
    expect((await adapter.send(page, ctx)).kind).toBe('sent')
    const push = requestsOf(desk).at(-1)!
    expect(push.body.length).toBeLessThanOrEqual(2048)
    expect(desk.received.at(-1)!.text).toBe(preview.text)
    expect(preview.text.endsWith(ELLIPSIS)).toBe(true)
  })

  describe('error mapping', () => {
    it('wrong credentials: Cisco error 4, Poly and Yealink 401 after the challenge → permanent, not a dead address', async () => {
      const cisco = await phones.addPhone({ vendor: 'cisco' })
      const page = pageFor(cisco, { phone: { vendor: 'cisco', address: cisco.address, username: cisco.username, password: 'wrong' } })
      page.pageUrl = sargs.serve('/phone-page/p3', page)
      expect(await adapter.send(page, ctx)).toEqual({ kind: 'permanent', deadAddress: false, reason: 'cisco error 4: authentication error', httpStatus: 200 })
      expect(cisco.received).toHaveLength(0)

      for (const vendor of ['poly', 'yealink'] as const) {
        const desk = await phones.addPhone({ vendor })
        const result = await adapter.send(pageFor(desk, { phone: { vendor, address: desk.address, username: desk.username, password: 'wrong' } }), ctx)
        expect(result).toMatchObject({ kind: 'permanent', deadAddress: false, httpStatus: 401 })
        expect(requestsOf(desk).map((r) => r.status)).toEqual([401, 401])
        expect(desk.received).toHaveLength(0)
      }
    })

    it('yealink: a phone whose push_xml.server is another host answers 403 → permanent', async () => {
      const desk = await phones.addPhone({ vendor: 'yealink', allowedPushServers: ['10.0.0.5'] })
      expect(await adapter.send(pageFor(desk), ctx)).toMatchObject({ kind: 'permanent', deadAddress: false, httpStatus: 403 })
    })

    it('cisco: errors 2 and 3 and a busy phone (ResponseItem not executed) → retry; error 1 → permanent', async () => {
      const desk = await phones.addPhone({ vendor: 'cisco' })
      const page = pageFor(desk)
      page.pageUrl = sargs.serve('/phone-page/p4', page)
      desk.fault({ kind: 'cisco-error', number: 3 }, 1)
      expect(await adapter.send(page, ctx)).toEqual({ kind: 'retry', reason: 'cisco error 3: internal file error', httpStatus: 200 })
      desk.fault({ kind: 'cisco-error', number: 2 }, 1)
      expect(await adapter.send(page, ctx)).toMatchObject({ kind: 'retry' })
      desk.fault({ kind: 'busy' }, 1)
      expect(await adapter.send(page, ctx)).toEqual({ kind: 'retry', reason: 'cisco: ResponseItem Status 1 Busy', httpStatus: 200 })
      desk.fault({ kind: 'cisco-error', number: 1 }, 1)
      expect(await adapter.send(page, ctx)).toMatchObject({ kind: 'permanent', deadAddress: false, reason: 'cisco error 1: error parsing CiscoIPPhoneExecute object' })
      expect(desk.received).toHaveLength(0)
      expect((await adapter.send(page, ctx)).kind).toBe('sent')
    })

    it('cisco: the phone cannot fetch pageUrl → retry', async () => {
      const desk = await phones.addPhone({ vendor: 'cisco' })
      const page = pageFor(desk, { pageUrl: `${sargs.origin}/phone-page/missing` })
      expect(await adapter.send(page, ctx)).toMatchObject({ kind: 'retry', reason: expect.stringContaining('Fetch failed') })
    })

    it('busy Poly/Yealink (503 Retry-After) → retry with afterMs; 500 → retry; 404 → permanent', async () => {
      const desk = await phones.addPhone({ vendor: 'poly' })
      desk.fault({ kind: 'busy' }, 1)
      expect(await adapter.send(pageFor(desk), ctx)).toMatchObject({ kind: 'retry', afterMs: 5000, httpStatus: 503 })
      desk.fault({ kind: 'status', status: 500 }, 1)
      expect(await adapter.send(pageFor(desk), ctx)).toMatchObject({ kind: 'retry', httpStatus: 500 })
      desk.fault({ kind: 'status', status: 404 }, 1)
      expect(await adapter.send(pageFor(desk), ctx)).toMatchObject({ kind: 'permanent', deadAddress: false, httpStatus: 404 })
      expect((await adapter.send(pageFor(desk), ctx)).kind).toBe('sent')
    })

    it('a phone that does not answer → retry after ctx.timeoutMs', async () => {
      const desk = await phones.addPhone({ vendor: 'yealink' })
      desk.fault({ kind: 'hang' }, 1)
      const result = await adapter.send(pageFor(desk), { ...ctx, timeoutMs: 300 })
      expect(result).toEqual({ kind: 'retry', reason: 'yealink: timeout after 300 ms' })
    })

    it('connection refused (phone switched off) → retry', async () => {
      const desk = await phones.addPhone({ vendor: 'poly' })
      await desk.close()
      const result = await adapter.send(pageFor(desk), ctx)
      expect(result).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^poly: network: .*ECONNREFUSED/) })
    })

    it('no request at all for a bad address or a Cisco page without pageUrl (permanent)', async () => {
      const before = phones.requests.length
      const desk = await phones.addPhone({ vendor: 'cisco' })
      expect(await adapter.send(pageFor(desk), ctx)).toMatchObject({ kind: 'permanent', deadAddress: false, reason: expect.stringContaining('pageUrl is required') })
      const bad = pageFor(desk, { pageUrl: 'http://x/y', phone: { vendor: 'cisco', address: 'http://evil/', username: 'u', password: 'p' } })
      expect(await adapter.send(bad, ctx)).toMatchObject({ kind: 'permanent', reason: 'not a phone address: http://evil/' })
      const longLabel = pageFor(desk, { pageUrl: 'http://x/y', ackLabel: 'Apstiprināt saņemšanu un doties uz vietu' })
      expect(await adapter.send(longLabel, ctx)).toMatchObject({ kind: 'permanent', reason: 'cisco: ackLabel over 32 characters' })
      expect(phones.requests.length).toBe(before)
    })
  })
})

describe('mapAnswer', () => {
  it('reads 429 Retry-After, treats 408 as retry and 400 as permanent', () => {
    const answer = (status: number, headers = {}) => ({ kind: 'answer' as const, status, headers, body: '', requests: 1 })
    expect(mapAnswer('poly', answer(429, { 'retry-after': '30' }))).toMatchObject({ kind: 'retry', afterMs: 30_000 })
    expect(mapAnswer('yealink', answer(408))).toMatchObject({ kind: 'retry' })
    expect(mapAnswer('yealink', answer(400))).toMatchObject({ kind: 'permanent', deadAddress: false })
  })
})
