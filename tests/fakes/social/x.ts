// A fake X API v2 on 127.0.0.1: POST /2/tweets as api.x.com answers it, with OAuth 1.0a user
// context verified like the real API: the Authorization header's HMAC-SHA1 signature is
// recomputed here (its own RFC 5849 code, not the adapter's), the consumer key and access token
// must be known, the timestamp within 5 minutes and the nonce unused (401 otherwise). JSON body
// { text, reply: { in_reply_to_tweet_id } }: text weighted like twitter-text (400 when too long),
// a reply to an unknown post is 403, the same text as an earlier post is 403 duplicate content.
// Answers 201 {data:{id,text,edit_history_tweet_ids}} with URLs turned into t.co links; problems
// are {title,detail,type,status}; a rate limit is 429 with x-rate-limit-reset (epoch seconds).
//
//   const x = await startFakeX({ consumerKey, consumerSecret, accessToken, accessTokenSecret })
//   new XAdapter({ …same credentials, apiUrl: x.origin })
//   x.posts                          // every post, with its reply link
import crypto from 'node:crypto'
import { countX } from '#notify/channels/social/fit-text.ts'
import { bodyFields, headerOf, snowflake, startFakeServer, type FakeServer, type RecordedRequest, type Reply } from './fake-server.ts'

export type FakeXPost = { id: string; text: string; inReplyToId: string | null; oauth: Record<string, string> }

export type FakeX = FakeServer & {
  posts: FakeXPost[]
  /** the weighted limit: 280, or 25 000 for a Premium account */
  maxWeightedLength: number
}

export type FakeXOptions = {
  consumerKey: string
  consumerSecret: string
  accessToken: string
  accessTokenSecret: string
  now?: () => number
}

const TIMESTAMP_WINDOW_S = 300

export async function startFakeX(options: FakeXOptions): Promise<FakeX> {
  const now = options.now ?? Date.now
  const posts: FakeXPost[] = []
  const nonces = new Set<string>()
  let sequence = 0

  const problem = (status: number, title: string, detail: string, type = 'about:blank', headers?: Record<string, string>): Reply => ({
    status,
    headers,
    body: { title, detail, type, status },
  })
  const unauthorized = () => problem(401, 'Unauthorized', 'Unauthorized')

  function route(request: RecordedRequest): Reply {
    if (request.method !== 'POST' || request.url.split('?')[0] !== '/2/tweets') return problem(404, 'Not Found Error', 'Could not find the requested resource')
    const oauth = verifyOAuth(request)
    if (!oauth) return unauthorized()
    if (!String(headerOf(request, 'content-type') ?? '').startsWith('application/json')) {
      return problem(415, 'Unsupported Media Type', 'Content-Type must be application/json')
    }
    const fields = bodyFields(request)
    if (!fields) return problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.', 'https://api.twitter.com/2/problems/invalid-request')
    const text = typeof fields.text === 'string' ? fields.text : ''
    if (text === '') return problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.', 'https://api.twitter.com/2/problems/invalid-request')
    if (countX(text) > fake.maxWeightedLength) return problem(400, 'Invalid Request', 'Your Tweet text is too long.', 'https://api.twitter.com/2/problems/invalid-request')
    const reply = fields.reply as { in_reply_to_tweet_id?: unknown } | undefined
    const inReplyToId = reply?.in_reply_to_tweet_id === undefined ? null : String(reply.in_reply_to_tweet_id)
    if (inReplyToId !== null && !posts.some((p) => p.id === inReplyToId)) {
      return problem(403, 'Forbidden', 'You attempted to reply to a Tweet that is deleted or not visible to you.')
    }
    if (posts.some((p) => p.text === text)) return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.')

    sequence += 1
    const id = snowflake(now(), sequence)
    posts.push({ id, text, inReplyToId, oauth })
    const shown = text.replace(/https?:\/\/\S+/g, () => `https://t.co/${crypto.randomBytes(8).toString('base64url').slice(0, 10)}`)
    return { status: 201, body: { data: { id, text: shown, edit_history_tweet_ids: [id] } } }
  }

  /** RFC 5849 3.4.1 / 3.4.2, computed independently of the adapter; the oauth fields when valid */
  function verifyOAuth(request: RecordedRequest): Record<string, string> | undefined {
    const authorization = headerOf(request, 'authorization') ?? ''
    if (!authorization.startsWith('OAuth ')) return undefined
    const fields: Record<string, string> = {}
    for (const m of authorization.slice(6).matchAll(/([A-Za-z0-9_]+)="([^"]*)"/g)) fields[m[1]] = decodeURIComponent(m[2])
    if (fields.oauth_consumer_key !== options.consumerKey || fields.oauth_token !== options.accessToken) return undefined
    if (fields.oauth_signature_method !== 'HMAC-SHA1' || (fields.oauth_version !== undefined && fields.oauth_version !== '1.0')) return undefined
    const timestamp = Number(fields.oauth_timestamp)
    if (!Number.isInteger(timestamp) || Math.abs(timestamp - Math.floor(now() / 1000)) > TIMESTAMP_WINDOW_S) return undefined
    if (!fields.oauth_nonce || nonces.has(`${timestamp}:${fields.oauth_nonce}`)) return undefined

    const url = new URL(request.url, `http://${headerOf(request, 'host')}`)
    const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    const params: string[][] = Object.entries(fields).filter(([k]) => k !== 'oauth_signature' && k !== 'realm')
    for (const [k, v] of url.searchParams) params.push([k, v])
    const normalized = params
      .map(([k, v]) => `${enc(k)}=${enc(v)}`)
      .sort()
      .join('&')
    const base = ['POST', enc(`http://${url.host}${url.pathname}`), enc(normalized)].join('&')
    const expected = crypto.createHmac('sha1', `${enc(options.consumerSecret)}&${enc(options.accessTokenSecret)}`).update(base).digest()
    const given = Buffer.from(fields.oauth_signature ?? '', 'base64')
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return undefined
    nonces.add(`${timestamp}:${fields.oauth_nonce}`)
    return fields
  }

  const server = await startFakeServer(
    {
      route,
      rateLimited: (seconds) =>
        problem(429, 'Too Many Requests', 'Too Many Requests', 'about:blank', {
          'x-rate-limit-limit': '100',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.ceil((now() + seconds * 1000) / 1000)),
        }),
      failure: (status) => problem(status, status >= 500 ? 'Service Unavailable' : 'Error', `error ${status}`),
    },
    now,
  )
  const fake: FakeX = Object.assign(server, { posts, maxWeightedLength: 280 })
  return fake
}
