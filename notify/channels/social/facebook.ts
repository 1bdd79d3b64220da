// Facebook Page: one post on the municipality's Page through the Graph API,
// POST https://graph.facebook.com/v{N}/{page-id}/feed, form-encoded { message, link,
// access_token, appsecret_proof }. The Page access token travels in the body (never in a URL a
// proxy logs), with appsecret_proof = HMAC-SHA256(token, app secret) when the app secret is given
// (Meta's "Require App Secret" for server calls). A Cancel or all-clear with inReplyTo is posted
// as a comment on the original (POST /{post-id}/comments { message }) or, with replies: 'feed',
// as a new Page post (followers see new posts in their feed, not comments).
// The Graph API has no idempotency key: a retry after a lost answer can post twice; an identical
// text right after is refused as a duplicate (code 506) and reported permanent (decision 017).
//
//   new FacebookPageAdapter({ pageId, pageAccessToken, appSecret?, graphVersion: 'v25.0' })
//   send({ text, link, inReplyTo?, language }, ctx)
//     → sent { providerMessageId: '{page-id}_{post-id}' (or the comment id) }
//     → retry on codes 4, 17, 32, 613, 80001–80014 (rate limits; afterMs from
//       X-Business-Use-Case-Usage estimated_time_to_regain_access, minutes), is_transient, 1, 2,
//       368, 5xx, timeouts
//     → permanent on 190/102 (token), 10/200–299 (permissions), 100 (parameter), 506, other codes
import crypto from 'node:crypto'
import type http from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { ChannelAdapter, ChannelLimits, SendContext, SendResult } from '../contract.ts'
import { countUtf16, POST_LIMITS } from './fit-text.ts'
import { header, parseJson, postHttp, snippet, type HttpAnswer, type SocialPost } from './social-post.ts'

export type FacebookPageAdapterOptions = {
  pageId: string
  /** a long-lived Page access token with pages_manage_posts */
  pageAccessToken: string
  /** the app secret, for appsecret_proof (recommended; required when the app requires it) */
  appSecret?: string
  /** default v25.0 */
  graphVersion?: string
  /** default https://graph.facebook.com (the fake's origin in tests) */
  graphUrl?: string
  /** how a post with inReplyTo goes out: a comment on the earlier post (default) or a new Page post */
  replies?: 'comment' | 'feed'
  agent?: http.Agent
}

type GraphError = { message?: unknown; type?: unknown; code?: unknown; error_subcode?: unknown; is_transient?: unknown }

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613])
const TRANSIENT_CODES = new Set([1, 2, 368])

export class FacebookPageAdapter implements ChannelAdapter<SocialPost> {
  readonly channel = 'social-facebook'
  readonly limits: ChannelLimits = {}
  private readonly base: string

  constructor(private readonly options: FacebookPageAdapterOptions) {
    const version = options.graphVersion ?? 'v25.0'
    this.base = `${(options.graphUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '')}/${version}`
  }

  async send(message: SocialPost, ctx: SendContext): Promise<SendResult> {
    if (message.text.trim() === '') return { kind: 'permanent', deadAddress: false, reason: 'empty text' }
    const length = countUtf16(message.text)
    if (length > POST_LIMITS.facebook) {
      return { kind: 'permanent', deadAddress: false, reason: `text is ${length} characters, Facebook allows ${POST_LIMITS.facebook} (fitText)` }
    }
    const asComment = message.inReplyTo !== undefined && (this.options.replies ?? 'comment') === 'comment'
    const fields = new URLSearchParams({ message: message.text })
    if (!asComment) fields.set('link', message.link)
    fields.set('access_token', this.options.pageAccessToken)
    if (this.options.appSecret) fields.set('appsecret_proof', appSecretProof(this.options.pageAccessToken, this.options.appSecret))
    const node = asComment ? `${encodeURIComponent(message.inReplyTo!)}/comments` : `${encodeURIComponent(this.options.pageId)}/feed`
    const answer = await postHttp(`${this.base}/${node}`, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: fields.toString(),
      timeoutMs: ctx.timeoutMs,
      agent: this.options.agent,
    })
    return mapGraphAnswer(answer)
  }
}

/** Meta's appsecret_proof: hex HMAC-SHA256 of the access token keyed by the app secret. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return crypto.createHmac('sha256', appSecret).update(accessToken).digest('hex')
}

export function mapGraphAnswer(answer: HttpAnswer): SendResult {
  if (answer.kind === 'failed') return answer.result
  const { status, headers, body } = answer
  const parsed = parseJson(body) as { id?: unknown; error?: GraphError } | undefined
  if (status >= 200 && status < 300 && typeof parsed?.id === 'string') return { kind: 'sent', providerMessageId: parsed.id, httpStatus: status }
  const error = parsed?.error
  const code = typeof error?.code === 'number' ? error.code : undefined
  const subcode = typeof error?.error_subcode === 'number' ? `/${error.error_subcode}` : ''
  const reason = error ? `${status} (#${code ?? '?'}${subcode}) ${typeof error.message === 'string' ? error.message : ''}`.trim() : `${status} ${snippet(body)}`.trim()
  if (code !== undefined && (RATE_LIMIT_CODES.has(code) || (code >= 80001 && code <= 80014))) {
    const afterMs = regainAccessMs(headers)
    return { kind: 'retry', reason, httpStatus: status, ...(afterMs !== undefined ? { afterMs } : {}) }
  }
  if (error?.is_transient === true || (code !== undefined && TRANSIENT_CODES.has(code))) return { kind: 'retry', reason, httpStatus: status }
  if (code === undefined && (status >= 500 || status === 408 || (status >= 200 && status < 300))) return { kind: 'retry', reason, httpStatus: status }
  // 190/102 token expired or revoked, 10 and 200–299 permission, 100 bad parameter (or the post a
  // Cancel comments on is gone), 506 duplicate: the same request would fail again. The Page is not
  // "dead": an administrator renews the token or the permission.
  return { kind: 'permanent', deadAddress: false, reason, httpStatus: status }
}

/** the longest estimated_time_to_regain_access (minutes) in X-Business-Use-Case-Usage → ms */
function regainAccessMs(headers: IncomingHttpHeaders): number | undefined {
  const usage = parseJson(header(headers, 'x-business-use-case-usage') ?? '') as Record<string, { estimated_time_to_regain_access?: unknown }[]> | undefined
  if (!usage || typeof usage !== 'object') return undefined
  let minutes: number | undefined
  for (const entries of Object.values(usage)) {
    if (!Array.isArray(entries)) continue
    for (const entry of entries) {
      const m = entry?.estimated_time_to_regain_access
      if (typeof m === 'number' && m > 0) minutes = Math.max(minutes ?? 0, m)
    }
  }
  return minutes === undefined ? undefined : minutes * 60_000
}
