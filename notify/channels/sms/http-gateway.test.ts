import http from 'node:http'
import https from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { throwawayCertificate } from '#tests/fakes/push-service.ts'
import { startFakeSmsGateway, type FakeSmsGateway, type ReceiptPlan } from '#tests/fakes/sms-gateway.ts'
import { smsEncoding } from './encoding.ts'
import { HttpSmsGatewayAdapter, mapGatewayResponse } from './http-gateway.ts'
import {
  mergePartReceipts,
  parseHttpGatewayReceipt,
  RECEIPT_SIGNATURE_HEADER,
  verifyReceiptSignature,
  type MessageReceiptState,
} from './receipts.ts'

const TOKEN = 'gw-token-123'
const SECRET = 'receipt-secret-xyz'
const LATVIAN = 'Plūdu draudi! Lielupes līmenis ceļas. Evakuējieties uz Jelgavas 4. vidusskolu līdz plkst. 18:00. Ņemiet līdzi zāles.'

// A receipt endpoint as the app will have it: checks the signature on the raw body, parses, merges.
type ReceiptListener = { url: string; states: Map<string, MessageReceiptState>; refused: number; close(): Promise<void> }

async function startReceiptListener(secret: string): Promise<ReceiptListener> {
  const listener: Omit<ReceiptListener, 'url' | 'close'> = { states: new Map(), refused: 0 }
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      if (!verifyReceiptSignature(raw, request.headers[RECEIPT_SIGNATURE_HEADER], secret)) {
        listener.refused += 1
        response.writeHead(401).end()
        return
      }
      const parsed = parseHttpGatewayReceipt(raw)
      if (!parsed.ok) {
        listener.refused += 1
        response.writeHead(400).end(parsed.field)
        return
      }
      const { receipt } = parsed
      listener.states.set(receipt.id, mergePartReceipts(listener.states.get(receipt.id), receipt))
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    ...listener,
    get refused() {
      return listener.refused
    },
    url: `http://127.0.0.1:${port}/sms/receipts`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

let counter = 0
const ctx = (key = `alert-${++counter}:sms:resident`) => ({ idempotencyKey: key, timeoutMs: 3000 })
let numberSeq = 20_000_100
const nextNumber = () => `+371${++numberSeq}`

describe('HttpSmsGatewayAdapter against the fake SMS gateway', () => {
  let gateway: FakeSmsGateway
  let receipts: ReceiptListener
  let adapter: HttpSmsGatewayAdapter

  beforeAll(async () => {
    gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: TOKEN }, receiptSecret: SECRET })
    receipts = await startReceiptListener(SECRET)
    adapter = new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: TOKEN }, senderId: 'Jelgava', statusCallbackUrl: receipts.url })
  })
  afterAll(async () => {
    await gateway.close()
    await receipts.close()
  })

  it('POSTs the documented JSON with bearer auth and the idempotency key; the part count announced is the one the gateway counts (row 29)', async () => {
    const to = nextNumber()
    const shown = smsEncoding(LATVIAN) // what the composer shows before sending
    expect(shown).toMatchObject({ encoding: 'UCS-2', parts: 2, perPart: 67 })
    const context = ctx()
    const result = await adapter.send({ to, text: LATVIAN }, context)

    const received = gateway.received.at(-1)!
    expect(result).toEqual({ kind: 'sent', httpStatus: 202, providerMessageId: received.id })
    expect(received.body).toBe(
      JSON.stringify({ to, from: 'Jelgava', text: LATVIAN, reference: context.idempotencyKey, encoding: 'UCS-2', parts: 2, callbackUrl: receipts.url }),
    )
    expect(received.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(received.body)),
      accept: 'application/json',
      authorization: `Bearer ${TOKEN}`,
      'idempotency-key': context.idempotencyKey,
    })
    // the gateway's own count from the text it received = what was shown = what was announced
    expect(received.parts).toBe(shown.parts)
    expect(received.encoding).toBe('UCS-2')
    expect(received.claimed).toEqual({ encoding: 'UCS-2', parts: 2 })
    expect(received.partTexts.join('')).toBe(LATVIAN)
    expect(received.partTexts.map((p) => p.length)).toEqual([67, LATVIAN.length - 67])
    // the number is in the body only, never in the URL
    expect(gateway.url).not.toContain(to.slice(1))
  })

  it('sends a GSM-7 text with basic auth and the message sender; no callbackUrl when none is configured', async () => {
    const basicGateway = await startFakeSmsGateway({ auth: { kind: 'basic', username: 'jelgava', password: 'pā$$:word' } })
    try {
      const basic = new HttpSmsGatewayAdapter({ url: basicGateway.url, auth: { kind: 'basic', username: 'jelgava', password: 'pā$$:word' }, senderId: 'Jelgava' })
      const to = nextNumber()
      const text = 'Udens limenis celas. Info: https://jelgava.lv {tel. 112} €'
      const result = await basic.send({ to, text, sender: '3712000' }, ctx('k-basic'))
      expect(result.kind).toBe('sent')
      const received = basicGateway.received[0]
      expect(received.headers.authorization).toBe(`Basic ${Buffer.from('jelgava:pā$$:word').toString('base64')}`)
      expect(JSON.parse(received.body)).toEqual({ to, from: '3712000', text, reference: 'k-basic', encoding: 'GSM-7', parts: 1 })
      expect(received).toMatchObject({ encoding: 'GSM-7', parts: 1 })
    } finally {
      await basicGateway.close()
    }
  })

  it('a retried send with the same idempotency key gets the same id and the gateway counts one message', async () => {
    const to = nextNumber()
    const context = ctx()
    const before = gateway.received.length
    const first = await adapter.send({ to, text: 'Test' }, context)
    const again = await adapter.send({ to, text: 'Test' }, context)
    expect(first.kind).toBe('sent')
    expect(again).toEqual(first)
    expect(gateway.received.length).toBe(before + 1)
    expect(gateway.duplicates).toBeGreaterThanOrEqual(1)
  })

  it('a gateway that stores the message and never answers: timeout → retry; the retry with the same key is not sent twice (row 12)', async () => {
    const to = nextNumber()
    gateway.fault(to, { kind: 'accept-then-hang' }, 1)
    const context = { ...ctx(), timeoutMs: 300 }
    const before = gateway.received.length
    expect(await adapter.send({ to, text: 'Evakuācija' }, context)).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })
    const retried = await adapter.send({ to, text: 'Evakuācija' }, { ...context, timeoutMs: 3000 })
    expect(retried).toMatchObject({ kind: 'sent', providerMessageId: gateway.received.at(-1)!.id })
    expect(gateway.received.length).toBe(before + 1)
    expect(gateway.received.filter((m) => m.to === to)).toHaveLength(1)
  })

  it('a gateway that never answers (nothing stored): timeout → retry', async () => {
    const to = nextNumber()
    gateway.fault(to, { kind: 'hang' }, 1)
    const before = gateway.received.length
    expect(await adapter.send({ to, text: 'x' }, { ...ctx(), timeoutMs: 300 })).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })
    expect(gateway.received.length).toBe(before)
  })

  it('maps invalid_number and not_mobile to a dead address, other 4xx to permanent, 401/403 to permanent but not dead', async () => {
    const invalid = nextNumber()
    gateway.fault(invalid, { kind: 'status', status: 400, body: { error: { code: 'invalid_number', message: `${invalid} does not exist` } } }, 1)
    const dead = await adapter.send({ to: invalid, text: 'x' }, ctx())
    expect(dead).toMatchObject({ kind: 'permanent', deadAddress: true, httpStatus: 400 })
    // the provider echoed the number: the reason (it goes to logs) has it masked
    expect(dead.kind === 'permanent' && dead.reason).toContain('+371 2••••')
    expect(JSON.stringify(dead)).not.toContain(invalid.slice(1))

    const landline = nextNumber()
    gateway.fault(landline, { kind: 'status', status: 422, body: { error: { code: 'not_mobile' } } }, 1)
    expect(await adapter.send({ to: landline, text: 'x' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: true, httpStatus: 422 })

    const badRequest = nextNumber()
    gateway.fault(badRequest, { kind: 'status', status: 400, body: { error: { code: 'text_too_long' } } }, 1)
    expect(await adapter.send({ to: badRequest, text: 'x' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: false, httpStatus: 400 })

    const forbidden = nextNumber()
    gateway.fault(forbidden, { kind: 'status', status: 403, body: { error: { code: 'sender_not_allowed' } } }, 1)
    expect(await adapter.send({ to: forbidden, text: 'x' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: false, httpStatus: 403 })

    // a real credentials check: the fake refuses a wrong token with 401
    const wrongToken = new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 'wrong' }, senderId: 'Jelgava' })
    const refused = await wrongToken.send({ to: nextNumber(), text: 'x' }, ctx())
    expect(refused).toMatchObject({ kind: 'permanent', deadAddress: false, httpStatus: 401, reason: expect.stringContaining('credentials') })
    expect(gateway.refused.at(-1)).toMatchObject({ status: 401 })
  })

  it('maps 429 to retry with Retry-After, 5xx to retry (with Retry-After when given), then sends', async () => {
    const busy = nextNumber()
    gateway.fault(busy, { kind: 'status', status: 429, retryAfter: '7' }, 1)
    expect(await adapter.send({ to: busy, text: 'x' }, ctx('k-429'))).toMatchObject({ kind: 'retry', afterMs: 7000, httpStatus: 429 })
    expect(await adapter.send({ to: busy, text: 'x' }, ctx('k-429'))).toMatchObject({ kind: 'sent' })

    const down = nextNumber()
    gateway.fault(down, { kind: 'status', status: 503 }, 1)
    const retry = await adapter.send({ to: down, text: 'x' }, ctx())
    expect(retry).toMatchObject({ kind: 'retry', httpStatus: 503 })
    expect(retry).not.toHaveProperty('afterMs')

    const maintenance = nextNumber()
    gateway.fault(maintenance, { kind: 'status', status: 500, retryAfter: '2' }, 1)
    expect(await adapter.send({ to: maintenance, text: 'x' }, ctx())).toMatchObject({ kind: 'retry', afterMs: 2000, httpStatus: 500 })
  })

  it('reports a refused connection as a retry', async () => {
    const gone = await startFakeSmsGateway()
    const url = gone.url
    await gone.close()
    const nowhere = new HttpSmsGatewayAdapter({ url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' })
    const result = await nowhere.send({ to: nextNumber(), text: 'x' }, ctx())
    expect(result).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^network: .*ECONNREFUSED/) })
  })

  it('refuses before sending: a number that is not E.164 (dead), too many parts, a bad sender ID, an empty text', async () => {
    const requests = gateway.requests
    expect(await adapter.send({ to: '20000123', text: 'x' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: true })
    const long = 'ā'.repeat(67 * 10 + 1) // 11 UCS-2 parts
    expect(await adapter.send({ to: nextNumber(), text: long }, ctx())).toMatchObject({
      kind: 'permanent',
      deadAddress: false,
      reason: 'text needs 11 UCS-2 parts, at most 10 allowed',
    })
    expect(await adapter.send({ to: nextNumber(), text: 'x', sender: 'Jelgavas pilsēta' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: false })
    expect(await adapter.send({ to: nextNumber(), text: '' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: false })
    expect(gateway.requests).toBe(requests)
    // exactly 10 parts is sent
    expect((await adapter.send({ to: nextNumber(), text: 'ā'.repeat(670) }, ctx())).kind).toBe('sent')
    expect(gateway.received.at(-1)!.parts).toBe(10)
  })
})

describe('delivery receipts from the fake gateway, merged with mergePartReceipts (row 14)', () => {
  let gateway: FakeSmsGateway
  let receipts: ReceiptListener
  let adapter: HttpSmsGatewayAdapter
  const text = 'ā'.repeat(67 * 2 + 10) // 3 UCS-2 parts

  beforeAll(async () => {
    gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: TOKEN }, receiptSecret: SECRET })
    receipts = await startReceiptListener(SECRET)
    adapter = new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: TOKEN }, senderId: 'Jelgava', statusCallbackUrl: receipts.url })
  })
  afterAll(async () => {
    await gateway.close()
    await receipts.close()
  })

  async function sendWith(plan: ReceiptPlan): Promise<{ id: string; state: MessageReceiptState | undefined; sent: number }> {
    const to = nextNumber()
    gateway.receipts(to, plan)
    const before = gateway.receiptsSent.length
    const result = await adapter.send({ to, text }, ctx())
    if (result.kind !== 'sent' || !result.providerMessageId) throw new Error(`not sent: ${JSON.stringify(result)}`)
    await gateway.receiptsSettled()
    const sent = gateway.receiptsSent.slice(before)
    for (const s of sent) expect(s.answer).toBe(204)
    return { id: result.providerMessageId, state: receipts.states.get(result.providerMessageId), sent: sent.length }
  }

  it('one signed receipt per part, in order: delivered', async () => {
    const { state, sent } = await sendWith({})
    expect(sent).toBe(3)
    expect(state).toMatchObject({ parts: 3, status: 'delivered' })
    expect(Object.keys(state!.byPart)).toEqual(['1', '2', '3'])
  })

  it('late, reversed and duplicated receipts: delivered, each part once in the state', async () => {
    const { state, sent } = await sendWith({ delayMs: 150, order: 'reverse', twice: true })
    expect(sent).toBe(6)
    expect(state).toMatchObject({ status: 'delivered', parts: 3 })
  })

  it('a failed part stays failed through duplicates, reverse order and a later "delivered" for it', async () => {
    const { state, sent } = await sendWith({ order: 'reverse', twice: true, failPart: 2, errorCode: 'expired', deliveredAfterFailure: true })
    expect(sent).toBe(7)
    const last = gateway.receiptsSent.at(-1)!.receipt
    expect(last).toMatchObject({ part: 2, status: 'delivered' }) // the contradicting success did arrive last
    expect(state!.status).toBe('failed')
    expect(state!.byPart[2]).toMatchObject({ status: 'failed', error: { code: 'expired' } })
    expect(state!.byPart[1].status).toBe('delivered')
    expect(state!.byPart[3].status).toBe('delivered')
  })

  it('receipts carry the reference (our idempotency key) and a signature the app checks', async () => {
    const other = await startReceiptListener('another-secret')
    try {
      const strict = new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: TOKEN }, senderId: 'Jelgava', statusCallbackUrl: other.url })
      const to = nextNumber()
      const before = gateway.receiptsSent.length
      expect((await strict.send({ to, text: 'Sveiki' }, ctx('ref-signed'))).kind).toBe('sent')
      await gateway.receiptsSettled()
      const sent = gateway.receiptsSent.slice(before)
      expect(sent).toHaveLength(1)
      expect(sent[0].receipt).toMatchObject({ reference: 'ref-signed', part: 1, parts: 1, status: 'delivered' })
      expect(sent[0].answer).toBe(401) // signed with the gateway's secret, not the listener's
      expect(other.refused).toBe(1)
      expect(other.states.size).toBe(0)
    } finally {
      await other.close()
    }
  })

  it('no receipts when the plan says none: the message stays without state (pending for the app)', async () => {
    const { state, sent } = await sendWith({ none: true })
    expect(sent).toBe(0)
    expect(state).toBeUndefined()
  })
})

describe('HttpSmsGatewayAdapter over https', () => {
  it('uses https for an https: url, trusting the CA of the agent it is given', async () => {
    const { key, cert } = throwawayCertificate()
    const seen: { url?: string; body: string }[] = []
    const server = https.createServer({ key, cert }, (request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (c: Buffer) => chunks.push(c))
      request.on('end', () => {
        seen.push({ url: request.url, body: Buffer.concat(chunks).toString('utf8') })
        response.writeHead(202, { 'content-type': 'application/json' }).end('{"id":"tls-1"}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    const agent = new https.Agent({ ca: cert })
    try {
      const url = `https://127.0.0.1:${port}/bridge/send`
      const trusted = new HttpSmsGatewayAdapter({ url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava', agent })
      expect(await trusted.send({ to: '+37120000999', text: 'x' }, ctx('k-tls'))).toEqual({ kind: 'sent', httpStatus: 202, providerMessageId: 'tls-1' })
      expect(seen).toEqual([{ url: '/bridge/send', body: JSON.stringify({ to: '+37120000999', from: 'Jelgava', text: 'x', reference: 'k-tls', encoding: 'GSM-7', parts: 1 }) }])
      const untrusted = new HttpSmsGatewayAdapter({ url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' })
      expect(await untrusted.send({ to: '+37120000999', text: 'x' }, ctx())).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/network: .*(self.signed|certificate)/i) })
      expect(seen).toHaveLength(1)
    } finally {
      agent.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('refuses a url that is not http: or https: when configured', () => {
    expect(() => new HttpSmsGatewayAdapter({ url: 'ftp://gw.example/send', auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' })).toThrow(/http: or https:/)
  })
})

describe('mapGatewayResponse', () => {
  it('reads Retry-After as an HTTP date, accepts a 2xx without an id, and tolerates the short error shapes', () => {
    const at = new Date(Date.now() + 30_000).toUTCString()
    const retry = mapGatewayResponse(429, { 'retry-after': at }, '')
    expect(retry.kind === 'retry' && retry.afterMs).toBeGreaterThan(25_000)
    expect(mapGatewayResponse(200, {}, 'OK')).toEqual({ kind: 'sent', httpStatus: 200 })
    expect(mapGatewayResponse(201, {}, '{"id":"abc"}')).toEqual({ kind: 'sent', httpStatus: 201, providerMessageId: 'abc' })
    expect(mapGatewayResponse(400, {}, '{"error":"invalid_number"}')).toMatchObject({ kind: 'permanent', deadAddress: true })
    expect(mapGatewayResponse(400, {}, '{"code":"not_mobile"}')).toMatchObject({ kind: 'permanent', deadAddress: true })
    expect(mapGatewayResponse(409, {}, '{"error":{"code":"invalid_number"}}')).toMatchObject({ kind: 'permanent', deadAddress: false })
    expect(mapGatewayResponse(408, {}, '')).toMatchObject({ kind: 'retry' })
    expect(mapGatewayResponse(302, {}, '')).toMatchObject({ kind: 'permanent', deadAddress: false })
  })
})
