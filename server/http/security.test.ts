import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { listen, rawRequest, type Listening } from '#tests/support/http.ts'
import { defaultMapStyleOrigins, mapOriginsFor } from './map-origins.ts'
import { securityHeaders, type SecurityOptions } from './security.ts'

let server: Listening | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(options: Partial<SecurityOptions> = {}) {
  const app = express()
  app.use(securityHeaders({ mapOrigins: defaultMapStyleOrigins, https: false, development: false, ...options }))
  // the page echoes the nonce it was given, as the Remix root does in its <script nonce>
  app.get('/', (_req, res) => {
    res.type('text/plain').send(String(res.locals.nonce))
  })
  server = await listen(app)
  return server
}

/** "a b; c d" → { a: ['b'], c: ['d'] } */
function parseCsp(header: string | string[] | undefined): Record<string, string[]> {
  expect(typeof header).toBe('string')
  const directives: Record<string, string[]> = {}
  for (const part of String(header).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) directives[name] = values
  }
  return directives
}

describe('security headers and CSP', () => {
  it('sends an enforced CSP whose script nonce is the one the page gets, new on every request', async () => {
    const { port } = await start()
    const first = await rawRequest({ port })
    const second = await rawRequest({ port })
    expect(first.headers['content-security-policy-report-only']).toBeUndefined()
    const csp1 = parseCsp(first.headers['content-security-policy'])
    const csp2 = parseCsp(second.headers['content-security-policy'])
    expect(first.body).toMatch(/^[A-Za-z0-9+/]{22}==$/) // 16 random bytes
    expect(csp1['script-src']).toContain(`'nonce-${first.body}'`)
    expect(csp2['script-src']).toContain(`'nonce-${second.body}'`)
    expect(first.body).not.toBe(second.body)
  })

  it('allows scripts only by nonce: no unsafe-inline or unsafe-eval, no wildcard', async () => {
    const { port } = await start()
    const csp = parseCsp((await rawRequest({ port })).headers['content-security-policy'])
    expect(csp['script-src']).not.toContain("'unsafe-inline'")
    expect(csp['script-src']).not.toContain("'unsafe-eval'")
    expect(csp['script-src'].some((s) => s.includes('*') || s === 'http:' || s === 'https:' || s === 'data:')).toBe(false)
    expect(csp['default-src']).toEqual(["'self'"])
    expect(csp['object-src']).toEqual(["'none'"])
    expect(csp['base-uri']).toEqual(["'self'"])
    expect(csp['form-action']).toEqual(["'self'"])
  })

  it("lets MapLibre's workers run from blob: and nothing else", async () => {
    const { port } = await start()
    const csp = parseCsp((await rawRequest({ port })).headers['content-security-policy'])
    expect(csp['worker-src']).toEqual(["'self'", 'blob:'])
    expect(csp['child-src']).toEqual(["'self'", 'blob:'])
  })

  it('forbids framing (frame-ancestors and X-Frame-Options)', async () => {
    const { port } = await start()
    const res = await rawRequest({ port })
    expect(parseCsp(res.headers['content-security-policy'])['frame-ancestors']).toEqual(["'none'"])
    expect(res.headers['x-frame-options']).toBe('DENY')
  })

  it('allows the basemap origins for tiles, styles and glyphs only', async () => {
    const { port } = await start({ mapOrigins: mapOriginsFor('https://tiles.example.lv/styles/basic/style.json') })
    const csp = parseCsp((await rawRequest({ port })).headers['content-security-policy'])
    expect(csp['connect-src']).toEqual(["'self'", 'https://tiles.example.lv'])
    expect(csp['img-src']).toContain('https://tiles.example.lv')
    expect(csp['script-src']).not.toContain('https://tiles.example.lv')
    expect(csp['connect-src']).not.toContain('ws:')
  })

  it('sends nosniff, Referrer-Policy and no X-Powered-By', async () => {
    const { port } = await start()
    const res = await rawRequest({ port })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    expect(res.headers['x-powered-by']).toBeUndefined()
  })

  it('sends HSTS only behind TLS', async () => {
    const plain = await start({ https: false })
    expect((await rawRequest({ port: plain.port })).headers['strict-transport-security']).toBeUndefined()
    await plain.close()
    server = undefined
    const tls = await start({ https: true })
    expect((await rawRequest({ port: tls.port })).headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/)
  })

  it('development mode adds only what Vite needs (eval, websockets)', async () => {
    const { port } = await start({ development: true })
    const csp = parseCsp((await rawRequest({ port })).headers['content-security-policy'])
    expect(csp['script-src']).toContain("'unsafe-eval'")
    expect(csp['script-src']).not.toContain("'unsafe-inline'")
    expect(csp['connect-src']).toContain('ws:')
  })
})
