// A fake Facebook Graph API on 127.0.0.1 for one Page: POST /v{N}/{page-id}/feed and
// POST /v{N}/{object-id}/comments as graph.facebook.com answers them. The Page access token may
// come as the access_token field, a query parameter or an Authorization header (code 190
// otherwise); appsecret_proof (HMAC-SHA256 of the token with the app secret) is checked when the
// app requires it; message or link is required, the Page must be the token's (code 100, subcode
// 33), an identical message right after the last one is code 506 (duplicate). Errors are
// {error:{message,type,code,error_subcode?,is_transient?,fbtrace_id}}; a rate limit is the
// programmed code (default 32, Page request limit) with an X-Business-Use-Case-Usage header whose
// estimated_time_to_regain_access is in minutes.
//
//   const facebook = await startFakeFacebook({ pageId: '1234', pageAccessToken: 'EAAB…', appSecret: 's' })
//   new FacebookPageAdapter({ pageId: '1234', pageAccessToken: 'EAAB…', appSecret: 's', graphUrl: facebook.origin })
//   facebook.posts                   // feed posts and comments, with what they answer
import crypto, { randomBytes } from 'node:crypto'
import { bodyFields, headerOf, startFakeServer, type FakeServer, type RecordedRequest, type Reply } from './fake-server.ts'

export type FakeFacebookObject = {
  id: string
  kind: 'post' | 'comment'
  message: string
  link?: string
  /** the post or comment this comment answers */
  parentId?: string
  /** the Graph API version in the path */
  version: string
}

export type FakeFacebook = FakeServer & { posts: FakeFacebookObject[] }

export type FakeFacebookOptions = {
  pageId: string
  pageAccessToken: string
  /** when set, every call must carry appsecret_proof ("Require App Secret") */
  appSecret?: string
  now?: () => number
}

export async function startFakeFacebook(options: FakeFacebookOptions): Promise<FakeFacebook> {
  const now = options.now ?? Date.now
  const posts: FakeFacebookObject[] = []
  let sequence = 1000

  const graphError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): Reply => ({
    status,
    headers,
    body: { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: randomBytes(8).toString('base64url') } },
  })

  function route(request: RecordedRequest): Reply {
    const url = new URL(request.url, 'http://graph')
    const match = /^\/(v\d+\.\d+)\/([^/]+)\/(feed|comments)$/.exec(url.pathname)
    if (request.method !== 'POST' || !match) return graphError(400, 100, 'Unknown path components')
    const [, version, node, edge] = match
    const fields = { ...Object.fromEntries(url.searchParams), ...(bodyFields(request) ?? {}) } as Record<string, unknown>
    const authorization = headerOf(request, 'authorization')
    const token = typeof fields.access_token === 'string' ? fields.access_token : authorization?.replace(/^(Bearer|OAuth)\s+/i, '')
    if (!token) return graphError(400, 2500, 'An active access token must be used to query information about the current user.')
    if (token !== options.pageAccessToken) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token')
    if (options.appSecret) {
      const expected = crypto.createHmac('sha256', options.appSecret).update(token).digest('hex')
      const proof = fields.appsecret_proof
      if (typeof proof !== 'string') return graphError(400, 100, 'API calls from the server require an appsecret_proof argument')
      if (proof !== expected) return graphError(400, 100, 'Invalid appsecret_proof provided in the API argument')
    }
    const message = typeof fields.message === 'string' ? fields.message : ''
    const link = typeof fields.link === 'string' ? fields.link : undefined
    if (message.length > 63_206) return graphError(400, 100, '(#100) Param message must be at most 63206 characters long')

    if (edge === 'feed') {
      if (node !== options.pageId && node !== 'me') return unsupported(node)
      if (!message && !link) return graphError(400, 100, '(#100) Missing message or attachment')
      if (link !== undefined && !/^https?:\/\/\S+$/.test(link)) return graphError(400, 100, '(#100) The parameter link is not a valid URL')
      const last = posts.filter((p) => p.kind === 'post').at(-1)
      if (last && last.message === message && message !== '') return graphError(400, 506, 'Duplicate status message', { error_subcode: 1455006 })
      sequence += 1
      const post: FakeFacebookObject = { id: `${options.pageId}_${sequence}`, kind: 'post', message, version, ...(link ? { link } : {}) }
      posts.push(post)
      return { status: 200, body: { id: post.id } }
    }
    const parent = posts.find((p) => p.id === node)
    if (!parent) return unsupported(node)
    if (!message) return graphError(400, 100, '(#100) Missing message or attachment')
    sequence += 1
    const objectId = parent.id.split('_').at(-1)
    const comment: FakeFacebookObject = { id: `${objectId}_${sequence}`, kind: 'comment', message, parentId: parent.id, version }
    posts.push(comment)
    return { status: 200, body: { id: comment.id } }
  }

  function unsupported(node: string): Reply {
    return graphError(400, 100, `Unsupported post request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, {
      type: 'GraphMethodException',
      error_subcode: 33,
    })
  }

  const server = await startFakeServer(
    {
      route,
      rateLimited: (seconds, code = 32) =>
        graphError(400, code, code === 32 ? 'Page request limit reached' : code === 17 ? 'User request limit reached' : 'Application request limit reached', {}, {
          'x-business-use-case-usage': JSON.stringify({
            [options.pageId]: [{ type: 'pages', call_count: 100, total_cputime: 12, total_time: 30, estimated_time_to_regain_access: Math.ceil(seconds / 60) }],
          }),
        }),
      failure: (status) =>
        status >= 500
          ? graphError(status, 2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true })
          : graphError(status, 1, `error ${status}`),
    },
    now,
  )
  return Object.assign(server, { posts })
}
