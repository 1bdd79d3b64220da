// The HTTP server under the four social-network fakes (mastodon.ts, telegram.ts, facebook.ts,
// x.ts): a real server on 127.0.0.1 that records every request, lets a test program faults
// (a status, the network's own rate-limit answer, a hang before or after the post is taken) and
// hands the rest to the network's route. Each fake gives its own answers and checks.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'

export type RecordedRequest = {
  method: string
  /** path with query string, as sent */
  url: string
  headers: IncomingHttpHeaders
  /** the body as UTF-8 text */
  body: string
  at: number
}

export type Reply = { status: number; headers?: Record<string, string>; body: unknown }

export type SocialFault =
  /** answer this status; body defaults to the network's own error body for it */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** the network's own rate-limit answer: wait `seconds` (Facebook: its error `code`, default 32) */
  | { kind: 'rate-limit'; seconds: number; code?: number }
  /** never answer, and never take the post (lost before the network saw it) */
  | { kind: 'hang' }
  /** take the post, then never answer (the answer is lost: the send is in doubt) */
  | { kind: 'accept-then-hang' }

export type FakeNetwork = {
  /** the real API's answer to a request (its checks, its bookkeeping) */
  route(request: RecordedRequest): Reply
  /** the network's answer when it rate-limits */
  rateLimited(seconds: number, code?: number): Reply
  /** the network's error body for a programmed status */
  failure(status: number): Reply
}

export type FakeServer = {
  origin: string
  requests: RecordedRequest[]
  /** the next `times` requests get the fault */
  fault(fault: SocialFault, times?: number): void
  close(): Promise<void>
}

export async function startFakeServer(network: FakeNetwork, now: () => number): Promise<FakeServer> {
  const faults: { fault: SocialFault; left: number }[] = []
  const hanging = new Set<ServerResponse>()
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake social network: no address')

  const fake: FakeServer = {
    origin: `http://127.0.0.1:${address.port}`,
    requests: [],
    fault(fault, times = 1) {
      faults.push({ fault, left: times })
    },
    async close() {
      for (const response of hanging) response.socket?.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: { ...request.headers },
        body: Buffer.concat(chunks).toString('utf8'),
        at: now(),
      }
      fake.requests.push(recorded)
      const planned = faults.find((f) => f.left > 0)
      if (planned) planned.left -= 1
      const fault = planned?.fault
      if (fault?.kind === 'hang') return void hanging.add(response)
      if (fault?.kind === 'rate-limit') return send(response, network.rateLimited(fault.seconds, fault.code))
      if (fault?.kind === 'status') {
        const standard = network.failure(fault.status)
        return send(response, { status: fault.status, headers: { ...standard.headers, ...fault.headers }, body: fault.body ?? standard.body })
      }
      let reply: Reply
      try {
        reply = network.route(recorded)
      } catch (error) {
        reply = { status: 500, body: { error: `fake: ${(error as Error).message}` } }
      }
      if (fault?.kind === 'accept-then-hang') return void hanging.add(response)
      send(response, reply)
    })
  })
  return fake
}

function send(response: ServerResponse, reply: Reply) {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
  const headers = { 'content-type': typeof reply.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8', ...reply.headers }
  response.writeHead(reply.status, headers)
  response.end(text)
}

/** The request body as fields: JSON, application/x-www-form-urlencoded, or nothing. */
export function bodyFields(request: RecordedRequest): Record<string, unknown> | undefined {
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (type === 'application/json') {
    try {
      const parsed = JSON.parse(request.body) as unknown
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
    } catch {
      return undefined
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(request.body))
  return request.body === '' ? {} : undefined
}

export function headerOf(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** a numeric, increasing id like the networks' snowflakes */
export function snowflake(now: number, sequence: number): string {
  return String((BigInt(now) << 22n) | BigInt(sequence & 0x3fffff))
}
