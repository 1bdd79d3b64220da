import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeX, type FakeX } from '#tests/fakes/social/x.ts'
import { XAdapter } from './x.ts'

const NOW = Date.parse('2026-12-04T10:00:00Z')
const now = () => NOW
const CREDENTIALS = {
  consumerKey: 'Qx7sargsConsumerKey01',
  consumerSecret: 'S3cr3tConsumerSecretForSargsJelgava0123456789',
  accessToken: '1600000000000000000-SargsJelgavaAccessToken01',
  accessTokenSecret: 'AccessTokenSecretForTheMunicipality0123456',
}
const LINK = 'https://sargs.jelgava.lv/alerts/7d1f3c52'
const ctx = (timeoutMs = 2000) => ({ idempotencyKey: 'a:social-x:acct', timeoutMs })

describe('XAdapter against the fake X API', () => {
  let x: FakeX
  let adapter: XAdapter

  beforeAll(async () => {
    x = await startFakeX({ ...CREDENTIALS, now })
    adapter = new XAdapter({ ...CREDENTIALS, apiUrl: x.origin, now })
  })
  afterAll(async () => x.close())

  it('POSTs /2/tweets with a JSON body and an OAuth 1.0a HMAC-SHA1 signature the fake verifies', async () => {
    const text = `Plūdi: ūdens līmenis Lielupē ceļas. Dodieties uz augstāku vietu.\n\n${LINK}`
    const result = await adapter.send({ text, link: LINK, language: 'lv' }, ctx())

    const request = x.requests.at(-1)!
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/2/tweets')
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(request.body)),
    })
    expect(request.headers.authorization).toMatch(
      new RegExp(
        '^OAuth oauth_consumer_key="Qx7sargsConsumerKey01", oauth_nonce="[A-Za-z0-9]+", oauth_signature="[A-Za-z0-9%]+", ' +
          `oauth_signature_method="HMAC-SHA1", oauth_timestamp="${NOW / 1000}", oauth_token="${CREDENTIALS.accessToken}", oauth_version="1.0"$`,
      ),
    )
    expect(JSON.parse(request.body)).toEqual({ text })

    const post = x.posts.at(-1)!
    expect(result).toEqual({ kind: 'sent', providerMessageId: post.id, httpStatus: 201 })
    expect(post).toMatchObject({ text, inReplyToId: null })
  })

  it('a Cancel replies to the original post (reply.in_reply_to_tweet_id), Russian byte for byte', async () => {
    const original = await adapter.send({ text: `Наводнение в Елгаве.\n\n${LINK}`, link: LINK, language: 'ru' }, ctx())
    const originalId = original.kind === 'sent' ? original.providerMessageId! : ''
    const cancelText = `Отмена: угроза наводнения миновала — ёжик, щука, эхо.\n\n${LINK}`
    const cancel = await adapter.send({ text: cancelText, link: LINK, inReplyTo: originalId, language: 'ru' }, ctx())

    expect(JSON.parse(x.requests.at(-1)!.body)).toEqual({ text: cancelText, reply: { in_reply_to_tweet_id: originalId } })
    expect(cancel.kind).toBe('sent')
    const reply = x.posts.at(-1)!
    expect(reply.inReplyToId).toBe(originalId)
    expect(Buffer.from(reply.text, 'utf8').equals(Buffer.from(cancelText, 'utf8'))).toBe(true)
  })

  it('a wrong secret makes a signature the fake refuses: 401 is permanent', async () => {
    const forged = new XAdapter({ ...CREDENTIALS, consumerSecret: 'not-the-secret', apiUrl: x.origin, now })
    expect(await forged.send({ text: 'x1', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'permanent',
      deadAddress: false,
      httpStatus: 401,
      reason: '401 Unauthorized',
    })
    const late = new XAdapter({ ...CREDENTIALS, apiUrl: x.origin, now: () => NOW - 10 * 60_000 })
    expect(await late.send({ text: 'x2', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'permanent', httpStatus: 401 })
  })

  it('429: retry after x-rate-limit-reset (epoch seconds), or after the 24-hour limit when that one is spent', async () => {
    x.fault({ kind: 'rate-limit', seconds: 600 })
    expect(await adapter.send({ text: 'x3', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'retry',
      afterMs: 600_000,
      httpStatus: 429,
      reason: '429 Too Many Requests',
    })
    x.fault({
      kind: 'status',
      status: 429,
      headers: {
        'x-rate-limit-remaining': '40',
        'x-rate-limit-reset': String(NOW / 1000 + 60),
        'x-user-limit-24hour-remaining': '0',
        'x-user-limit-24hour-reset': String(NOW / 1000 + 7200),
      },
    })
    expect(await adapter.send({ text: 'x4', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'retry', afterMs: 7_200_000 })
  })

  it('403 duplicate content and a reply to a deleted post are permanent; 503 and a hang are retries', async () => {
    const same = { text: `Tas pats teksts.\n\n${LINK}`, link: LINK, language: 'lv' }
    expect((await adapter.send(same, ctx())).kind).toBe('sent')
    expect(await adapter.send(same, ctx())).toEqual({
      kind: 'permanent',
      deadAddress: false,
      httpStatus: 403,
      reason: '403 You are not allowed to create a Tweet with duplicate content.',
    })
    expect(await adapter.send({ text: 'x5', link: LINK, inReplyTo: '1', language: 'lv' }, ctx())).toMatchObject({
      kind: 'permanent',
      httpStatus: 403,
      reason: expect.stringContaining('deleted or not visible'),
    })
    x.fault({ kind: 'status', status: 503 })
    expect(await adapter.send({ text: 'x6', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'retry', httpStatus: 503 })
    x.fault({ kind: 'hang' })
    expect(await adapter.send({ text: 'x7', link: LINK, language: 'lv' }, ctx(300))).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })
  })

  it('refuses a text over 280 weighted characters before sending (CJK weighs 2), accepts one at exactly 280', async () => {
    const requests = x.requests.length
    const tooLong = `${'洪'.repeat(129)}\n\n${LINK}` // 258 + 2 + 23 = 283
    expect(await adapter.send({ text: tooLong, link: LINK, language: 'zh' }, ctx())).toEqual({
      kind: 'permanent',
      deadAddress: false,
      reason: 'text weighs 283, X allows 280 (fitText)',
    })
    expect(x.requests.length).toBe(requests)
    const exact = `${'ž'.repeat(255)}\n\n${LINK}` // 255 + 2 + 23 = 280
    expect(await adapter.send({ text: exact, link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'sent', httpStatus: 201 })
  })
})
