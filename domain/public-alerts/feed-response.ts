// HTTP answers of the public read-only feeds (/feeds/*, /api/alerts/active): a strong ETag over
// the exact bytes, Last-Modified when the list last changed, a short public max-age, conditional
// GETs answered with 304, and CORS open to every origin (the feeds are public and carry no
// credentials: `Access-Control-Allow-Origin: *` never sends cookies along).
import { createHash } from 'node:crypto'

/** Cache lifetimes, seconds: lists change when an alert is issued, single CAP messages never. */
export const feedMaxAge = { list: 60, message: 300 } as const

export const feedContentTypes = {
  atom: 'application/atom+xml; charset=utf-8',
  /**
   * CAP messages: the type the OASIS "CAP feeds" example practice and the Atom links of CAP
   * aggregators (Google Public Alerts, WMO Alert Hub, api.weather.gov) name for CAP documents; any
   * XML reader takes it, and browsers show a +xml type as XML.
   */
  cap: 'application/cap+xml; charset=utf-8',
  /** RFC 7946 */
  geojson: 'application/geo+json',
} as const

export const corsHeaders = {
  'Access-Control-Allow-Origin': '*',
  // ETag and Last-Modified are not CORS-safelisted: scripts on other origins may read them
  'Access-Control-Expose-Headers': 'ETag, Last-Modified',
} as const

/** The preflight answer (a script sending If-None-Match triggers one). */
export function corsPreflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders,
      'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
      'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
      'Access-Control-Max-Age': '86400',
    },
  })
}

/** What the feed routes answer to anything but GET/HEAD/OPTIONS. */
export function methodNotAllowed(): Response {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'GET, HEAD, OPTIONS', ...corsHeaders } })
}

/** 404 for an unknown feed item, still readable cross-origin. */
export function feedNotFound(): Response {
  return new Response('Not Found', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': `public, max-age=${feedMaxAge.list}`, ...corsHeaders },
  })
}

export type FeedResponseOptions = {
  request: Request
  body: string
  contentType: string
  /** when the content last changed (null: unknown, no Last-Modified) */
  lastModified: Date | null
  maxAgeSeconds: number
}

const etagOf = (body: string) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`

/** RFC 9110 §13.1.2: weak comparison, any of a list, or `*`. */
function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  const bare = (t: string) => t.trim().replace(/^W\//, '')
  return header.split(',').some((t) => bare(t) === etag)
}

export function feedResponse(options: FeedResponseOptions): Response {
  const etag = etagOf(options.body)
  const lastModifiedSeconds = options.lastModified ? Math.floor(options.lastModified.getTime() / 1000) : null
  const headers: Record<string, string> = {
    'Cache-Control': `public, max-age=${options.maxAgeSeconds}`,
    ETag: etag,
    ...corsHeaders,
  }
  if (lastModifiedSeconds !== null) headers['Last-Modified'] = new Date(lastModifiedSeconds * 1000).toUTCString()

  const ifNoneMatch = options.request.headers.get('if-none-match')
  const ifModifiedSince = options.request.headers.get('if-modified-since')
  let notModified = false
  if (ifNoneMatch !== null) {
    // If-None-Match wins; If-Modified-Since is then ignored (RFC 9110 §13.2.2)
    notModified = matchesEtag(ifNoneMatch, etag)
  } else if (ifModifiedSince !== null && lastModifiedSeconds !== null) {
    const since = Date.parse(ifModifiedSince)
    notModified = Number.isFinite(since) && lastModifiedSeconds * 1000 <= since
  }
  if (notModified) return new Response(null, { status: 304, headers })
  return new Response(options.body, { status: 200, headers: { ...headers, 'Content-Type': options.contentType } })
}

/**
 * The base of the feeds' links: PUBLIC_URL when configured (never the Host header an outsider
 * chose), otherwise the origin the request was addressed to.
 */
export function feedBaseUrl(request: Request, publicUrl: string | undefined): string {
  return (publicUrl ?? new URL(request.url).origin).replace(/\/+$/, '')
}

/** The feeds' language: `?lng=` (lv, en, ru), else Latvian. Never a cookie or Accept-Language, so one URL is one document. */
export function feedLanguage(request: Request): 'lv' | 'en' | 'ru' {
  const lng = new URL(request.url).searchParams.get('lng')
  return lng === 'en' || lng === 'ru' ? lng : 'lv'
}
