// Telegram channel: one message from the municipality's bot (an administrator of the channel),
// POST https://api.telegram.org/bot<token>/sendMessage with a JSON body
// { chat_id: '@channel' or -100…, text, link_preview_options: { url: link },
//   reply_parameters: { message_id, allow_sending_without_reply: true } }.
// Plain text (no parse_mode), so nothing in an alert can break Markdown/HTML parsing. A Cancel
// replies to the original message; if that was deleted it still goes out (allow_sending_without_reply).
// The Bot API has no idempotency key: a retry after a lost answer can post twice (decision 017).
//
//   new TelegramAdapter({ botToken: '123456:ABC…', chatId: '@jelgava_alerts' })
//   send({ text, link, inReplyTo?, language }, ctx)
//     → sent { providerMessageId: String(message_id) }
//     → retry { afterMs: parameters.retry_after × 1000 } on 429; 5xx, timeouts, network errors
//     → permanent, deadAddress on 403 (bot removed from / not admin of the channel), 400 chat not
//       found, and a group that migrated (parameters.migrate_to_chat_id); permanent on 401 (token)
//       and other 4xx
import type http from 'node:http'
import { parseRetryAfter, type ChannelAdapter, type ChannelLimits, type SendContext, type SendResult } from '../contract.ts'
import { countUtf16, POST_LIMITS } from './fit-text.ts'
import { parseJson, postHttp, snippet, type HttpAnswer, type SocialPost } from './social-post.ts'

export type TelegramAdapterOptions = {
  /** the bot's token from @BotFather ("123456:ABC…"); it goes into the request path */
  botToken: string
  /** '@channelusername' or the numeric chat id (-100…) */
  chatId: string | number
  /** default https://api.telegram.org (the fake's origin in tests, or a local Bot API server) */
  apiUrl?: string
  /** show the alert page's preview under the text (default true) */
  linkPreview?: boolean
  agent?: http.Agent
}

type TelegramAnswer = {
  ok?: boolean
  result?: { message_id?: unknown }
  error_code?: unknown
  description?: unknown
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown }
}

export class TelegramAdapter implements ChannelAdapter<SocialPost> {
  readonly channel = 'social-telegram'
  /** Telegram's FAQ: a bot sends at most about 20 messages a minute to one group or channel */
  readonly limits: ChannelLimits = { ratePerSecond: 20 / 60 }
  private readonly url: string

  constructor(private readonly options: TelegramAdapterOptions) {
    this.url = `${(options.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '')}/bot${options.botToken}/sendMessage`
  }

  async send(message: SocialPost, ctx: SendContext): Promise<SendResult> {
    if (message.text.trim() === '') return { kind: 'permanent', deadAddress: false, reason: 'empty text' }
    const length = countUtf16(message.text)
    if (length > POST_LIMITS.telegram) {
      return { kind: 'permanent', deadAddress: false, reason: `text is ${length} UTF-16 units, Telegram allows ${POST_LIMITS.telegram} (fitText)` }
    }
    const body: Record<string, unknown> = {
      chat_id: this.options.chatId,
      text: message.text,
      link_preview_options: this.options.linkPreview === false ? { is_disabled: true } : { url: message.link },
    }
    // our own earlier message_id; anything else is not a Telegram message id and is not sent
    if (message.inReplyTo && /^\d+$/.test(message.inReplyTo)) {
      body.reply_parameters = { message_id: Number(message.inReplyTo), allow_sending_without_reply: true }
    }
    const answer = await postHttp(this.url, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: ctx.timeoutMs,
      agent: this.options.agent,
    })
    return mapTelegramAnswer(answer)
  }
}

export function mapTelegramAnswer(answer: HttpAnswer): SendResult {
  if (answer.kind === 'failed') return answer.result
  const { status, headers, body } = answer
  const parsed = parseJson(body) as TelegramAnswer | undefined
  if (parsed?.ok === true) {
    const id = parsed.result?.message_id
    if (typeof id !== 'number') return { kind: 'retry', reason: `${status} without a message_id`, httpStatus: status }
    return { kind: 'sent', providerMessageId: String(id), httpStatus: status }
  }
  const code = typeof parsed?.error_code === 'number' ? parsed.error_code : status
  const description = typeof parsed?.description === 'string' ? parsed.description : snippet(body)
  const reason = `${code} ${description}`.trim()
  if (code === 429) {
    const seconds = parsed?.parameters?.retry_after
    const afterMs = typeof seconds === 'number' ? seconds * 1000 : parseRetryAfter(headers['retry-after'])
    return { kind: 'retry', reason, httpStatus: status, ...(afterMs !== undefined ? { afterMs } : {}) }
  }
  if (code >= 500 || status >= 500 || !parsed) return { kind: 'retry', reason, httpStatus: status }
  const migratedTo = parsed.parameters?.migrate_to_chat_id
  if (migratedTo !== undefined) {
    return { kind: 'permanent', deadAddress: true, reason: `${reason} (the chat is now ${String(migratedTo)})`, httpStatus: status }
  }
  // 403: the bot was removed from the channel or is not its administrator; 400 "chat not found":
  // no such channel. Telegram says which only in the description, so it is read here only to
  // tell a gone address from another bad request; both are permanent either way.
  const deadAddress = code === 403 || (code === 400 && /chat not found/i.test(description))
  return { kind: 'permanent', deadAddress, reason, httpStatus: status }
}
