import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { listen, rawRequest, type Listening } from '#tests/support/http.ts'
import { originCheck, type OriginOptions } from './origin.ts'

let server: Listening | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(options: OriginOptions) {
  const app = express()
  app.set('trust proxy', options.trustProxy)
  app.use(originCheck(options))
  app.all('/thing', (req, res) => {
    res.status(200).type('text/plain').send(`reached by ${req.method}`)
  })
  server = await listen(app)
  return server
}

describe('Origin check', () => {
  it('refuses a POST whose Origin is foreign', async () => {
    const { port } = await start({ trustProxy: false })
    const res = await rawRequest({ port, method: 'POST', path: '/thing', headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(res.body).toMatch(/Origin check/)
  })

  it('lets a POST from the same origin through', async () => {
    const { port } = await start({ trustProxy: false })
    const res = await rawRequest({
      port,
      method: 'POST',
      path: '/thing',
      headers: { origin: `http://127.0.0.1:${port}` },
    })
    expect(res.status).toBe(200)
    expect(res.body).toBe('reached by POST')
  })

  it('refuses the same host on another port or scheme', async () => {
    const { port } = await start({ trustProxy: false })
    for (const origin of [`http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'http://127.0.0.1']) {
      const res = await rawRequest({ port, method: 'POST', path: '/thing', headers: { origin } })
      expect(res.status, origin).toBe(403)
    }
  })

  it('without Origin, accepts Sec-Fetch-Site: same-origin', async () => {
    const { port } = await start({ trustProxy: false })
    const res = await rawRequest({ port, method: 'POST', path: '/thing', headers: { 'sec-fetch-site': 'same-origin' } })
    expect(res.status).toBe(200)
  })

  it('without Origin, refuses Sec-Fetch-Site cross-site and same-site', async () => {
    const { port } = await start({ trustProxy: false })
    for (const site of ['cross-site', 'same-site', 'none']) {
      const res = await rawRequest({ port, method: 'POST', path: '/thing', headers: { 'sec-fetch-site': site } })
      expect(res.status, site).toBe(403)
    }
  })

  it('refuses a POST with neither Origin nor Sec-Fetch-Site', async () => {
    const { port } = await start({ trustProxy: false })
    const res = await rawRequest({ port, method: 'POST', path: '/thing' })
    expect(res.status).toBe(403)
  })

  it('treats Origin: null (sandboxed frames, file:) as no Origin', async () => {
    const { port } = await start({ trustProxy: false })
    const refused = await rawRequest({ port, method: 'POST', path: '/thing', headers: { origin: 'null' } })
    expect(refused.status).toBe(403)
    const accepted = await rawRequest({
      port,
      method: 'POST',
      path: '/thing',
      headers: { origin: 'null', 'sec-fetch-site': 'same-origin' },
    })
    expect(accepted.status).toBe(200)
  })

  it('a foreign Origin is refused even when Sec-Fetch-Site claims same-origin', async () => {
    const { port } = await start({ trustProxy: false })
    const res = await rawRequest({
      port,
      method: 'POST',
      path: '/thing',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
    })
    expect(res.status).toBe(403)
  })

  it('checks every state-changing method, never GET, HEAD or OPTIONS', async () => {
    const { port } = await start({ trustProxy: false })
    const foreign = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await rawRequest({ port, method, path: '/thing', headers: foreign })
      expect(res.status, method).toBe(403)
    }
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const res = await rawRequest({ port, method, path: '/thing', headers: foreign })
      expect(res.status, method).toBe(200)
    }
  })

  describe('with PUBLIC_URL set', () => {
    const publicOrigin = 'https://sargs.jelgava.lv'

    it('accepts only the public origin', async () => {
      const { port } = await start({ trustProxy: false, publicOrigin })
      const ok = await rawRequest({ port, method: 'POST', path: '/thing', headers: { origin: publicOrigin } })
      expect(ok.status).toBe(200)
      // the address the request reached is no longer enough
      const local = await rawRequest({
        port,
        method: 'POST',
        path: '/thing',
        headers: { origin: `http://127.0.0.1:${port}` },
      })
      expect(local.status).toBe(403)
    })

    it('refuses a DNS-rebinding page whose Host and Origin agree with each other', async () => {
      // Without PUBLIC_URL the request origin is taken from Host, so a rebinding attacker's
      // matching Host and Origin pass; that is exactly why PUBLIC_URL should be set in production.
      const rebinding = { host: 'evil.example', origin: 'http://evil.example' }
      const open = await start({ trustProxy: false })
      const passes = await rawRequest({ port: open.port, method: 'POST', path: '/thing', headers: rebinding })
      expect(passes.status).toBe(200)
      await open.close()
      server = undefined

      const { port } = await start({ trustProxy: false, publicOrigin })
      const res = await rawRequest({ port, method: 'POST', path: '/thing', headers: rebinding })
      expect(res.status).toBe(403)
    })

    it('a forged X-Forwarded-Host does not help either', async () => {
      const { port } = await start({ trustProxy: true, publicOrigin })
      const res = await rawRequest({
        port,
        method: 'POST',
        path: '/thing',
        headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', origin: 'https://evil.example' },
      })
      expect(res.status).toBe(403)
    })
  })

  describe('signed SMS webhooks (POST /api/sms/receipts, /api/sms/inbound)', () => {
    async function startHooks() {
      const app = express()
      app.use(originCheck({ trustProxy: false, publicOrigin: 'https://sargs.jelgava.lv' }))
      app.all(['/api/sms/receipts', '/api/sms/inbound', '/api/sms/subscriptions', '/thing'], (req, res) => {
        res.status(200).type('text/plain').send(`reached ${req.path}`)
      })
      server = await listen(app)
      return server
    }
    const signed = { 'x-sms-signature': `sha256=${'ab'.repeat(32)}` }

    it('lets a signed POST without cookie through to the two webhook paths only (the route checks the signature)', async () => {
      const { port } = await startHooks()
      for (const path of ['/api/sms/receipts', '/api/sms/inbound']) {
        expect((await rawRequest({ port, method: 'POST', path, headers: signed })).status, path).toBe(200)
      }
      for (const path of ['/api/sms/subscriptions', '/thing']) {
        expect((await rawRequest({ port, method: 'POST', path, headers: signed })).status, path).toBe(403)
      }
    })

    it('no signature header, a malformed one, or any cookie: Origin-checked as always', async () => {
      const { port } = await startHooks()
      for (const headers of [{} as Record<string, string>, { 'x-sms-signature': 'sha256=xyz' }, { 'x-sms-signature': 'abc' }, { ...signed, cookie: 'sargs_session=abc' }]) {
        expect((await rawRequest({ port, method: 'POST', path: '/api/sms/receipts', headers })).status, JSON.stringify(headers)).toBe(403)
      }
    })
  })

  describe('bearer-token machine API (POST /api/cap)', () => {
    async function startCap() {
      const app = express()
      app.use(originCheck({ trustProxy: false, publicOrigin: 'https://sargs.jelgava.lv' }))
      app.all(['/api/cap', '/api/cap/', '/thing', '/API/CAP'], (req, res) => {
        res.status(200).type('text/plain').send(`reached ${req.path}`)
      })
      server = await listen(app)
      return server
    }
    const bearer = { authorization: 'Bearer sargs_abc' }

    it('lets a POST with a bearer token and no Origin, no cookie through to /api/cap only', async () => {
      const { port } = await startCap()
      const ok = await rawRequest({ port, method: 'POST', path: '/api/cap', headers: bearer })
      expect(ok.status).toBe(200)
      expect((await rawRequest({ port, method: 'POST', path: '/api/cap?x=1', headers: bearer })).status).toBe(200)
      // the token decides there, not the Origin: a foreign Origin without cookies borrows nothing
      expect((await rawRequest({ port, method: 'POST', path: '/api/cap', headers: { ...bearer, origin: 'https://meteo.example' } })).status).toBe(200)
      for (const path of ['/thing', '/api/cap/', '/API/CAP']) {
        const res = await rawRequest({ port, method: 'POST', path, headers: bearer })
        expect(res.status, path).toBe(403)
      }
    })

    it('a request carrying any cookie is Origin-checked as always, bearer or not', async () => {
      const { port } = await startCap()
      for (const cookie of ['sargs_session=abc', '']) {
        const res = await rawRequest({ port, method: 'POST', path: '/api/cap', headers: { ...bearer, cookie } })
        expect(res.status, cookie).toBe(403)
      }
      const sameOrigin = await rawRequest({ port, method: 'POST', path: '/api/cap', headers: { ...bearer, cookie: 'a=b', origin: 'https://sargs.jelgava.lv' } })
      expect(sameOrigin.status).toBe(200)
    })

    it('without a bearer token /api/cap is Origin-checked like every path', async () => {
      const { port } = await startCap()
      for (const authorization of [undefined, 'Basic YTpi', 'Bearer ', 'Bearer']) {
        const res = await rawRequest({ port, method: 'POST', path: '/api/cap', headers: authorization === undefined ? {} : { authorization } })
        expect(res.status, String(authorization)).toBe(403)
      }
    })
  })

  describe('behind a proxy (TRUST_PROXY)', () => {
    const viaProxy = {
      host: '127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'sargs.example.lv',
      origin: 'https://sargs.example.lv',
    }

    it('uses X-Forwarded-Proto and -Host when the proxy is trusted', async () => {
      const { port } = await start({ trustProxy: true })
      const res = await rawRequest({ port, method: 'POST', path: '/thing', headers: viaProxy })
      expect(res.status).toBe(200)
    })

    it('ignores forwarded headers when the proxy is not trusted', async () => {
      const { port } = await start({ trustProxy: false })
      const res = await rawRequest({ port, method: 'POST', path: '/thing', headers: viaProxy })
      expect(res.status).toBe(403)
    })
  })
})
