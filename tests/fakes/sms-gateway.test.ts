import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyReceiptSignature } from '#notify/channels/sms/receipts.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from './sms-gateway.ts'

// The fake checked with plain fetch (independent of our adapter): it refuses what a gateway must
// refuse, counts parts from the text and not from what the sender claims, and deduplicates.
describe('fake SMS gateway', () => {
  let gateway: FakeSmsGateway
  const headers = { authorization: 'Bearer t0k', 'content-type': 'application/json' }
  const post = (body: unknown, extra: Record<string, string> = {}) =>
    fetch(gateway.url, { method: 'POST', headers: { ...headers, ...extra }, body: typeof body === 'string' ? body : JSON.stringify(body) })

  beforeAll(async () => {
    gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 't0k' }, receiptSecret: 's' })
  })
  afterAll(async () => gateway.close())

  it('counts the parts itself, whatever the sender claims, and answers an id per part', async () => {
    const text = 'Ļoti svarīgi: ' + 'a'.repeat(60) // 74 UCS-2 units → 2 parts
    const response = await post({ to: '+37120000001', from: 'Test', text, reference: 'r-1', encoding: 'GSM-7', parts: 1 })
    expect(response.status).toBe(202)
    const answer = (await response.json()) as { id: string; parts: { part: number; id: string }[] }
    const received = gateway.received.at(-1)!
    expect(answer.id).toBe(received.id)
    expect(answer.parts).toEqual([{ part: 1, id: `${received.id}-1` }, { part: 2, id: `${received.id}-2` }])
    expect(received).toMatchObject({ encoding: 'UCS-2', parts: 2, claimed: { encoding: 'GSM-7', parts: 1 } })
  })

  it('answers a repeated reference with the same body and does not count it again', async () => {
    const body = { to: '+37120000002', from: 'Test', text: 'x', reference: 'r-dup' }
    const first = await (await post(body)).text()
    const count = gateway.received.length
    const second = await post(body)
    expect(await second.text()).toBe(first)
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(gateway.received.length).toBe(count)
  })

  it('refuses bad credentials, a non-JSON body, a bad number, a missing reference, the wrong path', async () => {
    expect((await post({ to: '+37120000003', from: 'T', text: 'x', reference: 'r' }, { authorization: 'Bearer nope' })).status).toBe(401)
    expect((await post('{nope')).status).toBe(400)
    const badNumber = await post({ to: '20000003', from: 'T', text: 'x', reference: 'r' })
    expect(badNumber.status).toBe(400)
    expect(await badNumber.json()).toEqual({ error: { code: 'invalid_number', message: 'to: not an E.164 number' } })
    expect((await post({ to: '+37120000003', from: 'T', text: 'x' })).status).toBe(400)
    expect((await post({ to: '+37120000003', from: 'T', text: 'x', reference: 'r' }, { 'content-type': 'text/plain' })).status).toBe(415)
    const wrongPath = await fetch(`${gateway.origin}/send`, { method: 'POST', headers, body: '{}' })
    expect(wrongPath.status).toBe(404)
  })

  it('fails a reproducible fraction of sends with the status asked for', async () => {
    const run = async () => {
      const g = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 't0k' } })
      g.failRate(0.3, 503, 42)
      const statuses: number[] = []
      for (let i = 0; i < 20; i += 1) {
        const response = await fetch(g.url, { method: 'POST', headers, body: JSON.stringify({ to: '+37120000004', from: 'T', text: 'x', reference: `rate-${i}` }) })
        statuses.push(response.status)
      }
      await g.close()
      return statuses
    }
    const first = await run()
    expect(first).toEqual(await run())
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(0)
    expect(first.filter((s) => s === 202).length).toBeGreaterThan(0)
  })

  it('POSTs one receipt per part to the callbackUrl, signed over the raw body', async () => {
    const got: { raw: string; signature: string | string[] | undefined }[] = []
    const listener = http.createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (c: Buffer) => chunks.push(c))
      request.on('end', () => {
        got.push({ raw: Buffer.concat(chunks).toString('utf8'), signature: request.headers['x-sms-signature'] })
        response.writeHead(200).end()
      })
    })
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    const { port } = listener.address() as { port: number }
    try {
      gateway.receipts('+37120000005', { failPart: 1 })
      await post({ to: '+37120000005', from: 'T', text: 'b'.repeat(200), reference: 'r-rcpt', callbackUrl: `http://127.0.0.1:${port}/r` })
      await gateway.receiptsSettled()
      expect(got).toHaveLength(2)
      for (const { raw, signature } of got) expect(verifyReceiptSignature(raw, signature, 's')).toBe(true)
      expect(got.map((g) => JSON.parse(g.raw) as { part: number; status: string; reference: string })).toMatchObject([
        { part: 1, parts: 2, status: 'failed', reference: 'r-rcpt', error: { code: 'undeliverable' } },
        { part: 2, parts: 2, status: 'delivered', reference: 'r-rcpt' },
      ])
    } finally {
      listener.closeAllConnections()
      await new Promise<void>((resolve) => listener.close(() => resolve()))
    }
  })
})
