import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatCapNumber, formatCapPolygon, parseCapCircle, parseCapPolygon } from './cap-geometry.ts'
import { capTimeToMs, formatCapTime, parseCapTime } from './cap-time.ts'
import { capErrors } from './types.ts'

describe('CAP date-times', () => {
  it('writes the Riga offset across daylight saving changes, never Z or fractions', () => {
    // EU rules: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October
    expect(formatCapTime(Date.parse('2026-03-29T00:59:59Z'))).toBe('2026-03-29T02:59:59+02:00')
    expect(formatCapTime(Date.parse('2026-03-29T01:00:00Z'))).toBe('2026-03-29T04:00:00+03:00')
    expect(formatCapTime(Date.parse('2026-10-25T00:59:59Z'))).toBe('2026-10-25T03:59:59+03:00')
    expect(formatCapTime(Date.parse('2026-10-25T01:00:00Z'))).toBe('2026-10-25T03:00:00+02:00')
    expect(formatCapTime(Date.parse('2026-11-22T09:36:17.999Z'))).toBe('2026-11-22T11:36:17+02:00')
    expect(formatCapTime(Date.parse('2026-11-22T09:36:17Z'), 'UTC')).toBe('2026-11-22T09:36:17+00:00')
  })

  it('reads any zoned instant back to the same second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(8999, 11, 30) / 1000 }), (seconds) => {
        const ms = seconds * 1000
        expect(capTimeToMs(formatCapTime(ms))).toBe(ms)
        expect(capTimeToMs(new Date(ms).toISOString())).toBe(ms)
      }),
    )
  })

  it('refuses times without a zone and times that do not exist', () => {
    expect(parseCapTime('2026-11-22T10:00:00')).toEqual({ ok: false, key: capErrors.timeZoneMissing })
    expect(parseCapTime('2026-11-22T10:00')).toEqual({ ok: false, key: capErrors.timeZoneMissing })
    for (const bad of ['2026-11-22', '2026-11-22 10:00:00+02:00', '2025-02-29T10:00:00Z', '2026-04-31T10:00:00Z', '2026-11-22T10:60:00Z', '2026-11-22T10:00:00+15:00', '9999-12-31T23:00:00Z', '1969-12-31T23:00:00Z', 'yesterday', '', 17]) {
      expect(parseCapTime(bad)).toEqual({ ok: false, key: capErrors.timeInvalid })
    }
    expect(parseCapTime('2028-02-29T10:00:00-00:00')).toEqual({ ok: true, ms: Date.parse('2028-02-29T10:00:00Z') })
  })
})

describe('CAP polygons and circles', () => {
  it('writes numbers without exponents, with at most 7 decimals', () => {
    expect(formatCapNumber(1e-8)).toBe('0')
    expect(formatCapNumber(-1e-8)).toBe('0')
    expect(formatCapNumber(1.5e-7)).toBe('0.0000002')
    expect(formatCapNumber(56.123456789)).toBe('56.1234568')
    expect(formatCapNumber(23)).toBe('23')
  })

  it('reads what it writes', () => {
    const points: [number, number][] = [[56.65, 23.72], [56.655, 23.73], [56.645, 23.735], [56.65, 23.72]]
    expect(parseCapPolygon(formatCapPolygon(points))).toEqual(points)
    expect(parseCapPolygon('  56.65,23.72\n56.66,23.73\t56.65,23.72 ')).toEqual([[56.65, 23.72], [56.66, 23.73], [56.65, 23.72]])
    expect(parseCapCircle('56.65,23.72 0.5')).toEqual({ lat: 56.65, lon: 23.72, radiusKm: 0.5 })
    for (const bad of ['56.65, 23.72 1', '56.65,23.72', '56.65,23.72 1 2', '95,23 1', '56.65,23.72 abc']) expect(parseCapCircle(bad)).toBeNull()
    for (const bad of ['', '56.65;23.72', '56.65,23.72,1', '56.65,190']) expect(parseCapPolygon(bad)).toBeNull()
  })
})
