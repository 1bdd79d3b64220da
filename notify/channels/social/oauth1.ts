// OAuth 1.0a request signing (RFC 5849 section 3) with HMAC-SHA1, as the X API's user context
// expects it: the Authorization header for one request. Only the oauth_* parameters, the URL's
// query and a form-encoded body are signed; a JSON body is not (RFC 5849 3.4.1.3.1).
//
//   oauth1Header({ method: 'POST', url, consumerKey, consumerSecret, token, tokenSecret })
//     → 'OAuth oauth_consumer_key="…", oauth_nonce="…", oauth_signature="…", …'
import crypto from 'node:crypto'

export type OAuth1Credentials = { consumerKey: string; consumerSecret: string; token: string; tokenSecret: string }

export type OAuth1Request = OAuth1Credentials & {
  method: string
  url: string
  /** form-encoded body fields, when the body is application/x-www-form-urlencoded */
  formFields?: Record<string, string>
  /** fixed values for tests; a fresh random nonce and the current time otherwise */
  nonce?: string
  timestamp?: number
}

/** RFC 3986 percent-encoding of everything but the unreserved characters (RFC 5849 3.6). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** scheme://host[:port]/path, lower-case scheme and host, no default port, no query (RFC 5849 3.4.1.2) */
export function baseStringUri(url: URL): string {
  const defaultPort = (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443')
  const port = url.port && !defaultPort ? `:${url.port}` : ''
  return `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname}`
}

/** The signature base string (RFC 5849 3.4.1) for the given method, URL and parameters. */
export function signatureBaseString(method: string, url: string, parameters: [string, string][]): string {
  const parsed = new URL(url)
  const all: [string, string][] = [...parameters, ...[...parsed.searchParams.entries()]]
  const normalized = all
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  return `${method.toUpperCase()}&${percentEncode(baseStringUri(parsed))}&${percentEncode(normalized)}`
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return crypto.createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64')
}

export function oauth1Header(request: OAuth1Request): string {
  const oauth: Record<string, string> = {
    oauth_consumer_key: request.consumerKey,
    oauth_nonce: request.nonce ?? crypto.randomBytes(24).toString('base64url').replace(/[-_]/g, 'x'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(request.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_token: request.token,
    oauth_version: '1.0',
  }
  const parameters: [string, string][] = [...Object.entries(oauth), ...Object.entries(request.formFields ?? {})]
  const signature = hmacSha1Signature(signatureBaseString(request.method, request.url, parameters), request.consumerSecret, request.tokenSecret)
  const fields = { ...oauth, oauth_signature: signature }
  return `OAuth ${Object.keys(fields)
    .sort()
    .map((k) => `${percentEncode(k)}="${percentEncode(fields[k as keyof typeof fields])}"`)
    .join(', ')}`
}
