// Our own Origin check on every state-changing request (Remix v2 has none built in).
// A request that changes state must come from one of our origins: its Origin header must be
// ours, or, without Origin, Sec-Fetch-Site must say same-origin. Anything else is refused with
// 403 before it reaches a route.
import type { NextFunction, Request, Response } from 'express'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export type OriginOptions = {
  /** the configured public origin, e.g. https://sargs.jelgava.lv */
  publicOrigin?: string
  /** trust X-Forwarded-Proto/Host (only behind a trusted proxy) */
  trustProxy: boolean
}

export function requestOrigin(req: Request, trustProxy: boolean): string {
  const proto = (trustProxy && req.get('x-forwarded-proto')?.split(',')[0].trim()) || req.protocol
  const host = (trustProxy && req.get('x-forwarded-host')?.split(',')[0].trim()) || req.get('host')
  return `${proto}://${host}`
}

export function isAllowedOrigin(
  headers: { origin?: string; secFetchSite?: string },
  allowed: string[],
): boolean {
  if (headers.origin && headers.origin !== 'null') return allowed.includes(headers.origin)
  return headers.secFetchSite === 'same-origin'
}

/**
 * Machine APIs authorised by a bearer token alone (POST /api/cap). A request that carries a bearer
 * token and NO cookie holds no ambient authority a foreign page could borrow — a browser only sends
 * an Authorization header a script set, and a cross-origin script would need a CORS preflight these
 * paths never grant — so the Origin check does not apply to it. A request with any Cookie header is
 * checked as always, so cookie-authenticated requests are never let through by this exemption.
 */
export const bearerTokenPaths: ReadonlySet<string> = new Set(['/api/cap'])

export function isBearerTokenRequest(req: Pick<Request, 'path' | 'get'>): boolean {
  return (
    bearerTokenPaths.has(req.path) &&
    /^Bearer\s+\S/i.test(req.get('authorization') ?? '') &&
    req.get('cookie') === undefined
  )
}

/**
 * Webhooks authorised by a signature over the body (the SMS gateway's delivery receipts and
 * replies, decision 013): like a bearer token, a custom header that a foreign page cannot make a
 * browser send without a preflight, and no cookie. The route itself checks the signature.
 */
export const signedWebhookPaths: ReadonlyMap<string, string> = new Map([
  ['/api/sms/receipts', 'x-sms-signature'],
  ['/api/sms/inbound', 'x-sms-signature'],
])

export function isSignedWebhookRequest(req: Pick<Request, 'path' | 'get'>): boolean {
  const header = signedWebhookPaths.get(req.path)
  return header !== undefined && /^sha256=[0-9a-f]{64}$/i.test(req.get(header) ?? '') && req.get('cookie') === undefined
}

/**
 * Desk IP phones (decision 021): the acknowledgement soft key of a Cisco page requests
 * /phone/ack/<signed token>. A phone has no session and sends no Origin; the token is the whole
 * authority and the route checks it, so a request without a cookie passes (with one it is checked).
 */
export const phoneTokenPathPrefixes: readonly string[] = ['/phone/ack/', '/phone/page/']

export function isPhoneTokenRequest(req: Pick<Request, 'path' | 'get'>): boolean {
  return phoneTokenPathPrefixes.some((prefix) => req.path.startsWith(prefix)) && req.get('cookie') === undefined
}

export function originCheck(options: OriginOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next()
    if (isBearerTokenRequest(req) || isSignedWebhookRequest(req) || isPhoneTokenRequest(req)) return next()
    // With PUBLIC_URL set only that origin counts (a DNS-rebinding page cannot pose as us);
    // without it, the origin the request was addressed to.
    const allowed = options.publicOrigin
      ? [options.publicOrigin]
      : [requestOrigin(req, options.trustProxy)]
    const ok = isAllowedOrigin(
      { origin: req.get('origin'), secFetchSite: req.get('sec-fetch-site') },
      allowed,
    )
    if (ok) return next()
    res.status(403).type('text/plain').send('Cross-origin request refused (Origin check)')
  }
}
