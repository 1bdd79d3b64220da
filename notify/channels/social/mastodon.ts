// Mastodon: one status on the municipality's account, POST {instance}/api/v1/statuses with
// `Authorization: Bearer <access token>` (scope write:statuses) and a JSON body
// { status, visibility, language, in_reply_to_id }. The dispatcher's idempotency key goes into the
// `Idempotency-Key` header: Mastodon keeps it for an hour and answers a repeat with the status it
// already made, so a retry after a lost answer never posts twice.
//
//   new MastodonAdapter({ instanceUrl: 'https://mastodon.social', accessToken, visibility: 'public' })
//   send({ text, link, inReplyTo?, language }, ctx)
//     → sent { providerMessageId: status id }   (the lead keeps it: a Cancel replies to it)
//     → retry { afterMs from X-RateLimit-Reset (ISO 8601) or Retry-After } on 429; 5xx, timeouts
//     → permanent on 401/403 (token), 422 (validation), 404 (reply target gone), other 4xx
import type http from 'node:http'
import { parseRetryAfter, type ChannelAdapter, type ChannelLimits, type SendContext, type SendResult } from '../contract.ts'
import { countMastodon, POST_LIMITS } from './fit-text.ts'
import { header, iso639_1, parseJson, postHttp, snippet, type HttpAnswer, type SocialPost } from './social-post.ts'

export type MastodonVisibility = 'public' | 'unlisted' | 'private' | 'direct'

export type MastodonAdapterOptions = {
  /** the account's instance, e.g. https://mastodon.social (the fake's origin in tests) */
  instanceUrl: string
  /** an access token with write:statuses */
  accessToken: string
  /** default public */
  visibility?: MastodonVisibility
  /** the instance's limit (GET /api/v2/instance: configuration.statuses.max_characters); 500 by default */
  maxCharacters?: number
  agent?: http.Agent
  /** clock for X-RateLimit-Reset (tests) */
  now?: () => number
}

export class MastodonAdapter implements ChannelAdapter<SocialPost> {
  readonly channel = 'social-mastodon'
  readonly limits: ChannelLimits
  readonly maxCharacters: number
  private readonly url: string
  private readonly now: () => number

  constructor(private readonly options: MastodonAdapterOptions) {
    this.maxCharacters = options.maxCharacters ?? POST_LIMITS.mastodon
    this.limits = {}
    this.url = `${options.instanceUrl.replace(/\/+$/, '')}/api/v1/statuses`
    this.now = options.now ?? Date.now
  }

  async send(message: SocialPost, ctx: SendContext): Promise<SendResult> {
    if (message.text.trim() === '') return { kind: 'permanent', deadAddress: false, reason: 'empty text' }
    const length = countMastodon(message.text)
    if (length > this.maxCharacters) {
      return { kind: 'permanent', deadAddress: false, reason: `text is ${length} characters, Mastodon allows ${this.maxCharacters} (fitText)` }
    }
    const language = iso639_1(message.language)
    const body: Record<string, string> = { status: message.text, visibility: this.options.visibility ?? 'public' }
    if (language) body.language = language
    if (message.inReplyTo) body.in_reply_to_id = message.inReplyTo
    const answer = await postHttp(this.url, {
      headers: {
        Authorization: `Bearer ${this.options.accessToken}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Idempotency-Key': ctx.idempotencyKey,
      },
      body: JSON.stringify(body),
      timeoutMs: ctx.timeoutMs,
      agent: this.options.agent,
    })
    return mapMastodonAnswer(answer, this.now())
  }
}

export function mapMastodonAnswer(answer: HttpAnswer, nowMs: number): SendResult {
  if (answer.kind === 'failed') return answer.result
  const { status, headers, body } = answer
  const parsed = parseJson(body) as { id?: unknown; error?: unknown } | undefined
  const detail = `${status} ${typeof parsed?.error === 'string' ? parsed.error : snippet(body)}`.trim()
  if (status >= 200 && status < 300) {
    if (typeof parsed?.id !== 'string') return { kind: 'retry', reason: `${status} without a status id`, httpStatus: status }
    return { kind: 'sent', providerMessageId: parsed.id, httpStatus: status }
  }
  if (status === 429) {
    const afterMs = rateLimitReset(header(headers, 'x-ratelimit-reset'), nowMs) ?? parseRetryAfter(headers['retry-after'], nowMs)
    return { kind: 'retry', reason: detail, httpStatus: status, ...(afterMs !== undefined ? { afterMs } : {}) }
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason: detail, httpStatus: status }
  // 401/403 token revoked or without write:statuses, 422 validation, 404 reply target gone: the same
  // request would fail again; the account itself is not "dead" (the lead shows the reason)
  return { kind: 'permanent', deadAddress: false, reason: detail, httpStatus: status }
}

/** Mastodon's X-RateLimit-Reset is an ISO 8601 time → milliseconds from now. */
function rateLimitReset(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}
