// What the four social-network adapters send, and the one HTTP call they share.
//
//   SocialPost   { text, link, inReplyTo?, language }: text is the whole post as the composer
//                previewed it (fitText output, link included); link is also given where the
//                network has a field of its own for it (Facebook `link`, Telegram's link preview);
//                inReplyTo is the provider post id the lead stored from an earlier `sent` in this
//                alert's chain (a Cancel or all-clear follows the original).
//   postHttp()   one POST over http/https with a timeout; an answer, or a `retry` SendResult for a
//                timeout or network error. Never throws.
import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import type { SendResult } from '../contract.ts'

export type SocialPost = {
  /** the post as it will appear, in the account's language, already fitted (fit-text.ts) */
  text: string
  /** public alert page URL */
  link: string
  /** provider post id of the earlier post in this alert's chain (the original, for a Cancel) */
  inReplyTo?: string
  /** ISO 639-1 language of `text` ('lv', 'ru', 'en') */
  language: string
}

export type HttpAnswer =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: string }
  | { kind: 'failed'; result: SendResult & { kind: 'retry' } }

export type PostHttpOptions = {
  headers: Record<string, string | number>
  body: string
  timeoutMs: number
  agent?: http.Agent
}

export function postHttp(url: string, options: PostHttpOptions): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve) => {
    let settled = false
    const done = (answer: HttpAnswer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(answer)
    }
    const body = Buffer.from(options.body, 'utf8')
    const headers = { ...options.headers, 'Content-Length': body.length }
    const transport = url.startsWith('https:') ? https : http
    let request: http.ClientRequest
    try {
      request = transport.request(url, { method: 'POST', headers, agent: options.agent }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', (error) => done(failed(`response: ${errorText(error)}`)))
        response.on('end', () =>
          done({ kind: 'answer', status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        )
      })
    } catch (error) {
      // an unusable URL: configuration, but reported like a network error would be
      resolve(failed(`request: ${errorText(error)}`))
      return
    }
    const timer = setTimeout(() => {
      done(failed(`timeout after ${options.timeoutMs} ms`))
      request.destroy()
    }, options.timeoutMs)
    request.on('error', (error) => done(failed(`network: ${errorText(error)}`)))
    request.end(body)
  })
}

function failed(reason: string): HttpAnswer {
  return { kind: 'failed', result: { kind: 'retry', reason } }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** JSON.parse that answers undefined instead of throwing (a proxy's HTML error page, say). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** "lv-LV" → "lv"; undefined when it is not an ISO 639-1 code. */
export function iso639_1(language: string): string | undefined {
  const code = language.trim().toLowerCase().split(/[-_]/)[0]
  return /^[a-z]{2}$/.test(code) ? code : undefined
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** the start of a provider's answer, for a reason text */
export function snippet(body: string): string {
  return body.length > 200 ? `${body.slice(0, 200)}…` : body
}
