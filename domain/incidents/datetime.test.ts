import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDateTimeInput, toLocalInputValue } from './datetime.ts'

describe('date-time inputs in Europe/Riga', () => {
  it('reads ISO with a zone as is', () => {
    expect(parseDateTimeInput('2026-03-01T10:30:00Z')?.toISOString()).toBe('2026-03-01T10:30:00.000Z')
    expect(parseDateTimeInput('2026-03-01T10:30+02:00')?.toISOString()).toBe('2026-03-01T08:30:00.000Z')
  })

  it('reads a local time in Riga: UTC+2 in winter, UTC+3 in summer', () => {
    expect(parseDateTimeInput('2026-01-15T12:00')?.toISOString()).toBe('2026-01-15T10:00:00.000Z')
    expect(parseDateTimeInput('2026-07-15T12:00')?.toISOString()).toBe('2026-07-15T09:00:00.000Z')
  })

  it('refuses what is not a date-time', () => {
    for (const bad of ['', 'yesterday', '2026-02-30T10:00', '2026-13-01T10:00', '2026-01-01T24:00', '2026-01-01', '1700000000']) {
      expect(parseDateTimeInput(bad), bad).toBeNull()
    }
  })

  it('round-trips through the datetime-local value (to the minute)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const minute = new Date(Math.floor(date.getTime() / 60_000) * 60_000)
        const back = parseDateTimeInput(toLocalInputValue(minute))
        // the hour repeated when summer time ends is ambiguous: either reading is one hour apart
        const diff = Math.abs((back?.getTime() ?? 0) - minute.getTime())
        expect(diff === 0 || diff === 3_600_000).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
