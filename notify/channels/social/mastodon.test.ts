import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeMastodon, type FakeMastodon } from '#tests/fakes/social/mastodon.ts'
import { MastodonAdapter } from './mastodon.ts'

const NOW = Date.parse('2026-12-04T10:00:00Z')
const now = () => NOW
const LINK = 'https://sargs.jelgava.lv/alerts/7d1f3c52'
const ctx = (key: string, timeoutMs = 2000) => ({ idempotencyKey: key, timeoutMs })

describe('MastodonAdapter against the fake Mastodon instance', () => {
  let mastodon: FakeMastodon
  let adapter: MastodonAdapter

  beforeAll(async () => {
    mastodon = await startFakeMastodon({ accessToken: 'tok-123', username: 'jelgava', now })
    adapter = new MastodonAdapter({ instanceUrl: mastodon.origin, accessToken: 'tok-123', now })
  })
  afterAll(async () => mastodon.close())

  it('POSTs /api/v1/statuses with the Bearer token, the Idempotency-Key and a JSON body; returns the status id', async () => {
    const text = `Plūdi: ūdens līmenis Lielupē ceļas. Dodieties uz augstāku vietu.\n\n${LINK}`
    const result = await adapter.send({ text, link: LINK, language: 'lv' }, ctx('alert-1:social-mastodon:acct'))

    const request = mastodon.requests.at(-1)!
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/v1/statuses')
    expect(request.headers).toMatchObject({
      authorization: 'Bearer tok-123',
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': 'alert-1:social-mastodon:acct',
      'content-length': String(Buffer.byteLength(request.body)),
    })
    expect(JSON.parse(request.body)).toEqual({ status: text, visibility: 'public', language: 'lv' })

    const posted = mastodon.statuses.at(-1)!
    expect(result).toEqual({ kind: 'sent', providerMessageId: posted.id, httpStatus: 200 })
    expect(posted).toMatchObject({ text, language: 'lv', visibility: 'public', inReplyToId: null })
  })

  it('a Cancel replies to the original status (in_reply_to_id), in Russian, byte for byte', async () => {
    const original = await adapter.send({ text: `Наводнение в Елгаве.\n\n${LINK}`, link: LINK, language: 'ru' }, ctx('a2:orig'))
    expect(original.kind).toBe('sent')
    const originalId = original.kind === 'sent' ? original.providerMessageId! : ''
    const cancelText = `Отмена: угроза наводнения миновала. Спасибо за терпение — ёжик, щука, эхо.\n\n${LINK}`
    const cancel = await adapter.send({ text: cancelText, link: LINK, inReplyTo: originalId, language: 'ru-RU' }, ctx('a2:cancel'))

    expect(JSON.parse(mastodon.requests.at(-1)!.body)).toEqual({ status: cancelText, visibility: 'public', language: 'ru', in_reply_to_id: originalId })
    expect(cancel.kind).toBe('sent')
    const reply = mastodon.statuses.at(-1)!
    expect(reply.inReplyToId).toBe(originalId)
    expect(Buffer.from(reply.text, 'utf8').equals(Buffer.from(cancelText, 'utf8'))).toBe(true)
  })

  it('the same idempotency key twice makes one status: the retry gets the first one back', async () => {
    const before = mastodon.statuses.length
    const message = { text: `Atkārtots mēģinājums.\n\n${LINK}`, link: LINK, language: 'lv' }
    const first = await adapter.send(message, ctx('a3:key'))
    const second = await adapter.send(message, ctx('a3:key'))
    expect(second).toEqual(first)
    expect(mastodon.statuses.length).toBe(before + 1)
  })

  it('an answer lost after the post was taken: the timeout is a retry, and the retry does not post twice', async () => {
    const before = mastodon.statuses.length
    mastodon.fault({ kind: 'accept-then-hang' })
    const message = { text: `Atbilde pazuda.\n\n${LINK}`, link: LINK, language: 'lv' }
    const lost = await adapter.send(message, ctx('a4:key', 300))
    expect(lost).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })
    expect(mastodon.statuses.length).toBe(before + 1)
    const retried = await adapter.send(message, ctx('a4:key'))
    expect(retried).toEqual({ kind: 'sent', providerMessageId: mastodon.statuses.at(-1)!.id, httpStatus: 200 })
    expect(mastodon.statuses.length).toBe(before + 1)
  })

  it('a hanging instance is a retry after ctx.timeoutMs', async () => {
    mastodon.fault({ kind: 'hang' })
    const result = await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx('a5', 300))
    expect(result).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })
  })

  it('429: retry after X-RateLimit-Reset (an ISO 8601 time)', async () => {
    mastodon.fault({ kind: 'rate-limit', seconds: 90 })
    const result = await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx('a6'))
    expect(result).toEqual({ kind: 'retry', afterMs: 90_000, httpStatus: 429, reason: '429 Too many requests' })
    expect(mastodon.requests.at(-1)!.headers['idempotency-key']).toBe('a6')
  })

  it('maps 401 (token), 422 (validation) and 404 (reply target gone) to permanent; 5xx to retry', async () => {
    const wrongToken = new MastodonAdapter({ instanceUrl: mastodon.origin, accessToken: 'revoked', now })
    expect(await wrongToken.send({ text: 'x', link: LINK, language: 'lv' }, ctx('b1'))).toEqual({
      kind: 'permanent',
      deadAddress: false,
      httpStatus: 401,
      reason: '401 The access token is invalid',
    })
    const small = new MastodonAdapter({ instanceUrl: mastodon.origin, accessToken: 'tok-123', maxCharacters: 1000, now })
    mastodon.maxCharacters = 20
    expect(await small.send({ text: 'ā'.repeat(30), link: LINK, language: 'lv' }, ctx('b2'))).toEqual({
      kind: 'permanent',
      deadAddress: false,
      httpStatus: 422,
      reason: '422 Validation failed: Text character limit of 20 exceeded',
    })
    mastodon.maxCharacters = 500
    expect(await adapter.send({ text: 'x', link: LINK, inReplyTo: '999', language: 'lv' }, ctx('b3'))).toMatchObject({
      kind: 'permanent',
      deadAddress: false,
      httpStatus: 404,
    })
    mastodon.fault({ kind: 'status', status: 503 })
    expect(await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx('b4'))).toMatchObject({ kind: 'retry', httpStatus: 503 })
  })

  it('refuses a text over the limit before sending (nothing is cut silently), and retries a dead instance', async () => {
    const requests = mastodon.requests.length
    const result = await adapter.send({ text: 'ā'.repeat(501), link: LINK, language: 'lv' }, ctx('c1'))
    expect(result).toEqual({ kind: 'permanent', deadAddress: false, reason: 'text is 501 characters, Mastodon allows 500 (fitText)' })
    expect(mastodon.requests.length).toBe(requests)

    const gone = new MastodonAdapter({ instanceUrl: 'http://127.0.0.1:1', accessToken: 'x', now })
    const network = await gone.send({ text: 'x', link: LINK, language: 'lv' }, ctx('c2'))
    expect(network.kind).toBe('retry')
    expect(network.kind === 'retry' && network.reason).toMatch(/^network: .*ECONNREFUSED/)
  })
})
