// fast-check generators of valid alert inputs (as the composer or the API would submit them) over
// the Jelgava demo territory. Used by the tests of notify/cap and notify/feeds.
import * as turf from '@turf/turf'
import fc from 'fast-check'
import type { Position } from '#domain/geo/types.ts'
import { circleToCap, geoJsonToCapPolygon } from './cap-geometry.ts'
import { capCategories, capCertainties, capResponseTypes, capSeverities, capStatuses, capUrgencies } from './types.ts'

export { jelgavaTerritory } from '#domain/demo/jelgava.ts'

/** Characters for generated text: Latvian, Russian, XML specials, quotes, newlines, an emoji. */
const chars = [
  ...'aābcčdeēfgģhiījkķlļmnņoprsštuūvzžAĀČĒĢĪĶĻŅŠŪŽ',
  ...'абвгдеёжзийклмнопрстуфхцчшщъыьэюяЖЯ',
  ...'0123456789 .,;:!?-()/%',
  '<', '>', '&', '"', "'", '\n', '\t', ']]>', '🌊', '&amp;',
]

export const textArb = (maxChars: number) =>
  fc
    .array(fc.constantFrom(...chars), { minLength: 1, maxLength: Math.max(1, Math.floor(maxChars / 4)) })
    .map((a) => a.join('').trim().slice(0, maxChars).trim())
    .filter((s) => s.length > 0 && !/[\uD800-\uDBFF]$/.test(s))

export const tokenArb = fc.stringMatching(/^[A-Za-z0-9._:@-]{1,40}$/)

/** Offsets an input may carry; Z and fractions are accepted on input (never written). */
const offsets = ['+02:00', '+03:00', '-05:00', '+00:00', '-00:00', 'Z', '+05:45']

export function isoWithOffset(ms: number, offset: string, fraction = false): string {
  const minutes = offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))
  const local = new Date(ms + minutes * 60_000).toISOString()
  return `${fraction ? local.slice(0, 23) : local.slice(0, 19)}${offset}`
}

const instantArb = fc.integer({ min: Date.UTC(2024, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 }).map((s) => s * 1000)
const zonedArb = (ms: number) => fc.tuple(fc.constantFrom(...offsets), fc.boolean()).map(([o, f]) => isoWithOffset(ms, o, f))

// Points well inside Jelgava (the box lies inside the boundary or its 2 km tolerance).
const insidePoint = fc.tuple(
  fc.double({ min: 23.69, max: 23.76, noNaN: true }),
  fc.double({ min: 56.635, max: 56.668, noNaN: true }),
) as fc.Arbitrary<Position>

/** A star-shaped polygon (simple by construction) as a CAP string. */
export const polygonArb = fc
  .record({
    center: insidePoint,
    start: fc.integer({ min: 0, max: 89 }),
    corners: fc.integer({ min: 3, max: 12 }),
    radii: fc.array(fc.integer({ min: 80, max: 900 }), { minLength: 12, maxLength: 12 }),
    clockwise: fc.boolean(),
  })
  .map(({ center, start, corners, radii, clockwise }) => {
    const ring: Position[] = []
    for (let i = 0; i < corners; i++) {
      let angle = start + (i * 360) / corners
      if (clockwise) angle = -angle
      angle = ((angle + 540) % 360) - 180
      ring.push(turf.destination(center, radii[i] / 1000, angle, { units: 'kilometers' }).geometry.coordinates as Position)
    }
    return geoJsonToCapPolygon({ type: 'Polygon', coordinates: [[...ring, ring[0]]] })
  })

export const circleArb = fc
  .tuple(insidePoint, fc.integer({ min: 50, max: 1500 }))
  .map(([center, radiusM]) => circleToCap(center, radiusM))

const areaArb = fc.record({
  areaDesc: textArb(80),
  polygon: fc.array(polygonArb, { maxLength: 2 }),
  circle: fc.array(circleArb, { maxLength: 2 }),
}).filter((a) => a.polygon.length + a.circle.length > 0)

const subset = <T>(values: readonly T[], min = 1) => fc.subarray([...values], { minLength: min })

function infoArb(language: string, sentMs: number) {
  return fc
    .record({
      category: subset(capCategories),
      event: textArb(60),
      responseType: subset(capResponseTypes, 0),
      urgency: fc.constantFrom(...capUrgencies),
      severity: fc.constantFrom(...capSeverities),
      certainty: fc.constantFrom(...capCertainties),
      onsetAfter: fc.integer({ min: -3600, max: 3600 }),
      expiresAfter: fc.integer({ min: 3601, max: 3 * 86400 }),
      headline: textArb(160),
      description: textArb(600),
      instruction: fc.option(textArb(300), { nil: undefined }),
      senderName: fc.option(textArb(60), { nil: undefined }),
      web: fc.option(fc.constantFrom('https://jelgava.example.lv/alerts?a=1&b=2', 'http://example.org/x'), { nil: undefined }),
      parameter: fc.array(fc.record({ valueName: tokenArb, value: textArb(40) }), { maxLength: 2 }),
      area: fc.array(areaArb, { minLength: 1, maxLength: 2 }),
      offset: fc.constantFrom(...offsets),
    })
    .map(({ onsetAfter, expiresAfter, offset, ...rest }) => ({
      ...rest,
      language,
      onset: isoWithOffset(sentMs + onsetAfter * 1000, offset),
      expires: isoWithOffset(sentMs + expiresAfter * 1000 + 3600_000, offset),
    }))
}

/** A valid Alert (or an Update referring to an earlier alert) in 1–3 of our languages. */
export const alertInputArb = fc
  .record({
    identifier: tokenArb,
    sender: fc.constantFrom('sargs@jelgava.lv', 'lvgmc.lv', 'civil.protection@example.lv'),
    sentMs: instantArb,
    status: fc.constantFrom(...capStatuses),
    update: fc.boolean(),
    languages: fc.shuffledSubarray(['lv-LV', 'en-GB', 'ru-RU'], { minLength: 1 }),
    note: fc.option(textArb(100), { nil: undefined }),
  })
  .chain(({ identifier, sender, sentMs, status, update, languages, note }) =>
    fc.record({
      identifier: fc.constant(identifier),
      sender: fc.constant(sender),
      sent: zonedArb(sentMs),
      status: fc.constant(status),
      msgType: fc.constant(update ? 'Update' : 'Alert'),
      scope: fc.constant('Public'),
      note: fc.constant(note),
      references: fc.constant(update ? [`${sender},${identifier}-0,${isoWithOffset(sentMs - 3600_000, '+02:00')}`] : []),
      info: fc.tuple(...languages.map((l) => infoArb(l, sentMs))),
    }),
  )

/** A hand-written alert input using every element of the schema. */
export function fullAlertInput() {
  return {
    identifier: 'JELGAVA-2026-0001',
    sender: 'sargs@jelgava.lv',
    sent: '2026-11-22T09:30:00.123Z',
    status: 'Exercise',
    msgType: 'Update',
    source: 'Jelgavas civilās aizsardzības komisija',
    scope: 'Restricted',
    restriction: 'Tikai komisijai',
    addresses: '"Jelgavas dome" ops@jelgava.lv',
    code: ['SARGS-1', 'exercise'],
    note: 'Mācības <nav> īsts & "brīdinājums"',
    references: 'sargs@jelgava.lv,JELGAVA-2026-0000,2026-11-22T10:00:00+02:00',
    incidents: 'INC-1 INC-2',
    info: [
      {
        language: 'lv-LV',
        category: ['Met', 'Safety'],
        event: 'Plūdi',
        responseType: ['Prepare', 'Monitor'],
        urgency: 'Expected',
        severity: 'Severe',
        certainty: 'Likely',
        audience: 'Iedzīvotāji',
        eventCode: [{ valueName: 'SAME', value: 'FLW' }],
        effective: '2026-11-22T11:30:00+02:00',
        onset: '2026-11-22T12:00:00+02:00',
        expires: '2026-11-23T12:00:00+02:00',
        senderName: 'Jelgavas valstspilsētas pašvaldība',
        headline: 'Lielupes ūdens līmenis ceļas',
        description: 'Pasta salā un Pils salā gaidāmi plūdi.\nSekojiet norādēm.',
        instruction: 'Pārvietojiet automašīnas uz augstākām vietām.',
        web: 'https://jelgava.example.lv/alerts/1?x=1&y=2',
        contact: '+371 63005555',
        parameter: [{ valueName: 'layer:EC-MSC-SMC:1.0:Alert_Type', value: 'warning' }],
        resource: [{ resourceDesc: 'Karte', mimeType: 'image/png', size: 1234, uri: 'https://jelgava.example.lv/map.png', digest: 'abc' }],
        area: [
          {
            areaDesc: 'Pasta sala',
            polygon: ['56.65,23.72 56.655,23.73 56.645,23.735 56.65,23.72'],
            circle: ['56.652,23.725 0.5'],
            geocode: [{ valueName: 'SARGS_AREA', value: 'pasta-sala' }],
            altitude: 0,
            ceiling: 1000.5,
          },
        ],
      },
      {
        language: 'ru-RU',
        category: 'Met',
        event: 'Наводнение',
        urgency: 'Expected',
        severity: 'Severe',
        certainty: 'Likely',
        headline: 'Уровень воды в Лиелупе поднимается',
        description: 'Ожидается наводнение.',
        area: [{ areaDesc: 'Pasta sala', circle: '56.652,23.725 0.5' }],
      },
    ],
  }
}

export type AlertInput = Record<string, unknown> & { info: Record<string, unknown>[] }
