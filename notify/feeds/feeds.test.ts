import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { alertInputArb, jelgavaTerritory } from '#notify/cap/cap-arbitraries.ts'
import { parseCapPolygon } from '#notify/cap/cap-geometry.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { buildActiveAlertsGeoJson } from './build-active-alerts-geojson.ts'
import { buildAlertsAtom } from './build-alerts-atom.ts'
import { buildCapIndexAtom } from './build-cap-index-atom.ts'
import { selectActiveAlerts, selectCapIndexAlerts } from './select-alerts.ts'
import { childrenNamed, childText, parseXmlTree } from './xml-tree.test-support.ts'

const boundary = jelgavaTerritory.boundary
const baseUrl = 'https://sargs.jelgava.example/'
const now = new Date('2026-11-22T12:00:00+02:00')
const ATOM = 'http://www.w3.org/2005/Atom'

const texts = {
  'lv-LV': { headline: 'Lielupe pārplūst: <uzmanību> & sargieties', description: 'Pasta salā applūst ceļi.', instruction: 'Neiebrauciet applūdušos ceļos.' },
  'en-GB': { headline: 'Lielupe flooding', description: 'Roads on Pasta sala are flooding.', instruction: 'Do not drive into flooded roads.' },
  'ru-RU': { headline: 'Разлив Лиелупе', description: 'Дороги на Паста-сала затоплены.', instruction: 'Не въезжайте на затопленные дороги.' },
}

function alert(identifier: string, over: Record<string, unknown> = {}, expires = '2026-11-23T12:00:00+02:00', languages = Object.keys(texts)): CapAlert {
  return validateAlert({
    boundary,
    input: {
      identifier,
      sender: 'sargs@jelgava.lv',
      sent: '2026-11-22T10:00:00+02:00',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      info: languages.map((language) => ({
        language,
        category: ['Met'],
        event: 'Plūdi',
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Observed',
        expires,
        ...texts[language as keyof typeof texts],
        area: [{ areaDesc: 'Pasta sala', polygon: ['56.65,23.72 56.655,23.73 56.645,23.735 56.65,23.72'], circle: ['56.64,23.7 0.3'] }],
      })),
      ...over,
    },
  })
}

const ref = (identifier: string) => `sargs@jelgava.lv,${identifier},2026-11-22T10:00:00+02:00`

const alerts: CapAlert[] = [
  alert('A-1'),
  alert('EXPIRED-1', {}, '2026-11-22T11:00:00+02:00'),
  alert('C-1'),
  alert('C-2', { msgType: 'Update', references: [ref('C-1')], sent: '2026-11-22T11:00:00+02:00' }),
  alert('EX-1', { status: 'Exercise' }),
  alert('F-1'),
  alert('F-2', { msgType: 'Cancel', references: [ref('F-1')], sent: '2026-11-22T11:30:00+02:00', info: [] }),
  alert('R-1', { scope: 'Restricted', restriction: 'komisijai' }),
  alert('NOEXP-1', { sent: '2026-11-22T09:00:00+02:00' }, '', ['lv-LV']),
]

describe('selecting alerts for the public feeds', () => {
  it('active: public Actual Alerts/Updates, neither superseded nor expired, newest first', () => {
    expect(selectActiveAlerts({ alerts, now }).map((a) => a.identifier)).toEqual(['C-2', 'A-1', 'NOEXP-1'])
  })
  it('CAP index: the latest message of each alert, Cancels included', () => {
    expect(selectCapIndexAlerts({ alerts, now }).map((a) => a.identifier)).toEqual(['F-2', 'C-2', 'A-1', 'NOEXP-1'])
  })
  it('exercises are listed only when asked for', () => {
    expect(selectActiveAlerts({ alerts, now, statuses: ['Exercise'] }).map((a) => a.identifier)).toEqual(['EX-1'])
  })
})

describe('/feeds/alerts.atom', () => {
  const xml = buildAlertsAtom({ alerts, now, baseUrl, title: 'Jelgavas brīdinājumi', authorName: 'Jelgavas valstspilsētas pašvaldība', lang: 'lv' })
  const feed = parseXmlTree(xml)

  it('is a well-formed Atom feed with self link and one entry per active alert and language', () => {
    expect(feed.name).toBe('feed')
    expect(feed.uri).toBe(ATOM)
    expect(feed.attributes['xml:lang']).toBe('lv')
    expect(childText(feed, 'id')).toBe('https://sargs.jelgava.example/feeds/alerts.atom')
    expect(childText(feed, 'updated')).toBe('2026-11-22T11:00:00+02:00')
    expect(childrenNamed(feed, 'link').map((l) => l.attributes)).toContainEqual({ rel: 'self', type: 'application/atom+xml', href: 'https://sargs.jelgava.example/feeds/alerts.atom' })
    const entries = childrenNamed(feed, 'entry')
    expect(entries.map((e) => childText(e, 'id'))).toEqual([
      'https://sargs.jelgava.example/feeds/cap/C-2.xml#lv-LV',
      'https://sargs.jelgava.example/feeds/cap/C-2.xml#en-GB',
      'https://sargs.jelgava.example/feeds/cap/C-2.xml#ru-RU',
      'https://sargs.jelgava.example/feeds/cap/A-1.xml#lv-LV',
      'https://sargs.jelgava.example/feeds/cap/A-1.xml#en-GB',
      'https://sargs.jelgava.example/feeds/cap/A-1.xml#ru-RU',
      'https://sargs.jelgava.example/feeds/cap/NOEXP-1.xml#lv-LV',
    ])
  })

  it('carries each language’s text, xml:lang, the alert page and the CAP document', () => {
    const [lv, en, ru] = childrenNamed(feed, 'entry')
    expect(lv.attributes['xml:lang']).toBe('lv-LV')
    expect(childText(lv, 'title')).toBe('Lielupe pārplūst: <uzmanību> & sargieties')
    expect(childText(en, 'title')).toBe('Lielupe flooding')
    expect(childText(ru, 'title')).toBe('Разлив Лиелупе')
    expect(childText(ru, 'content')).toBe('Дороги на Паста-сала затоплены.\n\nНе въезжайте на затопленные дороги.')
    expect(childText(lv, 'updated')).toBe('2026-11-22T11:00:00+02:00')
    expect(childrenNamed(en, 'link').map((l) => l.attributes)).toEqual([
      { rel: 'alternate', type: 'text/html', hreflang: 'en-GB', href: 'https://sargs.jelgava.example/alerts/C-2?lng=en' },
      { rel: 'related', type: 'application/cap+xml', href: 'https://sargs.jelgava.example/feeds/cap/C-2.xml' },
    ])
    expect(childrenNamed(lv, 'category').map((c) => c.attributes.term)).toEqual(['Met', 'Severe', 'Immediate', 'Observed'])
    expect(childText(childrenNamed(lv, 'author')[0], 'name')).toBe('sargs@jelgava.lv')
  })

  it('is a valid empty feed when nothing is active', () => {
    const empty = parseXmlTree(buildAlertsAtom({ alerts: [], now, baseUrl, title: 'Brīdinājumi', authorName: 'Jelgava' }))
    expect(childrenNamed(empty, 'entry')).toEqual([])
    expect(childText(empty, 'updated')).toBe('2026-11-22T12:00:00+02:00')
  })

  it('stays well-formed with unique stable ids for generated alerts', () => {
    fc.assert(
      fc.property(fc.array(alertInputArb, { maxLength: 6 }), (inputs) => {
        // no hyphen: a generated Update refers to "<its generated identifier>-0", which must not be
        // the identifier given here (a reference to itself is invalid)
        const generated = inputs.map((input, i) => validateAlert({ input: { ...input, identifier: `GEN${i}`, status: 'Actual' }, boundary }))
        const at = new Date(Date.UTC(2020, 0, 1))
        const first = buildAlertsAtom({ alerts: generated, now: at, baseUrl, title: 'T', authorName: 'A' })
        const entries = childrenNamed(parseXmlTree(first), 'entry')
        const ids = entries.map((e) => childText(e, 'id'))
        expect(new Set(ids).size).toBe(ids.length)
        expect(ids.length).toBe(selectActiveAlerts({ alerts: generated, now: at }).reduce((n, a) => n + a.info.length, 0))
        expect(buildAlertsAtom({ alerts: [...generated].reverse(), now: at, baseUrl, title: 'T', authorName: 'A' })).toBe(first)
      }),
      { numRuns: 40 },
    )
  })
})

describe('/feeds/cap.atom', () => {
  it('links every listed alert to its CAP document, titles in the chosen language', () => {
    const feed = parseXmlTree(buildCapIndexAtom({ alerts, now, baseUrl, title: 'CAP', authorName: 'Jelgava', language: 'ru' }))
    const entries = childrenNamed(feed, 'entry')
    expect(entries.map((e) => childrenNamed(e, 'link')[0].attributes)).toEqual(
      ['F-2', 'C-2', 'A-1', 'NOEXP-1'].map((id) => ({ rel: 'alternate', type: 'application/cap+xml', href: `https://sargs.jelgava.example/feeds/cap/${id}.xml` })),
    )
    expect(entries.map((e) => childText(e, 'title'))).toEqual(['Cancel F-2', 'Разлив Лиелупе', 'Разлив Лиелупе', 'Lielupe pārplūst: <uzmanību> & sargieties'])
    expect(entries.map((e) => childrenNamed(e, 'category')[0].attributes.term)).toEqual(['Cancel', 'Update', 'Alert', 'Alert'])
  })
})

describe('/api/alerts/active', () => {
  it('is a FeatureCollection of the active alerts with their areas and texts per language', () => {
    const collection = buildActiveAlertsGeoJson({ alerts, now, baseUrl })
    expect(collection.type).toBe('FeatureCollection')
    expect(collection.features.map((f) => f.id)).toEqual(['C-2', 'A-1', 'NOEXP-1'])
    const [c2] = collection.features
    // the polygon and the circle, the same in every language, once each
    expect(c2.geometry?.type).toBe('MultiPolygon')
    const polygons = c2.geometry!.coordinates as number[][][][]
    expect(polygons).toHaveLength(2)
    const capRing = parseCapPolygon('56.65,23.72 56.655,23.73 56.645,23.735 56.65,23.72')!.map(([lat, lon]) => [lon, lat])
    expect(polygons[0][0].map((p) => p.join())).toEqual(expect.arrayContaining(capRing.map((p) => p.join())))
    expect(polygons[1][0]).toHaveLength(65)
    expect(c2.properties).toMatchObject({ identifier: 'C-2', msgType: 'Update', severity: 'Severe', expires: '2026-11-23T12:00:00+02:00', capUrl: 'https://sargs.jelgava.example/feeds/cap/C-2.xml' })
    expect(c2.properties.info.map((i) => [i.appLanguage, i.headline])).toEqual([
      ['lv', texts['lv-LV'].headline],
      ['en', texts['en-GB'].headline],
      ['ru', texts['ru-RU'].headline],
    ])
    expect(collection.features[2].properties.expires).toBeNull()
    // survives JSON (what the route sends)
    expect(JSON.parse(JSON.stringify(collection))).toEqual(collection)
  })

  it('resolves geocodes (named areas) through the given function, else leaves them out', () => {
    const named = alert('N-1', {
      info: [{ language: 'lv-LV', category: 'Safety', event: 'Ūdens', urgency: 'Expected', severity: 'Minor', certainty: 'Likely', headline: 'Nav ūdens', description: 'Remonts', area: [{ areaDesc: 'Mītava', geocode: [{ valueName: 'SARGS_AREA', value: 'mitava' }] }] }],
    })
    expect(buildActiveAlertsGeoJson({ alerts: [named], now, baseUrl }).features[0].geometry).toBeNull()
    const square = { type: 'Polygon' as const, coordinates: [[[23.7, 56.64], [23.71, 56.64], [23.71, 56.65], [23.7, 56.65], [23.7, 56.64]]] as [number, number][][] }
    const resolved = buildActiveAlertsGeoJson({ alerts: [named], now, baseUrl, resolveGeocode: (g) => (g.value === 'mitava' ? square : null) })
    expect(resolved.features[0].geometry).toEqual(square)
  })
})
