// X (Twitter): one post on the municipality's account, POST https://api.x.com/2/tweets with a
// JSON body { text, reply: { in_reply_to_tweet_id } }, signed with OAuth 1.0a user context
// (oauth1.ts, HMAC-SHA1): the app's consumer key/secret and the account's access token/secret
// never expire, unlike OAuth 2.0 user tokens (2 hours, then a refresh the adapter would have to
// store). The X API has no idempotency key: a retry after a lost answer can post twice, and an
// identical text is refused as duplicate content (403, reported permanent; decision 017).
//
//   new XAdapter({ consumerKey, consumerSecret, accessToken, accessTokenSecret })
//   send({ text, link, inReplyTo?, language }, ctx)
//     → sent { providerMessageId: data.id }
//     → retry on 429 { afterMs from x-rate-limit-reset, or the 24-hour user/app limit's reset when
//       that one is spent (epoch seconds) }, 5xx, timeouts
//     → permanent on 401 (credentials), 403 (duplicate, reply target gone, not permitted), 400
import type http from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { parseRetryAfter, type ChannelAdapter, type ChannelLimits, type SendContext, type SendResult } from '../contract.ts'
import { countX, POST_LIMITS } from './fit-text.ts'
import { oauth1Header } from './oauth1.ts'
import { header, parseJson, postHttp, snippet, type HttpAnswer, type SocialPost } from './social-post.ts'

export type XAdapterOptions = {
  /** the app's API key and secret (OAuth 1.0a consumer) */
  consumerKey: string
  consumerSecret: string
  /** the account's access token and secret (read and write) */
  accessToken: string
  accessTokenSecret: string
  /** default https://api.x.com (the fake's origin in tests) */
  apiUrl?: string
  /** 280 weighted characters; 25 000 for a Premium account */
  maxWeightedLength?: number
  agent?: http.Agent
  /** clock for oauth_timestamp and x-rate-limit-reset (tests) */
  now?: () => number
}

export class XAdapter implements ChannelAdapter<SocialPost> {
  readonly channel = 'social-x'
  readonly limits: ChannelLimits = {}
  readonly maxWeightedLength: number
  private readonly url: string
  private readonly now: () => number

  constructor(private readonly options: XAdapterOptions) {
    this.url = `${(options.apiUrl ?? 'https://api.x.com').replace(/\/+$/, '')}/2/tweets`
    this.maxWeightedLength = options.maxWeightedLength ?? POST_LIMITS.x
    this.now = options.now ?? Date.now
  }

  async send(message: SocialPost, ctx: SendContext): Promise<SendResult> {
    if (message.text.trim() === '') return { kind: 'permanent', deadAddress: false, reason: 'empty text' }
    const length = countX(message.text)
    if (length > this.maxWeightedLength) {
      return { kind: 'permanent', deadAddress: false, reason: `text weighs ${length}, X allows ${this.maxWeightedLength} (fitText)` }
    }
    const body: Record<string, unknown> = { text: message.text }
    if (message.inReplyTo) body.reply = { in_reply_to_tweet_id: message.inReplyTo }
    const { consumerKey, consumerSecret, accessToken, accessTokenSecret } = this.options
    const authorization = oauth1Header({
      method: 'POST',
      url: this.url,
      consumerKey,
      consumerSecret,
      token: accessToken,
      tokenSecret: accessTokenSecret,
      timestamp: Math.floor(this.now() / 1000),
    })
    const answer = await postHttp(this.url, {
      headers: { Authorization: authorization, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: ctx.timeoutMs,
      agent: this.options.agent,
    })
    return mapXAnswer(answer, this.now())
  }
}

type XProblem = { data?: { id?: unknown }; title?: unknown; detail?: unknown; errors?: { message?: unknown }[] }

export function mapXAnswer(answer: HttpAnswer, nowMs: number): SendResult {
  if (answer.kind === 'failed') return answer.result
  const { status, headers, body } = answer
  const parsed = parseJson(body) as XProblem | undefined
  if (status >= 200 && status < 300) {
    const id = parsed?.data?.id
    if (typeof id !== 'string') return { kind: 'retry', reason: `${status} without a post id`, httpStatus: status }
    return { kind: 'sent', providerMessageId: id, httpStatus: status }
  }
  const text = typeof parsed?.detail === 'string' ? parsed.detail : typeof parsed?.errors?.[0]?.message === 'string' ? parsed.errors[0].message : snippet(body)
  const reason = `${status} ${text}`.trim()
  if (status === 429) {
    const afterMs = rateLimitWait(headers, nowMs)
    return { kind: 'retry', reason, httpStatus: status, ...(afterMs !== undefined ? { afterMs } : {}) }
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason, httpStatus: status }
  // 401 the app's or the account's credentials were revoked; 403 duplicate content, a reply to a
  // deleted post or an app without write access; 400 invalid: the same request fails again
  return { kind: 'permanent', deadAddress: false, reason, httpStatus: status }
}

/**
 * x-rate-limit-reset is the end of the 15-minute window (epoch seconds); when the 24-hour
 * user or app limit is the one spent (x-user-limit-24hour-remaining: 0), its reset counts.
 */
function rateLimitWait(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const resets: number[] = []
  for (const prefix of ['x-user-limit-24hour', 'x-app-limit-24hour']) {
    if (header(headers, `${prefix}-remaining`) === '0') resets.push(Number(header(headers, `${prefix}-reset`)))
  }
  const window = Number(header(headers, 'x-rate-limit-reset'))
  if (header(headers, 'x-rate-limit-remaining') !== undefined || resets.length === 0) resets.push(window)
  const valid = resets.filter((s) => Number.isFinite(s) && s > 0)
  if (valid.length === 0) return parseRetryAfter(headers['retry-after'], nowMs)
  return Math.max(0, Math.max(...valid) * 1000 - nowMs)
}
