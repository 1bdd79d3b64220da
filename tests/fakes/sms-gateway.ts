// A fake generic HTTP SMS gateway on 127.0.0.1: the gateway side of the API in
// docs/decisions/013-sms-encoding-and-http-gateway.md over real HTTP. It checks the Authorization
// header and the JSON, counts the encoding and parts ITSELF from the text it received (so a test
// compares them with what the sender announced: reliability matrix row 29), deduplicates by
// `reference` (a retry gets the same id and is not counted again: row 12), and POSTs signed delivery
// receipts to the callbackUrl, one per part, with programmable timing, order, duplication and a
// failing part (row 14). Faults are programmable per number or by rate.
//
//   const gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 't' }, receiptSecret: 's' })
//   new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' })
//   gateway.received            // every message accepted, once per reference
//   gateway.receipts('+3712…', { order: 'reverse', twice: true, failPart: 2 })
//   await gateway.receiptsSettled(); gateway.receiptsSent
import { randomUUID } from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { isE164 } from '#notify/channels/sms/e164.ts'
import { smsEncoding, splitSms, type SmsEncodingName } from '#notify/channels/sms/encoding.ts'
import { RECEIPT_SIGNATURE_HEADER, signReceipt, type HttpGatewayReceipt } from '#notify/channels/sms/receipts.ts'

export type FakeGatewayAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string }

export type ReceivedSms = {
  /** the id the gateway answered */
  id: string
  reference: string
  to: string
  from: string
  text: string
  callbackUrl?: string
  /** counted by the gateway from the text it received */
  encoding: SmsEncodingName
  parts: number
  partTexts: string[]
  /** what the sender's JSON said (encoding, parts) */
  claimed: { encoding?: unknown; parts?: unknown }
  headers: Record<string, string | string[] | undefined>
  /** the raw request body */
  body: string
  at: number
}

export type SmsFault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string | Record<string, unknown> }
  /** never answer, never store (the request is lost before the gateway takes it) */
  | { kind: 'hang' }
  /** store the message (and send its receipts), then never answer: the send is in doubt */
  | { kind: 'accept-then-hang' }

export type ReceiptPlan = {
  /** send no receipts */
  none?: boolean
  /** wait this long before the first receipt (a late receipt) */
  delayMs?: number
  /** 'reverse': the last part's receipt first */
  order?: 'in-order' | 'reverse'
  /** send every receipt twice (the second round after the first) */
  twice?: boolean
  /** this part (1-based) fails */
  failPart?: number
  errorCode?: string
  /** after all else, a contradicting "delivered" for the failed part */
  deliveredAfterFailure?: boolean
}

export type SentReceipt = {
  receipt: HttpGatewayReceipt
  url: string
  rawBody: string
  signature: string
  /** the receiver's HTTP status, or the network error */
  answer: number | string
}

export type FakeSmsGateway = {
  origin: string
  /** the send endpoint */
  url: string
  receiptSecret: string
  received: ReceivedSms[]
  /** requests refused (auth, validation, faults) with the reason */
  refused: { status: number; reason: string; to?: string }[]
  /** every request, answered or not */
  requests: number
  /** retries answered from the reference store (not counted in received) */
  duplicates: number
  receiptsSent: SentReceipt[]
  /** the receipt behaviour for one number, or '*' for all others (default: immediate, in order, all delivered) */
  receipts(to: string, plan: ReceiptPlan): void
  /** the next `times` sends to this number get the fault (Infinity: always) */
  fault(to: string, fault: SmsFault, times?: number): void
  /** answer `status` to this fraction of all sends (deterministic, seeded) */
  failRate(fraction: number, status?: number, seed?: number): void
  /** resolves when every receipt scheduled so far has been POSTed (or has failed to be) */
  receiptsSettled(): Promise<void>
  close(): Promise<void>
}

export type FakeSmsGatewayOptions = {
  auth?: FakeGatewayAuth
  receiptSecret?: string
  /** the send path (default /v1/messages) */
  path?: string
}

type Accepted = { status: number; body: string }

export async function startFakeSmsGateway(options: FakeSmsGatewayOptions = {}): Promise<FakeSmsGateway> {
  const auth = options.auth ?? { kind: 'bearer', token: 'fake-sms-token' }
  const expectedAuthorization =
    auth.kind === 'bearer' ? `Bearer ${auth.token}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  const receiptSecret = options.receiptSecret ?? 'fake-receipt-secret'
  const sendPath = options.path ?? '/v1/messages'
  const byReference = new Map<string, Accepted>()
  const faults = new Map<string, { fault: SmsFault; left: number }>()
  const plans = new Map<string, ReceiptPlan>()
  const hanging = new Set<ServerResponse>()
  const timers = new Set<NodeJS.Timeout>()
  const chains = new Set<Promise<void>>()
  let rate: { fraction: number; status: number; state: number } | undefined
  let closed = false

  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake SMS gateway: no address')
  const origin = `http://127.0.0.1:${address.port}`

  const gateway: FakeSmsGateway = {
    origin,
    url: `${origin}${sendPath}`,
    receiptSecret,
    received: [],
    refused: [],
    requests: 0,
    duplicates: 0,
    receiptsSent: [],
    receipts(to, plan) {
      plans.set(to, plan)
    },
    fault(to, fault, times = Infinity) {
      faults.set(to, { fault, left: times })
    },
    failRate(fraction, status = 503, seed = 1) {
      rate = { fraction, status, state: seed }
    },
    async receiptsSettled() {
      while (chains.size > 0) await Promise.all([...chains])
    },
    async close() {
      closed = true
      for (const timer of timers) clearTimeout(timer)
      for (const response of hanging) response.socket?.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      gateway.requests += 1
      handle(request, Buffer.concat(chunks).toString('utf8'), response)
    })
  })

  function answer(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    response.writeHead(status, { 'content-type': 'application/json', ...headers })
    response.end(typeof body === 'string' ? body : JSON.stringify(body))
  }

  function refuse(response: ServerResponse, status: number, code: string, message: string, to?: string, headers: Record<string, string> = {}) {
    gateway.refused.push({ status, reason: `${code}: ${message}`, ...(to ? { to } : {}) })
    answer(response, status, { error: { code, message } }, headers)
  }

  function handle(request: IncomingMessage, raw: string, response: ServerResponse) {
    if (request.method !== 'POST' || request.url !== sendPath) return refuse(response, 404, 'not_found', 'POST /v1/messages only')
    if (request.headers.authorization !== expectedAuthorization) return refuse(response, 401, 'unauthorized', 'bad or missing credentials')
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) return refuse(response, 415, 'unsupported_media_type', 'JSON only')
    let json: Record<string, unknown>
    try {
      const value: unknown = JSON.parse(raw)
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object')
      json = value as Record<string, unknown>
    } catch {
      return refuse(response, 400, 'bad_request', 'body is not a JSON object')
    }
    const { to, from, text, reference, callbackUrl } = json
    if (typeof to !== 'string' || !isE164(to)) return refuse(response, 400, 'invalid_number', 'to: not an E.164 number')
    if (typeof text !== 'string' || text === '') return refuse(response, 400, 'bad_request', 'text: a non-empty string', to)
    if (typeof from !== 'string' || from === '') return refuse(response, 400, 'bad_request', 'from: a non-empty string', to)
    if (typeof reference !== 'string' || reference === '' || reference.length > 200) {
      return refuse(response, 400, 'bad_request', 'reference: a non-empty string of at most 200 characters', to)
    }
    if (callbackUrl !== undefined && (typeof callbackUrl !== 'string' || !/^https?:\/\//.test(callbackUrl))) {
      return refuse(response, 400, 'bad_request', 'callbackUrl: an http(s) URL', to)
    }

    // the same reference again: the same answer, nothing sent or counted twice
    const earlier = byReference.get(reference)
    if (earlier) {
      gateway.duplicates += 1
      return answer(response, earlier.status, earlier.body, { 'idempotent-replayed': 'true' })
    }

    const planned = faults.get(to)
    let hangAfterAccept = false
    if (planned && planned.left > 0) {
      planned.left -= 1
      const fault = planned.fault
      if (fault.kind === 'hang') {
        hanging.add(response)
        return
      }
      if (fault.kind === 'accept-then-hang') hangAfterAccept = true
      else {
        const extra: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}
        gateway.refused.push({ status: fault.status, reason: `fault ${fault.status}`, to })
        return answer(response, fault.status, fault.body ?? { error: { code: `fault_${fault.status}`, message: 'programmed fault' } }, extra)
      }
    }
    if (!hangAfterAccept && rate && nextRandom(rate) < rate.fraction) {
      gateway.refused.push({ status: rate.status, reason: 'random failure', to })
      return answer(response, rate.status, { error: { code: 'unavailable', message: 'random failure' } })
    }

    const { encoding, parts } = smsEncoding(text)
    const id = `gw-${randomUUID()}`
    const message: ReceivedSms = {
      id,
      reference,
      to,
      from,
      text,
      ...(typeof callbackUrl === 'string' ? { callbackUrl } : {}),
      encoding,
      parts,
      partTexts: splitSms(text),
      claimed: { encoding: json.encoding, parts: json.parts },
      headers: { ...request.headers },
      body: raw,
      at: Date.now(),
    }
    gateway.received.push(message)
    const accepted: Accepted = {
      status: 202,
      body: JSON.stringify({ id, parts: message.partTexts.map((_, i) => ({ part: i + 1, id: `${id}-${i + 1}` })) }),
    }
    byReference.set(reference, accepted)
    scheduleReceipts(message)
    if (hangAfterAccept) {
      hanging.add(response)
      return
    }
    answer(response, accepted.status, accepted.body)
  }

  function scheduleReceipts(message: ReceivedSms) {
    const plan = plans.get(message.to) ?? plans.get('*') ?? {}
    if (plan.none || !message.callbackUrl) return
    const url = message.callbackUrl
    const chain = (async () => {
      if (plan.delayMs) await sleep(plan.delayMs)
      const steps: { part: number; status: 'delivered' | 'failed' }[] = []
      for (let part = 1; part <= message.parts; part += 1) steps.push({ part, status: part === plan.failPart ? 'failed' : 'delivered' })
      if (plan.order === 'reverse') steps.reverse()
      if (plan.twice) steps.push(...steps.map((s) => ({ ...s })))
      if (plan.deliveredAfterFailure && plan.failPart) steps.push({ part: plan.failPart, status: 'delivered' })
      for (const step of steps) {
        if (closed) return
        const receipt: HttpGatewayReceipt = {
          id: message.id,
          reference: message.reference,
          part: step.part,
          parts: message.parts,
          status: step.status,
          at: new Date().toISOString(),
          ...(step.status === 'failed' ? { error: { code: plan.errorCode ?? 'undeliverable', message: 'absent subscriber' } } : {}),
        }
        await postReceipt(url, receipt)
      }
    })()
    chains.add(chain)
    void chain.finally(() => chains.delete(chain))
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  }

  function postReceipt(url: string, receipt: HttpGatewayReceipt): Promise<void> {
    const rawBody = JSON.stringify(receipt)
    const signature = signReceipt(rawBody, receiptSecret)
    const sent: SentReceipt = { receipt, url, rawBody, signature, answer: 'pending' }
    gateway.receiptsSent.push(sent)
    return new Promise<void>((resolve) => {
      const request = http.request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(rawBody), [RECEIPT_SIGNATURE_HEADER]: signature },
          timeout: 10_000,
        },
        (response) => {
          response.resume()
          response.on('end', () => {
            sent.answer = response.statusCode ?? 0
            resolve()
          })
        },
      )
      request.on('timeout', () => request.destroy(new Error('receipt timeout')))
      request.on('error', (error) => {
        sent.answer = error.message
        resolve()
      })
      request.end(rawBody)
    })
  }

  return gateway
}

/** mulberry32: a reproducible fault pattern */
function nextRandom(rate: { state: number }): number {
  rate.state = (rate.state + 0x6d2b79f5) | 0
  let t = rate.state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
