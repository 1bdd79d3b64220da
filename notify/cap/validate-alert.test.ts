// Reliability matrix row 27: generated and broken alerts. Every broken alert is refused with an
// error for exactly the field that was broken; every generated valid alert is accepted.
import * as turf from '@turf/turf'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAppError } from '#domain/errors.ts'
import { geoErrors, type Position } from '#domain/geo/types.ts'
import { alertInputArb, fullAlertInput, isoWithOffset, jelgavaTerritory, tokenArb, type AlertInput } from './cap-arbitraries.ts'
import { geoJsonToCapPolygon, parseCapPolygon } from './cap-geometry.ts'
import { capTimeToMs } from './cap-time.ts'
import { capErrors } from './types.ts'
import { validateAlert } from './validate-alert.ts'

const boundary = jelgavaTerritory.boundary

/** The fields the validator refuses with, or null when it accepts. */
function refusal(input: unknown): Record<string, string> | null {
  try {
    validateAlert({ input, boundary })
    return null
  } catch (error) {
    if (!isAppError(error)) throw error
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.status).toBe(422)
    return error.fields ?? {}
  }
}

const clone = (a: AlertInput): AlertInput => structuredClone(a)
type Broken = { input: AlertInput; field: string; key: string }
type Breaker = fc.Arbitrary<(a: AlertInput) => Broken>

/** Puts `value` at a dotted path of a copy of the alert. */
function breakAt(a: AlertInput, path: string, value: unknown, key: string): Broken {
  const input = clone(a)
  const parts = path.split('.')
  let node: Record<string, unknown> = input
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>
  node[parts[parts.length - 1]] = value
  return { input, field: path, key }
}

const pick = (a: AlertInput, seed: number) => seed % a.info.length

const badToken = fc
  .tuple(tokenArb, fc.constantFrom(' ', ',', '<', '&', '\t', '\n', 'ā'), fc.nat())
  .map(([t, c, n]) => {
    const at = n % (t.length + 1)
    return t.slice(0, at) + c + t.slice(at)
  })

const farCenter = fc.tuple(fc.double({ min: 21, max: 28, noNaN: true }), fc.double({ min: 55.7, max: 58, noNaN: true }))
  .filter(([lng, lat]) => Math.abs(lng - 23.72) > 0.3 || Math.abs(lat - 56.65) > 0.2) as fc.Arbitrary<Position>

const breakers: Breaker[] = [
  badToken.map((bad) => (a) => breakAt(a, 'identifier', bad, capErrors.identifierInvalid)),
  badToken.map((bad) => (a) => breakAt(a, 'sender', bad, capErrors.senderInvalid)),
  fc.constant((a: AlertInput) => breakAt(a, 'identifier', '', capErrors.required)),
  fc.constant((a: AlertInput) => breakAt(a, 'sent', String(a.sent).replace(/(Z|[+-]\d\d:\d\d)$/, ''), capErrors.timeZoneMissing)),
  fc.nat().map((n) => (a) => {
    const i = pick(a, n)
    return breakAt(a, `info.${i}.expires`, String(a.info[i].expires).replace(/(Z|[+-]\d\d:\d\d)$/, ''), capErrors.timeZoneMissing)
  }),
  fc.nat().map((n) => (a) => breakAt(a, `info.${pick(a, n)}.onset`, '2026-13-01T10:00:00+02:00', capErrors.timeInvalid)),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 86400 * 30 })).map(([n, back]) => (a) => {
    const i = pick(a, n)
    const expires = isoWithOffset(capTimeToMs(String(a.sent)) - back * 1000, '+02:00')
    return breakAt(a, `info.${i}.expires`, expires, capErrors.expiresBeforeSent)
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3600 })).map(([n, before]) => (a) => {
    const i = pick(a, n)
    const sent = capTimeToMs(String(a.sent))
    const broken = breakAt(a, `info.${i}.onset`, isoWithOffset(sent + 7200_000 + before * 1000, '+03:00'), '')
    return { ...breakAt(broken.input, `info.${i}.expires`, isoWithOffset(sent + 7200_000, 'Z'), capErrors.expiresBeforeOnset) }
  }),
  // polygons: unclosed, self-crossing, outside the territory, not a list of pairs
  fc.nat().map((n) => (a: AlertInput) => {
    const i = pick(a, n)
    const points = parseCapPolygon(geoJsonToCapPolygon(turf.circle([23.72, 56.65], 0.4, { steps: 8 }).geometry as never))!
    const unclosed = points.slice(0, -1).map(([lat, lon]) => `${lat},${lon}`).join(' ')
    return breakAt(a, `info.${i}.area.0.polygon`, ['56.65,23.72 56.66,23.72 56.66,23.73 56.65,23.72', unclosed], geoErrors.areaNotClosed)
  }).map((f) => (a: AlertInput) => {
    const b = f(a)
    return { ...b, field: `${b.field}.1` }
  }),
  fc.tuple(fc.nat(), fc.double({ min: 0.002, max: 0.01, noNaN: true })).map(([n, d]) => (a: AlertInput) => {
    const i = pick(a, n)
    const [lat, lon] = [56.65, 23.72]
    const bowTie = `${lat},${lon} ${lat + d},${lon + d} ${lat + d},${lon} ${lat},${lon + d} ${lat},${lon}`
    return breakAt(a, `info.${i}.area.0.polygon`, [bowTie], geoErrors.areaSelfIntersecting)
  }).map((f) => (a: AlertInput) => {
    const b = f(a)
    return { ...b, field: `${b.field}.0` }
  }),
  fc.tuple(fc.nat(), farCenter).map(([n, center]) => (a) => {
    const i = pick(a, n)
    const square = turf.circle(center, 0.5, { steps: 4 }).geometry as never
    return { ...breakAt(a, `info.${i}.area.0.polygon`, [geoJsonToCapPolygon(square)], geoErrors.areaOutsideTerritory), field: `info.${i}.area.0.polygon.0` }
  }),
  fc.tuple(fc.nat(), fc.constantFrom('56.65 23.72 56.66 23.73', '56.65,23.72;56.66,23.73', 'abc', '91,23 91,24 92,24 91,23')).map(([n, bad]) => (a) => ({
    ...breakAt(a, `info.${pick(a, n)}.area.0.polygon`, [bad], capErrors.polygonFormat),
    field: `info.${pick(a, n)}.area.0.polygon.0`,
  })),
  // circles: negative or zero or huge radius, outside the territory
  fc.tuple(fc.nat(), fc.constantFrom('-0.5', '0', '-12', '5000')).map(([n, r]) => (a) => ({
    ...breakAt(a, `info.${pick(a, n)}.area.0.circle`, [`56.65,23.72 ${r}`], geoErrors.radiusInvalid),
    field: `info.${pick(a, n)}.area.0.circle.0`,
  })),
  fc.tuple(fc.nat(), farCenter).map(([n, [lng, lat]]) => (a) => ({
    ...breakAt(a, `info.${pick(a, n)}.area.0.circle`, [`${lat},${lng} 1`], geoErrors.areaOutsideTerritory),
    field: `info.${pick(a, n)}.area.0.circle.0`,
  })),
  // Update/Cancel without references, bad reference triples
  fc.constantFrom('Update', 'Cancel').map((msgType) => (a) => {
    const b = breakAt(a, 'msgType', msgType, '')
    return breakAt(b.input, 'references', [], capErrors.referencesRequired)
  }),
  fc
    .constantFrom(
      'sargs@jelgava.lv,ID-1',
      'sargs@jelgava.lv,ID-1,2026-11-22T10:00:00',
      'sargs@jelgava.lv,ID-1,yesterday',
      ',ID-1,2026-11-22T10:00:00+02:00',
      'sargs@jelgava.lv,ID<1,2026-11-22T10:00:00+02:00',
      'a,b,c,d',
    )
    .map((bad) => (a) => {
      const b = breakAt(a, 'msgType', 'Update', '')
      return { ...breakAt(b.input, 'references', [bad], capErrors.referenceInvalid), field: 'references.0' }
    }),
  // unknown enums
  fc.tuple(fc.constantFrom('status', 'msgType', 'scope'), fc.constantFrom('Real', 'actual', 'ALERT', '', 'Warning')).map(([field, bad]) => (a) =>
    breakAt(a, field, bad, capErrors.unknownValue),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('urgency', 'severity', 'certainty'), fc.constantFrom('High', 'severe', 'Critical')).map(([n, field, bad]) => (a) =>
    breakAt(a, `info.${pick(a, n)}.${field}`, bad, capErrors.unknownValue),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('Weather', 'met', 'Flood')).map(([n, bad]) => (a) => ({
    ...breakAt(a, `info.${pick(a, n)}.category`, [bad], capErrors.unknownValue),
    field: `info.${pick(a, n)}.category.0`,
  })),
  // empty, oversized or unwritable text
  fc.tuple(fc.nat(), fc.constantFrom('', '   ', '\n\t')).map(([n, blank]) => (a) => breakAt(a, `info.${pick(a, n)}.headline`, blank, capErrors.required)),
  fc.tuple(fc.nat(), fc.constantFrom('', '   ')).map(([n, blank]) => (a) => breakAt(a, `info.${pick(a, n)}.description`, blank, capErrors.required)),
  fc.tuple(fc.nat(), fc.constantFrom('', '  ')).map(([n, blank]) => (a) => breakAt(a, `info.${pick(a, n)}.event`, blank, capErrors.empty)),
  fc.nat().map((n) => (a) => breakAt(a, `info.${pick(a, n)}.area.0.areaDesc`, ' ', capErrors.empty)),
  fc.tuple(fc.nat(), fc.integer({ min: 161, max: 2000 })).map(([n, len]) => (a) => breakAt(a, `info.${pick(a, n)}.headline`, 'ā'.repeat(len), capErrors.tooLong)),
  fc.tuple(fc.nat(), fc.integer({ min: 8001, max: 20_000 })).map(([n, len]) => (a) => breakAt(a, `info.${pick(a, n)}.description`, 'ж'.repeat(len), capErrors.tooLong)),
  fc.tuple(fc.nat(), fc.constantFrom('\u0000', '\u0007', '\u001b', '\uFFFF', '\uD800')).map(([n, c]) => (a) =>
    breakAt(a, `info.${pick(a, n)}.instruction`, `Dodieties${c} prom`, capErrors.invalidCharacters),
  ),
  fc.constant((a: AlertInput) => breakAt(a, 'note', 'x'.repeat(2_000_000), capErrors.alertTooLarge)).map((f) => (a: AlertInput) => ({ ...f(a), field: 'alert' })),
  // languages
  fc.tuple(fc.nat(), fc.constantFrom('latviešu', 'lv_LV', 'en-', '123456789')).map(([n, bad]) => (a) => breakAt(a, `info.${pick(a, n)}.language`, bad, capErrors.languageInvalid)),
]

describe('validateAlert', () => {
  it('accepts generated valid alerts and normalises them (validating again changes nothing)', () => {
    fc.assert(
      fc.property(alertInputArb, (input) => {
        const alert = validateAlert({ input, boundary })
        expect(alert.sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/)
        expect(capTimeToMs(alert.sent)).toBe(Math.floor(capTimeToMs(String(input.sent)) / 1000) * 1000)
        expect(alert.info.length).toBe(input.info.length)
        expect(validateAlert({ input: alert, boundary })).toEqual(alert)
      }),
      { numRuns: 150 },
    )
  })

  it('refuses every broken alert with an error for exactly the broken field', () => {
    fc.assert(
      fc.property(alertInputArb, fc.oneof(...breakers), (valid, breaker) => {
        const { input, field, key } = breaker(valid)
        expect(refusal(input)).toEqual({ [field]: key })
      }),
      { numRuns: 600 },
    )
  })

  it('refuses a second info block in the same language', () => {
    const input = fullAlertInput()
    input.info[1].language = 'LV-lv'
    expect(refusal(input)).toEqual({ 'info.1.language': capErrors.languageDuplicate })
  })

  it('needs a restriction for Restricted and addresses for Private scope', () => {
    expect(refusal({ ...fullAlertInput(), restriction: '  ' })).toEqual({ restriction: capErrors.restrictionRequired })
    expect(refusal({ ...fullAlertInput(), scope: 'Private', addresses: undefined })).toEqual({ addresses: capErrors.addressesRequired })
  })

  it('refuses an alert that refers to itself, and an Alert without info or area', () => {
    const input = fullAlertInput()
    input.references = `${input.sender},${input.identifier},2026-11-22T10:00:00+02:00`
    expect(refusal(input)).toEqual({ 'references.0': capErrors.referenceToSelf })
    expect(refusal({ ...fullAlertInput(), msgType: 'Alert', info: [] })).toEqual({ info: capErrors.infoRequired })
    const noArea = fullAlertInput()
    noArea.info[1].area = []
    expect(refusal(noArea)).toEqual({ 'info.1.area': capErrors.areaRequired })
    const emptyArea = fullAlertInput()
    Object.assign(emptyArea.info[1], { area: [{ areaDesc: 'Kaut kur' }] })
    expect(refusal(emptyArea)).toEqual({ 'info.1.area.0.polygon': capErrors.areaEmpty })
  })

  it('accepts a Cancel without info; reads references from CAP text or objects alike', () => {
    const base = { identifier: 'C-2', sender: 's@x.lv', sent: '2026-11-22T10:00:00+02:00', status: 'Actual', msgType: 'Cancel', scope: 'Public' }
    const fromText = validateAlert({ boundary, input: { ...base, references: 's@x.lv,C-1,2026-11-22T07:00:00Z  s@x.lv,C-0,2026-11-21T07:00:00-00:00' } })
    const fromObjects = validateAlert({
      boundary,
      input: { ...base, references: [{ sender: 's@x.lv', identifier: 'C-1', sent: '2026-11-22T09:00:00+02:00' }, 's@x.lv,C-0,2026-11-21T09:00:00+02:00'] },
    })
    expect(fromText.references).toEqual([
      { sender: 's@x.lv', identifier: 'C-1', sent: '2026-11-22T09:00:00+02:00' },
      { sender: 's@x.lv', identifier: 'C-0', sent: '2026-11-21T09:00:00+02:00' },
    ])
    expect(fromObjects).toEqual(fromText)
    expect(fromText.info).toEqual([])
  })

  it('refuses times that do not exist and ceilings without altitude', () => {
    expect(refusal({ ...fullAlertInput(), sent: '2026-02-30T10:00:00+02:00' })).toEqual({ sent: capErrors.timeInvalid })
    expect(refusal({ ...fullAlertInput(), sent: '2026-02-28T24:00:00+02:00' })).toEqual({ sent: capErrors.timeInvalid })
    expect(refusal({ ...fullAlertInput(), sent: 1_790_000_000_000 })).toEqual({ sent: capErrors.timeInvalid })
    const input = fullAlertInput()
    delete (input.info[0].area[0] as { altitude?: number }).altitude
    expect(refusal(input)).toEqual({ 'info.0.area.0.ceiling': capErrors.ceilingWithoutAltitude })
  })

  it('refuses what is not an object', () => {
    for (const input of [null, 'alert', 42, [fullAlertInput()]]) expect(refusal(input)).toEqual({ alert: capErrors.invalid })
  })
})
