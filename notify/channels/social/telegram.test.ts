import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeTelegram, type FakeTelegram } from '#tests/fakes/social/telegram.ts'
import { TelegramAdapter } from './telegram.ts'

const TOKEN = '7012345678:AAHk3vZ-q9Xw_example_token_0123456789'
const CHANNEL = { id: -1001234567890, username: 'jelgava_alerts', title: 'Jelgavas brīdinājumi' }
const LINK = 'https://sargs.jelgava.lv/alerts/7d1f3c52'
const ctx = (timeoutMs = 2000) => ({ idempotencyKey: 'a:social-telegram:jelgava', timeoutMs })

describe('TelegramAdapter against the fake Bot API', () => {
  let telegram: FakeTelegram
  let adapter: TelegramAdapter

  beforeAll(async () => {
    telegram = await startFakeTelegram({ botToken: TOKEN, channels: [CHANNEL, { id: -1009, username: 'kicked', botIsMember: false }] })
    adapter = new TelegramAdapter({ botToken: TOKEN, chatId: '@jelgava_alerts', apiUrl: telegram.origin })
  })
  afterAll(async () => telegram.close())

  it('POSTs /bot<token>/sendMessage with chat_id, plain text and the alert page as link preview', async () => {
    const text = `Plūdi: ūdens līmenis Lielupē ceļas. Dodieties uz augstāku vietu.\n\n${LINK}`
    const result = await adapter.send({ text, link: LINK, language: 'lv' }, ctx())

    const request = telegram.requests.at(-1)!
    expect(request.method).toBe('POST')
    expect(request.url).toBe(`/bot${TOKEN}/sendMessage`)
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(request.body)),
    })
    expect(request.headers.authorization).toBeUndefined()
    expect(JSON.parse(request.body)).toEqual({ chat_id: '@jelgava_alerts', text, link_preview_options: { url: LINK } })

    const sent = telegram.messages.at(-1)!
    expect(result).toEqual({ kind: 'sent', providerMessageId: String(sent.messageId), httpStatus: 200 })
    expect(sent).toMatchObject({ chatId: CHANNEL.id, text, replyToMessageId: null, linkPreviewUrl: LINK })
  })

  it('a Cancel replies to the original message (reply_parameters), Russian text byte for byte', async () => {
    const numeric = new TelegramAdapter({ botToken: TOKEN, chatId: CHANNEL.id, apiUrl: telegram.origin })
    const original = await numeric.send({ text: `Наводнение в Елгаве.\n\n${LINK}`, link: LINK, language: 'ru' }, ctx())
    const originalId = original.kind === 'sent' ? original.providerMessageId! : ''
    const cancelText = `Отмена: угроза наводнения миновала — ёжик, щука, эхо.\n\n${LINK}`
    const cancel = await numeric.send({ text: cancelText, link: LINK, inReplyTo: originalId, language: 'ru' }, ctx())

    expect(JSON.parse(telegram.requests.at(-1)!.body)).toEqual({
      chat_id: CHANNEL.id,
      text: cancelText,
      link_preview_options: { url: LINK },
      reply_parameters: { message_id: Number(originalId), allow_sending_without_reply: true },
    })
    expect(cancel.kind).toBe('sent')
    const reply = telegram.messages.at(-1)!
    expect(reply.replyToMessageId).toBe(Number(originalId))
    expect(Buffer.from(reply.text, 'utf8').equals(Buffer.from(cancelText, 'utf8'))).toBe(true)
  })

  it('a Cancel whose original was deleted still goes out, without the reply link', async () => {
    const result = await adapter.send({ text: 'Atcelts.', link: LINK, inReplyTo: '424242', language: 'lv' }, ctx())
    expect(result.kind).toBe('sent')
    expect(telegram.messages.at(-1)!.replyToMessageId).toBeNull()
  })

  it('429: retry after parameters.retry_after seconds', async () => {
    telegram.fault({ kind: 'rate-limit', seconds: 35 })
    expect(await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'retry',
      afterMs: 35_000,
      httpStatus: 429,
      reason: '429 Too Many Requests: retry after 35',
    })
  })

  it('a channel that does not exist or that removed the bot is a dead address; a wrong token is permanent', async () => {
    const unknown = new TelegramAdapter({ botToken: TOKEN, chatId: '@no_such_channel', apiUrl: telegram.origin })
    expect(await unknown.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'permanent',
      deadAddress: true,
      httpStatus: 400,
      reason: '400 Bad Request: chat not found',
    })
    const kicked = new TelegramAdapter({ botToken: TOKEN, chatId: '@kicked', apiUrl: telegram.origin })
    expect(await kicked.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'permanent',
      deadAddress: true,
      httpStatus: 403,
      reason: '403 Forbidden: bot is not a member of the channel chat',
    })
    const wrongToken = new TelegramAdapter({ botToken: '1:wrong', chatId: '@jelgava_alerts', apiUrl: telegram.origin })
    expect(await wrongToken.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'permanent',
      deadAddress: false,
      httpStatus: 401,
      reason: '401 Unauthorized',
    })
  })

  it('a group that migrated to a supergroup is a dead address naming the new chat', async () => {
    telegram.fault({
      kind: 'status',
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1005555 } },
    })
    expect(await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toMatchObject({
      kind: 'permanent',
      deadAddress: true,
      reason: expect.stringContaining('-1005555'),
    })
  })

  it('a 502 HTML page from the proxy and a hang are retries; a text over 4096 UTF-16 units is refused before sending', async () => {
    telegram.fault({ kind: 'status', status: 502 })
    expect(await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'retry', httpStatus: 502 })
    telegram.fault({ kind: 'hang' })
    expect(await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx(300))).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })

    const requests = telegram.requests.length
    // 2048 emoji are 2048 characters a person sees but 4096 UTF-16 units; one more is too long
    expect((await adapter.send({ text: '🌊'.repeat(2049), link: LINK, language: 'lv' }, ctx())).kind).toBe('permanent')
    expect(telegram.requests.length).toBe(requests)
    expect((await adapter.send({ text: '🌊'.repeat(2048), link: LINK, language: 'lv' }, ctx())).kind).toBe('sent')
  })
})
