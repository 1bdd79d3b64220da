import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeFacebook, type FakeFacebook } from '#tests/fakes/social/facebook.ts'
import { appSecretProof, FacebookPageAdapter } from './facebook.ts'

const PAGE = '104729384756123'
const TOKEN = 'EAAGm0PX4ZCpsBAExampleLongLivedPageToken'
const SECRET = 'c0ffee5ecret'
const LINK = 'https://sargs.jelgava.lv/alerts/7d1f3c52'
const ctx = (timeoutMs = 2000) => ({ idempotencyKey: 'a:social-facebook:page', timeoutMs })

describe('FacebookPageAdapter against the fake Graph API', () => {
  let facebook: FakeFacebook
  let adapter: FacebookPageAdapter

  beforeAll(async () => {
    facebook = await startFakeFacebook({ pageId: PAGE, pageAccessToken: TOKEN, appSecret: SECRET })
    adapter = new FacebookPageAdapter({ pageId: PAGE, pageAccessToken: TOKEN, appSecret: SECRET, graphUrl: facebook.origin })
  })
  afterAll(async () => facebook.close())

  it('POSTs /v25.0/{page-id}/feed form-encoded: message, link, access_token and appsecret_proof', async () => {
    const text = `Plūdi: ūdens līmenis Lielupē ceļas. Dodieties uz augstāku vietu.\n\n${LINK}`
    const result = await adapter.send({ text, link: LINK, language: 'lv' }, ctx())

    const request = facebook.requests.at(-1)!
    expect(request.method).toBe('POST')
    expect(request.url).toBe(`/v25.0/${PAGE}/feed`)
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(request.body)),
    })
    const proof = appSecretProof(TOKEN, SECRET)
    expect(request.body).toBe(new URLSearchParams({ message: text, link: LINK, access_token: TOKEN, appsecret_proof: proof }).toString())
    expect(proof).toMatch(/^[0-9a-f]{64}$/)

    const post = facebook.posts.at(-1)!
    expect(result).toEqual({ kind: 'sent', providerMessageId: post.id, httpStatus: 200 })
    expect(post).toMatchObject({ kind: 'post', message: text, link: LINK, version: 'v25.0' })
    expect(post.id).toMatch(new RegExp(`^${PAGE}_\\d+$`))
  })

  it('a Cancel is a comment on the original post (POST /{post-id}/comments), Russian byte for byte', async () => {
    const original = await adapter.send({ text: `Наводнение в Елгаве.\n\n${LINK}`, link: LINK, language: 'ru' }, ctx())
    const originalId = original.kind === 'sent' ? original.providerMessageId! : ''
    const cancelText = `Отмена: угроза наводнения миновала — ёжик, щука, эхо.\n\n${LINK}`
    const cancel = await adapter.send({ text: cancelText, link: LINK, inReplyTo: originalId, language: 'ru' }, ctx())

    const request = facebook.requests.at(-1)!
    expect(request.url).toBe(`/v25.0/${originalId}/comments`)
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({ message: cancelText, access_token: TOKEN, appsecret_proof: appSecretProof(TOKEN, SECRET) })
    const comment = facebook.posts.at(-1)!
    expect(cancel).toEqual({ kind: 'sent', providerMessageId: comment.id, httpStatus: 200 })
    expect(comment).toMatchObject({ kind: 'comment', parentId: originalId })
    expect(Buffer.from(comment.message, 'utf8').equals(Buffer.from(cancelText, 'utf8'))).toBe(true)
  })

  it("with replies: 'feed' a Cancel is a new Page post with the link", async () => {
    const feedReplies = new FacebookPageAdapter({ pageId: PAGE, pageAccessToken: TOKEN, appSecret: SECRET, graphUrl: facebook.origin, replies: 'feed' })
    const result = await feedReplies.send({ text: `Atcelts.\n\n${LINK}`, link: LINK, inReplyTo: `${PAGE}_1`, language: 'lv' }, ctx())
    expect(result.kind).toBe('sent')
    expect(facebook.requests.at(-1)!.url).toBe(`/v25.0/${PAGE}/feed`)
    expect(facebook.posts.at(-1)).toMatchObject({ kind: 'post', link: LINK })
  })

  it('rate limits (codes 32, 4, 17, 613) retry after X-Business-Use-Case-Usage estimated_time_to_regain_access minutes', async () => {
    facebook.fault({ kind: 'rate-limit', seconds: 300 })
    expect(await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'retry',
      afterMs: 5 * 60_000,
      httpStatus: 400,
      reason: '400 (#32) Page request limit reached',
    })
    for (const code of [4, 17, 613]) {
      facebook.fault({ kind: 'rate-limit', seconds: 60, code })
      expect(await adapter.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'retry', afterMs: 60_000 })
    }
  })

  it('maps 190 (token), a wrong appsecret_proof, 100/33 (gone post) and 506 (duplicate) to permanent; transient 5xx to retry', async () => {
    const expired = new FacebookPageAdapter({ pageId: PAGE, pageAccessToken: 'EAAexpired', appSecret: SECRET, graphUrl: facebook.origin })
    expect(await expired.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toEqual({
      kind: 'permanent',
      deadAddress: false,
      httpStatus: 400,
      reason: '400 (#190) Invalid OAuth access token - Cannot parse access token',
    })
    const wrongSecret = new FacebookPageAdapter({ pageId: PAGE, pageAccessToken: TOKEN, appSecret: 'other', graphUrl: facebook.origin })
    expect(await wrongSecret.send({ text: 'x', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('appsecret_proof') })
    expect(await adapter.send({ text: 'x', link: LINK, inReplyTo: `${PAGE}_999999`, language: 'lv' }, ctx())).toMatchObject({
      kind: 'permanent',
      deadAddress: false,
      reason: expect.stringMatching(/^400 \(#100\/33\) Unsupported post request/),
    })
    const same = { text: `Tas pats teksts.\n\n${LINK}`, link: LINK, language: 'lv' }
    expect((await adapter.send(same, ctx())).kind).toBe('sent')
    expect(await adapter.send(same, ctx())).toMatchObject({ kind: 'permanent', deadAddress: false, reason: '400 (#506/1455006) Duplicate status message' })

    facebook.fault({ kind: 'status', status: 500 })
    expect(await adapter.send({ text: 'y', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'retry', httpStatus: 500 })
    facebook.fault({ kind: 'status', status: 502, body: '<html>Bad Gateway</html>' })
    expect(await adapter.send({ text: 'z', link: LINK, language: 'lv' }, ctx())).toMatchObject({ kind: 'retry', httpStatus: 502 })
  })

  it('a hanging Graph API is a retry after the timeout', async () => {
    facebook.fault({ kind: 'hang' })
    expect(await adapter.send({ text: 'h', link: LINK, language: 'lv' }, ctx(300))).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })
  })
})
