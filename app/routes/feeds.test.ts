// The public feed routes (/feeds/alerts.atom, /feeds/cap.atom, /feeds/cap/{identifier}.xml,
// /api/alerts/active) called with real Requests against the test database (PGlite and PostgreSQL):
// content types, CORS, caching and conditional GETs, Atom entries per language, every CAP
// document validated against the OASIS CAP 1.2 schema, 404 for everything not public.
import type { AppLoadContext } from '@remix-run/node'
import { beforeAll, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { setRuntime } from '#domain/runtime.ts'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { storeTestAlert, testCapAlert } from '#domain/public-alerts/test-support.ts'
import { capSchemaErrors } from '#notify/cap/cap-schema.test-support.ts'
import { childrenNamed, childText, parseXmlTree } from '#notify/feeds/xml-tree.test-support.ts'
import * as alertsAtom from './feeds.alerts[.]atom.ts'
import * as capAtom from './feeds.cap[.]atom.ts'
import * as capFile from './feeds.cap.$file.ts'
import * as active from './api.alerts.active.ts'

const H = 3600_000
const ORIGIN = 'http://127.0.0.1:3000'
const PUBLIC_URL = 'https://sargs.jelgava.example'

type Loader = (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => Promise<Response>

describeEachBackend('public feed routes', (backend) => {
  const db = useTestDatabase(backend)
  let territoryId = ''
  const now = Date.now()

  beforeAll(async () => {
    const prisma = db().prisma
    setRuntime({ prisma })
    territoryId = (await prisma.territory.create({ data: { slug: 'jelgava', name: 'Jelgava', boundary: jelgavaTerritory.boundary } })).id
    const store = (a: ReturnType<typeof testCapAlert>) => storeTestAlert(prisma, a, territoryId)
    const a1 = testCapAlert({ identifier: 'urn:oid:2.49.0.1.428.1.2026.1', sentMs: now - 2 * H })
    await store(a1)
    await store(testCapAlert({ identifier: 'odd/ident:\'>?#%', sentMs: now - 3 * H, languages: ['lv-LV', 'ru-RU'] }))
    await store(testCapAlert({ identifier: 'EX-1', sentMs: now - H, status: 'Exercise' }))
    await store(testCapAlert({ identifier: 'EXPIRED-1', sentMs: now - 6 * H, expiresMs: now - H }))
    const c1 = testCapAlert({ identifier: 'C-1', sentMs: now - 5 * H })
    const c1Id = await store(c1)
    const c2Id = await store(testCapAlert({ identifier: 'C-2', sentMs: now - 4 * H, msgType: 'Cancel', references: [c1], languages: ['lv-LV'] }))
    await prisma.alert.update({ where: { id: c1Id }, data: { supersededAt: new Date(), supersededById: c2Id } })
  }, 120_000)

  const context = (publicUrl?: string): AppLoadContext => ({ nonce: 'n', clientIp: '127.0.0.1', publicConfig: { mapStyleUrl: null }, publicUrl })

  async function get(route: { loader: unknown }, path: string, options: { headers?: Record<string, string>; params?: Record<string, string>; publicUrl?: string; method?: string } = {}) {
    const request = new Request(`${ORIGIN}${path}`, { method: options.method ?? 'GET', headers: options.headers })
    const response = await (route.loader as Loader)({ request, context: context(options.publicUrl), params: options.params ?? {} })
    return { response, body: options.method === 'HEAD' || response.status === 304 ? '' : await response.text() }
  }

  const expectPublicHeaders = (r: Response) => {
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    expect(r.headers.get('access-control-expose-headers')).toBe('ETag, Last-Modified')
    expect(r.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/)
    expect(r.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{32}"$/)
  }

  it('/feeds/alerts.atom: Atom, one entry per alert in force and language, links from PUBLIC_URL', async () => {
    const { response, body } = await get(alertsAtom, '/feeds/alerts.atom', { publicUrl: PUBLIC_URL })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expectPublicHeaders(response)
    expect(response.headers.get('cache-control')).toBe('public, max-age=60')
    const feed = parseXmlTree(body)
    expect(feed.name).toBe('feed')
    expect(feed.attributes['xml:lang']).toBe('lv')
    expect(childText(feed, 'title')).toBe('Jelgava: brīdinājumi iedzīvotājiem')
    expect(childText(feed, 'id')).toBe(`${PUBLIC_URL}/feeds/alerts.atom`)
    const entries = childrenNamed(feed, 'entry')
    expect(entries.map((e) => `${childText(e, 'id')} ${e.attributes['xml:lang']}`)).toEqual([
      `${PUBLIC_URL}/feeds/cap/urn%3Aoid%3A2.49.0.1.428.1.2026.1.xml#lv-LV lv-LV`,
      `${PUBLIC_URL}/feeds/cap/urn%3Aoid%3A2.49.0.1.428.1.2026.1.xml#en-GB en-GB`,
      `${PUBLIC_URL}/feeds/cap/urn%3Aoid%3A2.49.0.1.428.1.2026.1.xml#ru-RU ru-RU`,
      `${PUBLIC_URL}/feeds/cap/odd%2Fident%3A'%3E%3F%23%25.xml#lv-LV lv-LV`,
      `${PUBLIC_URL}/feeds/cap/odd%2Fident%3A'%3E%3F%23%25.xml#ru-RU ru-RU`,
    ])
    expect(entries.map((e) => childText(e, 'title'))).toEqual([
      'Lielupe pārplūst: <uzmanību> & sargieties', 'Lielupe flooding', 'Разлив Лиелупе', 'Lielupe pārplūst: <uzmanību> & sargieties', 'Разлив Лиелупе',
    ])
    // without PUBLIC_URL, the origin the request was addressed to
    const local = await get(alertsAtom, '/feeds/alerts.atom')
    expect(childText(parseXmlTree(local.body), 'id')).toBe(`${ORIGIN}/feeds/alerts.atom`)
  })

  it('?lng=en and ?lng=ru translate the feed title; anything else is Latvian', async () => {
    const title = async (q: string) => childText(parseXmlTree((await get(alertsAtom, `/feeds/alerts.atom${q}`)).body), 'title')
    expect(await title('?lng=en')).toBe('Jelgava: public warnings')
    expect(await title('?lng=ru')).toBe('Jelgava: предупреждения для населения')
    expect(await title('?lng=de')).toBe('Jelgava: brīdinājumi iedzīvotājiem')
    const index = parseXmlTree((await get(capAtom, '/feeds/cap.atom?lng=en')).body)
    expect(childText(index, 'title')).toBe('Jelgava: CAP alert index')
    expect(childrenNamed(index, 'entry').map((e) => childText(e, 'title'))).toEqual(['Lielupe flooding', 'Lielupe pārplūst: <uzmanību> & sargieties', 'Lielupe pārplūst: <uzmanību> & sargieties'])
  })

  it('caching: stable ETag and Last-Modified; If-None-Match and If-Modified-Since give 304 with the same headers', async () => {
    const first = await get(alertsAtom, '/feeds/alerts.atom')
    const second = await get(alertsAtom, '/feeds/alerts.atom')
    const etag = first.response.headers.get('etag')!
    expect(second.response.headers.get('etag')).toBe(etag)
    expect(second.body).toBe(first.body)
    const lastModified = first.response.headers.get('last-modified')!
    expect(new Date(lastModified).getTime()).toBeGreaterThan(now - 60_000)

    const byEtag = await get(alertsAtom, '/feeds/alerts.atom', { headers: { 'If-None-Match': `"other", W/${etag}` } })
    expect(byEtag.response.status).toBe(304)
    expect(byEtag.response.headers.get('etag')).toBe(etag)
    expectPublicHeaders(byEtag.response)
    expect(byEtag.response.headers.get('content-type')).toBeNull()
    const byDate = await get(alertsAtom, '/feeds/alerts.atom', { headers: { 'If-Modified-Since': lastModified } })
    expect(byDate.response.status).toBe(304)
    // a stale validator gets the document; If-None-Match wins over If-Modified-Since
    expect((await get(alertsAtom, '/feeds/alerts.atom', { headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': lastModified } })).response.status).toBe(200)
    expect((await get(alertsAtom, '/feeds/alerts.atom', { headers: { 'If-Modified-Since': new Date(Date.parse(lastModified) - 1000).toUTCString() } })).response.status).toBe(200)
    expect((await get(alertsAtom, '/feeds/alerts.atom', { headers: { 'If-Modified-Since': 'yesterday' } })).response.status).toBe(200)
    // different documents, different ETags
    expect((await get(alertsAtom, '/feeds/alerts.atom?lng=en')).response.headers.get('etag')).not.toBe(etag)
  })

  it('/feeds/cap.atom lists alerts in force and the Cancel; every linked CAP document validates against the OASIS schema', async () => {
    const { response, body } = await get(capAtom, '/feeds/cap.atom')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expectPublicHeaders(response)
    const entries = childrenNamed(parseXmlTree(body), 'entry')
    const hrefs = entries.map((e) => childrenNamed(e, 'link')[0].attributes.href)
    expect(hrefs).toEqual([
      `${ORIGIN}/feeds/cap/urn%3Aoid%3A2.49.0.1.428.1.2026.1.xml`,
      `${ORIGIN}/feeds/cap/odd%2Fident%3A'%3E%3F%23%25.xml`,
      `${ORIGIN}/feeds/cap/C-2.xml`,
    ])
    expect(entries.map((e) => childrenNamed(e, 'link')[0].attributes.type)).toEqual(Array(3).fill('application/cap+xml'))

    // the archive too: the cancelled C-1 and the expired alert stay readable (C-2 refers to C-1)
    const files = [...hrefs.map((h) => decodeURIComponent(h.slice(`${ORIGIN}/feeds/cap/`.length))), 'C-1.xml', 'EXPIRED-1.xml']
    const documents: string[] = []
    for (const file of files) {
      const r = await get(capFile, `/feeds/cap/${encodeURIComponent(file)}`, { params: { file } })
      expect(r.response.status, file).toBe(200)
      expect(r.response.headers.get('content-type')).toBe('application/cap+xml; charset=utf-8')
      expectPublicHeaders(r.response)
      expect(r.response.headers.get('cache-control')).toBe('public, max-age=300')
      expect(r.response.headers.get('last-modified')).toMatch(/GMT$/)
      const alert = parseXmlTree(r.body)
      expect(alert.uri).toBe('urn:oasis:names:tc:emergency:cap:1.2')
      expect(childText(alert, 'identifier')).toBe(file.slice(0, -4))
      // CAP dates: seconds and an offset, never milliseconds or Z
      for (const date of r.body.match(/<(sent|expires|effective|onset)>[^<]*</g) ?? []) expect(date).toMatch(/^<\w+>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d<$/)
      documents.push(r.body)
    }
    expect(await capSchemaErrors(documents)).toEqual(documents.map(() => []))
  })

  it('/feeds/cap/{identifier}.xml: 404 for unknown, non-public or malformed identifiers; 304 on a match', async () => {
    for (const file of ['nope.xml', 'EX-1.xml', 'C-1', 'C-1.atom', '.xml', "C-1' OR '1'='1.xml", '%00.xml', '\u0000.xml', `${'x'.repeat(300)}.xml`, 'C-1.xml.xml']) {
      const r = await get(capFile, '/feeds/cap/x', { params: { file } })
      expect(r.response.status, file).toBe(404)
      expect(r.response.headers.get('access-control-allow-origin')).toBe('*')
    }
    const ok = await get(capFile, '/feeds/cap/C-1.xml', { params: { file: 'C-1.xml' } })
    const again = await get(capFile, '/feeds/cap/C-1.xml', { params: { file: 'C-1.xml' }, headers: { 'If-None-Match': ok.response.headers.get('etag')! } })
    expect(again.response.status).toBe(304)
  })

  it('/api/alerts/active: a GeoJSON FeatureCollection of the alerts in force, with texts per language', async () => {
    const { response, body } = await get(active, '/api/alerts/active', { publicUrl: PUBLIC_URL })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/geo+json')
    expectPublicHeaders(response)
    const collection = JSON.parse(body) as { type: string; features: { id: string; geometry: { type: string }; properties: { capUrl: string; info: { language: string }[] } }[] }
    expect(collection.type).toBe('FeatureCollection')
    expect(collection.features.map((f) => f.id)).toEqual(['urn:oid:2.49.0.1.428.1.2026.1', "odd/ident:'>?#%"])
    expect(collection.features[0].geometry.type).toBe('MultiPolygon') // a polygon and a circle
    expect(collection.features[0].properties.capUrl).toBe(`${PUBLIC_URL}/feeds/cap/urn%3Aoid%3A2.49.0.1.428.1.2026.1.xml`)
    expect(collection.features[0].properties.info.map((i) => i.language)).toEqual(['lv-LV', 'en-GB', 'ru-RU'])
  })

  it('CORS preflight answers 204; other methods 405', async () => {
    for (const route of [alertsAtom, capAtom, capFile, active]) {
      const pre = await get(route, '/x', { method: 'OPTIONS', params: { file: 'C-1.xml' } })
      expect(pre.response.status).toBe(204)
      expect(pre.response.headers.get('access-control-allow-origin')).toBe('*')
      expect(pre.response.headers.get('access-control-allow-headers')).toBe('If-None-Match, If-Modified-Since')
      const post = (route.action as () => Response)()
      expect(post.status).toBe(405)
      expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    }
  })
})
