// Security headers and the Content-Security-Policy. The CSP lets MapLibre run its workers from
// blob: URLs and load the configured basemap style and tiles, and nothing more.
import crypto from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'

export type SecurityOptions = {
  /** origins of the basemap style, tiles, glyphs and sprites (from MAP_STYLE_URL or the default) */
  mapOrigins: string[]
  /** true when the public URL is https (or a proxy terminates TLS): adds HSTS */
  https: boolean
  /** development: Vite's HMR needs a websocket and inline module preamble */
  development: boolean
}

export function buildCsp(nonce: string, options: SecurityOptions): string {
  const map = options.mapOrigins.join(' ')
  const dev = options.development ? " 'unsafe-eval'" : ''
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    // React renders style attributes and MapLibre sets inline styles on its DOM elements
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${map}`.trim(),
    `connect-src 'self' ${map}${options.development ? ' ws: wss:' : ''}`.trim(),
    `font-src 'self' ${map}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ]
  return directives.join('; ')
}

export function securityHeaders(options: SecurityOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = crypto.randomBytes(16).toString('base64')
    res.locals.nonce = nonce
    res.setHeader('Content-Security-Policy', buildCsp(nonce, options))
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(self)')
    if (options.https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    res.removeHeader('X-Powered-By')
    next()
  }
}
