// Feeds and CAP in over real HTTP against the booted production app: a machine posts CAP XML with
// a bearer token and no Origin (as curl does), the alert appears in /feeds/alerts.atom,
// /feeds/cap.atom, /feeds/cap/{identifier}.xml (percent-encoded identifier, OASIS-valid) and
// /api/alerts/active, with conditional GETs through the real middleware (compression included);
// cookies never ride on the token exemption; a 50 MB upload is answered 413 and not read.
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliActor } from '#domain/auth/actor.ts'
import { createApiToken } from '#domain/api-tokens/create-api-token.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import { capSchemaErrors } from '#notify/cap/cap-schema.test-support.ts'
import { rawRequest } from '#tests/support/http.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { createSignedInUser } from '#tests/support/sessions.ts'

let app: RunningApp
let secret = ''
const identifier = 'urn:lvgmc:2026/11:vejs#1'
/** one message: the same bytes each time it is sent */
const NOW = Date.now()

function capXml(): string {
  const now = NOW
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>cap@meteo.lv</sender><sent>${formatCapTime(now - 60_000)}</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info>
    <language>lv-LV</language><category>Met</category><event>Stiprs vējš</event><urgency>Expected</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>${formatCapTime(now + 6 * 3600_000)}</expires>
    <headline>Stiprs vējš Jelgavā</headline><description>Brāzmās līdz 25 m/s.</description>
    <area><areaDesc>Jelgava</areaDesc><circle>56.65,23.72 1.5</circle></area>
  </info>
  <info>
    <language>ru-RU</language><category>Met</category><event>Сильный ветер</event><urgency>Expected</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>${formatCapTime(now + 6 * 3600_000)}</expires>
    <headline>Сильный ветер в Елгаве</headline><description>Порывы до 25 м/с.</description>
    <area><areaDesc>Елгава</areaDesc><circle>56.65,23.72 1.5</circle></area>
  </info>
</alert>`
}

beforeAll(async () => {
  app = await startApp()
  const { prisma } = await app.database()
  secret = (await createApiToken({ prisma, actor: cliActor, name: 'meteo', scopes: ['alerts:issue'], capMode: 'ISSUE' })).secret
})

afterAll(async () => {
  await app?.stop()
})

describe('CAP in and the public feeds over HTTP', () => {
  it('a bearer-only POST without Origin issues the alert; the feeds show it', async () => {
    const posted = await rawRequest({
      port: app.port,
      method: 'POST',
      path: '/api/cap',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/cap+xml' },
      body: capXml(),
    })
    expect(posted.status, posted.body).toBe(201)
    const capPath = `/feeds/cap/${encodeURIComponent(identifier)}.xml`
    expect(posted.headers.location).toBe(`${app.url}${capPath}`)
    expect(JSON.parse(posted.body)).toMatchObject({ kind: 'alert', identifier, created: true })

    const atom = await fetch(`${app.url}/feeds/alerts.atom`)
    expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expect(atom.headers.get('access-control-allow-origin')).toBe('*')
    const body = await atom.text()
    expect(body.match(/<entry xml:lang="(lv-LV|ru-RU)">/g)).toEqual(['<entry xml:lang="lv-LV">', '<entry xml:lang="ru-RU">'])
    expect(body).toContain('Сильный ветер в Елгаве')
    // a conditional GET through the real middleware
    const etag = atom.headers.get('etag')!
    const again = await rawRequest({ port: app.port, path: '/feeds/alerts.atom', headers: { 'if-none-match': etag, 'accept-encoding': 'gzip' } })
    expect(again.status).toBe(304)

    const index = await (await fetch(`${app.url}/feeds/cap.atom`)).text()
    expect(index).toContain(`href="${app.url}${capPath}"`)
    const cap = await fetch(`${app.url}${capPath}`)
    expect(cap.status).toBe(200)
    expect(cap.headers.get('content-type')).toBe('application/cap+xml; charset=utf-8')
    const xml = await cap.text()
    expect(await capSchemaErrors([xml])).toEqual([[]])
    expect(xml).toContain(`<identifier>${identifier}</identifier>`)
    expect((await fetch(`${app.url}/feeds/cap/no-such-alert.xml`)).status).toBe(404)

    const geo = await fetch(`${app.url}/api/alerts/active`)
    expect(geo.headers.get('content-type')).toBe('application/geo+json')
    const collection = (await geo.json()) as { features: { id: string; geometry: { type: string } }[] }
    expect(collection.features.map((f) => [f.id, f.geometry.type])).toEqual([[identifier, 'Polygon']])
  })

  it('the same message again is 200 and the same alert; with a cookie, the Origin check applies as always', async () => {
    const again = await rawRequest({ port: app.port, method: 'POST', path: '/api/cap', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/cap+xml' }, body: capXml() })
    expect(again.status).toBe(200)
    expect(JSON.parse(again.body)).toMatchObject({ kind: 'alert', identifier, created: false })
    const { prisma } = await app.database()
    expect(await prisma.alert.count({ where: { identifier } })).toBe(1)
    const admin = await createSignedInUser(prisma, 'ADMINISTRATOR')
    const withCookie: Record<string, string>[] = [{ cookie: admin.cookie }, { cookie: admin.cookie, authorization: `Bearer ${secret}` }]
    for (const headers of withCookie) {
      const res = await rawRequest({ port: app.port, method: 'POST', path: '/api/cap', headers: { ...headers, 'content-type': 'application/cap+xml' }, body: capXml() })
      expect(res.status).toBe(403)
      expect(res.body).toMatch(/Origin check/)
    }
    const none = await rawRequest({ port: app.port, method: 'POST', path: '/api/cap', headers: { 'content-type': 'application/cap+xml' }, body: capXml() })
    expect(none.status).toBe(403) // no token, no Origin: refused before the route
  })

  it('a 50 MB upload gets 413 and the connection is closed long before the body is sent', async () => {
    const total = 50 * 1024 * 1024
    const chunk = Buffer.alloc(256 * 1024, 0x61)
    const result = await new Promise<{ status: number; written: number }>((resolve, reject) => {
      let written = 0
      let status = 0
      const req = http.request(
        { host: '127.0.0.1', port: app.port, method: 'POST', path: '/api/cap', agent: false, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/cap+xml', 'content-length': String(total) } },
        (res) => {
          status = res.statusCode ?? 0
          res.resume()
          res.on('end', () => resolve({ status, written }))
        },
      )
      req.on('error', (error: NodeJS.ErrnoException) => (status ? resolve({ status, written }) : reject(error)))
      const pump = () => {
        while (written < total && !status) {
          written += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        if (written >= total) req.end()
      }
      pump()
    })
    expect(result.status).toBe(413)
    expect(result.written).toBeLessThan(total)
  })
})
