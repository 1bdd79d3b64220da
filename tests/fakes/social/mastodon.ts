// A fake Mastodon instance on 127.0.0.1: POST /api/v1/statuses as the real server answers it.
// Bearer token check (401), validation like Mastodon's (422 {error}: empty text, over the
// character limit counted as Mastodon counts, bad visibility or language), in_reply_to_id must be a
// status it knows (404), Idempotency-Key honoured for an hour per account (the same Status again,
// nothing posted twice), 429 with X-RateLimit-* headers (Reset as an ISO 8601 time).
//
//   const mastodon = await startFakeMastodon({ accessToken: 'token' })
//   new MastodonAdapter({ instanceUrl: mastodon.origin, accessToken: 'token' })
//   mastodon.statuses            // every status posted, with its reply link
//   mastodon.fault({ kind: 'rate-limit', seconds: 30 })
import { countMastodon } from '#notify/channels/social/fit-text.ts'
import { bodyFields, headerOf, snowflake, startFakeServer, type FakeServer, type RecordedRequest, type Reply } from './fake-server.ts'

export type FakeMastodonStatus = {
  id: string
  text: string
  visibility: string
  language: string | null
  inReplyToId: string | null
  idempotencyKey?: string
  url: string
  createdAt: string
}

export type FakeMastodon = FakeServer & {
  statuses: FakeMastodonStatus[]
  /** the instance's limit (configuration.statuses.max_characters), 500 by default */
  maxCharacters: number
}

export type FakeMastodonOptions = { accessToken: string; username?: string; maxCharacters?: number; now?: () => number }

const VISIBILITIES = ['public', 'unlisted', 'private', 'direct']
const IDEMPOTENCY_MS = 60 * 60 * 1000

export async function startFakeMastodon(options: FakeMastodonOptions): Promise<FakeMastodon> {
  const now = options.now ?? Date.now
  const username = options.username ?? 'sargs'
  const keys = new Map<string, { statusId: string; at: number }>()
  let sequence = 0
  const statuses: FakeMastodonStatus[] = []
  let origin = ''

  const error = (status: number, message: string): Reply => ({ status, body: { error: message } })

  function route(request: RecordedRequest): Reply {
    if (request.method !== 'POST' || request.url !== '/api/v1/statuses') return error(404, 'Record not found')
    const authorization = headerOf(request, 'authorization')
    if (authorization !== `Bearer ${options.accessToken}`) return error(401, 'The access token is invalid')
    const fields = bodyFields(request)
    if (!fields) return error(400, 'Bad request')

    const key = headerOf(request, 'idempotency-key')
    if (key) {
      const seen = keys.get(key)
      if (seen && now() - seen.at < IDEMPOTENCY_MS) {
        const earlier = statuses.find((s) => s.id === seen.statusId)!
        return { status: 200, body: statusJson(earlier) }
      }
    }

    const text = typeof fields.status === 'string' ? fields.status : ''
    if (text.trim() === '') return error(422, "Validation failed: Text can't be blank")
    if (countMastodon(text) > fake.maxCharacters) return error(422, `Validation failed: Text character limit of ${fake.maxCharacters} exceeded`)
    const visibility = fields.visibility === undefined ? 'public' : String(fields.visibility)
    if (!VISIBILITIES.includes(visibility)) return error(422, 'Validation failed: Visibility is not included in the list')
    const language = fields.language === undefined ? null : String(fields.language)
    if (language !== null && !/^[a-z]{2,3}$/.test(language)) return error(422, 'Validation failed: Language is not a valid language')
    const inReplyToId = fields.in_reply_to_id === undefined || fields.in_reply_to_id === '' ? null : String(fields.in_reply_to_id)
    if (inReplyToId !== null && !statuses.some((s) => s.id === inReplyToId)) return error(404, 'Record not found')

    sequence += 1
    const id = snowflake(now(), sequence)
    const status: FakeMastodonStatus = {
      id,
      text,
      visibility,
      language,
      inReplyToId,
      url: `${origin}/@${username}/${id}`,
      createdAt: new Date(now()).toISOString(),
      ...(key ? { idempotencyKey: key } : {}),
    }
    statuses.push(status)
    if (key) keys.set(key, { statusId: id, at: now() })
    return { status: 200, body: statusJson(status) }
  }

  function statusJson(status: FakeMastodonStatus) {
    return {
      id: status.id,
      created_at: status.createdAt,
      in_reply_to_id: status.inReplyToId,
      in_reply_to_account_id: status.inReplyToId ? '1' : null,
      sensitive: false,
      spoiler_text: '',
      visibility: status.visibility,
      language: status.language,
      uri: `${origin}/users/${username}/statuses/${status.id}`,
      url: status.url,
      content: `<p>${escapeHtml(status.text).replace(/\n/g, '<br />')}</p>`,
      account: { id: '1', username, acct: username, url: `${origin}/@${username}` },
      media_attachments: [],
      mentions: [],
      tags: [],
    }
  }

  const server = await startFakeServer(
    {
      route,
      rateLimited: (seconds) => ({
        status: 429,
        headers: {
          'x-ratelimit-limit': '300',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': new Date(now() + seconds * 1000).toISOString(),
        },
        body: { error: 'Too many requests' },
      }),
      failure: (status) => error(status, status >= 500 ? 'We are sorry, but something went wrong' : `error ${status}`),
    },
    now,
  )
  origin = server.origin
  const fake: FakeMastodon = Object.assign(server, { statuses, maxCharacters: options.maxCharacters ?? 500 })
  return fake
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
