// One HTTP exchange with a desk phone's web server, bounded by a deadline: Basic credentials sent
// up front (Cisco), or sent in answer to the phone's 401 challenge (Digest per RFC 7616, or Basic),
// which costs a second request (Poly, Yealink). Never throws: a network error or the deadline is a
// `failed` answer the vendor modules map to a retry.
import http from 'node:http'
import https from 'node:https'
import { basicAuthorization, digestAuthorization, parseWwwAuthenticate, pickDigestChallenge } from './http-digest.ts'

export type PhoneAuth =
  | { kind: 'basic-preemptive'; username: string; password: string }
  | { kind: 'challenge'; username: string; password: string }

export type PhoneRequest = {
  method: 'POST' | 'GET'
  /** path and query, e.g. /CGI/Execute */
  path: string
  headers: Record<string, string>
  body: Buffer
  auth: PhoneAuth
}

export type PhoneAnswer =
  | { kind: 'answer'; status: number; headers: http.IncomingHttpHeaders; body: string; requests: number }
  | { kind: 'failed'; reason: string; timedOut: boolean }

export type PhoneTransport = {
  scheme: 'http' | 'https'
  /** https: an agent with the phones' CA (phones usually have self-signed certificates) */
  agent?: http.Agent | https.Agent
}

const MAX_ANSWER_BYTES = 64 * 1024

/** `host` / `host:port` / `[v6]:port` → host and port; undefined when it is not an address. */
export function parsePhoneAddress(address: string, defaultPort: number): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?))(?::(\d{1,5}))?$/.exec(address.trim())
  if (!match) return undefined
  const port = match[3] === undefined ? defaultPort : Number(match[3])
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined
  return { host: match[1] ?? match[2], port }
}

export async function exchangeWithPhone(
  address: { host: string; port: number },
  request: PhoneRequest,
  transport: PhoneTransport,
  timeoutMs: number,
): Promise<PhoneAnswer> {
  const deadline = Date.now() + timeoutMs
  const headers: Record<string, string> = { ...request.headers }
  if (request.auth.kind === 'basic-preemptive') headers.Authorization = basicAuthorization(request.auth.username, request.auth.password)
  const first = await once(address, request, headers, transport, deadline, timeoutMs)
  if (first.kind === 'failed' || first.status !== 401 || request.auth.kind !== 'challenge') return first

  // answer the challenge once; a second 401 means the credentials are wrong
  const challenges = parseWwwAuthenticate(first.headers['www-authenticate'])
  const digest = pickDigestChallenge(challenges)
  let authorization: string
  if (digest) {
    authorization = digestAuthorization(digest, {
      username: request.auth.username,
      password: request.auth.password,
      method: request.method,
      uri: request.path,
    })
  } else if (challenges.some((c) => c.scheme === 'basic')) {
    authorization = basicAuthorization(request.auth.username, request.auth.password)
  } else {
    return first
  }
  const second = await once(address, request, { ...headers, Authorization: authorization }, transport, deadline, timeoutMs)
  return second.kind === 'answer' ? { ...second, requests: 2 } : second
}

function once(
  address: { host: string; port: number },
  request: PhoneRequest,
  headers: Record<string, string>,
  transport: PhoneTransport,
  deadline: number,
  timeoutMs: number,
): Promise<PhoneAnswer> {
  return new Promise<PhoneAnswer>((resolve) => {
    let settled = false
    const done = (answer: PhoneAnswer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(answer)
    }
    const left = deadline - Date.now()
    const timer = setTimeout(() => {
      done({ kind: 'failed', reason: `timeout after ${timeoutMs} ms`, timedOut: true })
      outgoing.destroy()
    }, Math.max(0, left))
    const options = {
      host: address.host,
      port: address.port,
      path: request.path,
      method: request.method,
      headers: { ...headers, 'Content-Length': String(request.body.length) },
      ...(transport.agent ? { agent: transport.agent } : {}),
    }
    const onResponse = (response: http.IncomingMessage) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk)
      })
      response.on('error', (error) => done({ kind: 'failed', reason: `response: ${error.message}`, timedOut: false }))
      response.on('end', () =>
        done({ kind: 'answer', status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), requests: 1 }),
      )
    }
    const outgoing = transport.scheme === 'https' ? https.request(options, onResponse) : http.request(options, onResponse)
    outgoing.on('error', (error) => done({ kind: 'failed', reason: `network: ${error.message}`, timedOut: false }))
    outgoing.end(request.body)
  })
}
