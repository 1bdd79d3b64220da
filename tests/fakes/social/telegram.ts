// A fake Telegram Bot API on 127.0.0.1: POST /bot<token>/sendMessage as api.telegram.org answers
// it. The bot token is in the path (401 Unauthorized otherwise); chat_id is '@username' or the
// numeric id of a channel it knows (400 chat not found), where the bot must be an administrator
// (403 bot is not a member); text 1–4096 UTF-16 code units (400 message is too long);
// reply_parameters.message_id (or the older reply_to_message_id) must be a message of that chat
// unless allow_sending_without_reply. Answers {ok:true,result:Message} or
// {ok:false,error_code,description,parameters?}; a rate limit is 429 with parameters.retry_after.
//
//   const telegram = await startFakeTelegram({ botToken, channels: [{ id: -1001234567890, username: 'jelgava_alerts' }] })
//   new TelegramAdapter({ botToken, chatId: '@jelgava_alerts', apiUrl: telegram.origin })
//   telegram.messages                // every message sent, with its reply link
import { bodyFields, startFakeServer, type FakeServer, type RecordedRequest, type Reply } from './fake-server.ts'

export type FakeTelegramChannel = { id: number; username?: string; title?: string; botIsMember?: boolean }

export type FakeTelegramMessage = {
  chatId: number
  messageId: number
  text: string
  replyToMessageId: number | null
  linkPreviewUrl?: string
  linkPreviewDisabled: boolean
  date: number
}

export type FakeTelegram = FakeServer & { messages: FakeTelegramMessage[]; channels: FakeTelegramChannel[] }

export type FakeTelegramOptions = { botToken: string; channels: FakeTelegramChannel[]; now?: () => number }

export async function startFakeTelegram(options: FakeTelegramOptions): Promise<FakeTelegram> {
  const now = options.now ?? Date.now
  const channels = options.channels.map((c) => ({ botIsMember: true, ...c }))
  const messages: FakeTelegramMessage[] = []
  const nextId = new Map<number, number>()

  const fail = (code: number, description: string, parameters?: Record<string, unknown>): Reply => ({
    status: code,
    body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
  })

  function route(request: RecordedRequest): Reply {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.url)
    if (!match) return fail(404, 'Not Found')
    if (match[1] !== options.botToken) return fail(401, 'Unauthorized')
    if (match[2] !== 'sendMessage') return fail(404, 'Not Found')
    if (request.method !== 'POST' && request.method !== 'GET') return fail(405, 'Method Not Allowed')
    const fields = bodyFields(request)
    if (!fields) return fail(400, "Bad Request: can't parse JSON object")

    const chatId = fields.chat_id
    if (chatId === undefined || chatId === '') return fail(400, 'Bad Request: chat_id is empty')
    const chat = channels.find((c) => (typeof chatId === 'string' && chatId.startsWith('@') ? `@${c.username}` === chatId : String(c.id) === String(chatId)))
    if (!chat) return fail(400, 'Bad Request: chat not found')
    if (!chat.botIsMember) return fail(403, 'Forbidden: bot is not a member of the channel chat')

    const text = typeof fields.text === 'string' ? fields.text : ''
    if (text.trim() === '') return fail(400, 'Bad Request: message text is empty')
    if (text.length > 4096) return fail(400, 'Bad Request: message is too long')

    const replyParameters = objectField(fields.reply_parameters) as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined
    const replyTo = replyParameters?.message_id ?? fields.reply_to_message_id
    let replyToMessageId: number | null = null
    if (replyTo !== undefined) {
      const target = messages.find((m) => m.chatId === chat.id && m.messageId === Number(replyTo))
      const allowWithout = replyParameters?.allow_sending_without_reply === true || fields.allow_sending_without_reply === true
      if (!target && !allowWithout) return fail(400, 'Bad Request: message to be replied not found')
      replyToMessageId = target ? target.messageId : null
    }
    const preview = objectField(fields.link_preview_options) as { url?: unknown; is_disabled?: unknown } | undefined

    const messageId = (nextId.get(chat.id) ?? 0) + 1
    nextId.set(chat.id, messageId)
    const message: FakeTelegramMessage = {
      chatId: chat.id,
      messageId,
      text,
      replyToMessageId,
      linkPreviewDisabled: preview?.is_disabled === true || fields.disable_web_page_preview === true,
      date: Math.floor(now() / 1000),
      ...(typeof preview?.url === 'string' ? { linkPreviewUrl: preview.url } : {}),
    }
    messages.push(message)
    const chatJson = { id: chat.id, title: chat.title ?? chat.username ?? 'channel', ...(chat.username ? { username: chat.username } : {}), type: 'channel' }
    const replied = replyToMessageId === null ? undefined : messages.find((m) => m.chatId === chat.id && m.messageId === replyToMessageId)
    return {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id: messageId,
          sender_chat: chatJson,
          chat: chatJson,
          date: message.date,
          text,
          ...(replied ? { reply_to_message: { message_id: replied.messageId, chat: chatJson, date: replied.date, text: replied.text } } : {}),
          ...(preview ? { link_preview_options: preview } : {}),
        },
      },
    }
  }

  const server = await startFakeServer(
    {
      route,
      rateLimited: (seconds) => fail(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds }),
      failure: (status) => (status >= 500 ? { status, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' } : fail(status, `Error ${status}`)),
    },
    now,
  )
  return Object.assign(server, { messages, channels })
}

/** a JSON object field, also when a form-encoded request carries it as a JSON string */
function objectField(value: unknown): Record<string, unknown> | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as unknown
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}
