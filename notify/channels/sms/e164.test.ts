import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isE164, maskPhone, normalizeE164, redactPhoneNumbers } from './e164.ts'

describe('normalizeE164', () => {
  it('accepts a Latvian mobile number as people type it', () => {
    for (const input of ['20000123', ' 2000 0123 ', '2000-0123', '+371 20000123', '+371 2000 0123', '00371 20000123', '00 371 2000-0123', '371 20000123', '(+371) 20 000 123']) {
      expect(normalizeE164(input), input).toEqual({ ok: true, number: '+37120000123' })
    }
  })

  it('names why a number is refused', () => {
    expect(normalizeE164('')).toMatchObject({ ok: false, error: 'empty' })
    expect(normalizeE164('   ')).toMatchObject({ ok: false, error: 'empty' })
    expect(normalizeE164('2000O123')).toMatchObject({ ok: false, error: 'bad-characters' })
    expect(normalizeE164('20+000123')).toMatchObject({ ok: false, error: 'bad-characters' })
    expect(normalizeE164('2000012')).toMatchObject({ ok: false, error: 'too-short' })
    expect(normalizeE164('+371 2000012')).toMatchObject({ ok: false, error: 'too-short' })
    expect(normalizeE164('+371 200001234')).toMatchObject({ ok: false, error: 'too-long' })
    expect(normalizeE164('200001234')).toMatchObject({ ok: false, error: 'no-country-code' })
    // a landline: 6…; SMS needs a mobile number
    expect(normalizeE164('63000000')).toMatchObject({ ok: false, error: 'not-mobile', message: expect.stringContaining('Latvian mobile') })
    expect(normalizeE164('+371 63000000')).toMatchObject({ ok: false, error: 'not-mobile' })
    expect(normalizeE164('+0123456789')).toMatchObject({ ok: false, error: 'bad-country-code' })
    expect(normalizeE164('+4912345')).toMatchObject({ ok: false, error: 'too-short' })
    expect(normalizeE164('+1234567890123456')).toMatchObject({ ok: false, error: 'too-long' })
  })

  it('accepts other countries by E.164 length and checks the Baltic plans', () => {
    expect(normalizeE164('+49 151 23456789')).toEqual({ ok: true, number: '+4915123456789' })
    expect(normalizeE164('0044 7700 900123')).toEqual({ ok: true, number: '+447700900123' })
    expect(normalizeE164('+370 612 34567')).toEqual({ ok: true, number: '+37061234567' })
    expect(normalizeE164('8 612 34567', 'LT')).toEqual({ ok: true, number: '+37061234567' })
    expect(normalizeE164('+370 5 2123456')).toMatchObject({ ok: false, error: 'not-mobile' })
    expect(normalizeE164('5123 4567', 'EE')).toEqual({ ok: true, number: '+37251234567' })
    expect(normalizeE164('+372 512 3456')).toEqual({ ok: true, number: '+3725123456' })
    expect(normalizeE164('+372 8123 4567')).toEqual({ ok: true, number: '+37281234567' })
    expect(normalizeE164('+372 640 1234')).toMatchObject({ ok: false, error: 'not-mobile' })
  })

  it('always gives strict E.164 when it succeeds', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789 +-()'), maxLength: 22 }), (input) => {
        const result = normalizeE164(input)
        if (result.ok) expect(isE164(result.number)).toBe(true)
        else expect(result.message.length).toBeGreaterThan(0)
      }),
    )
  })
})

describe('maskPhone and redactPhoneNumbers', () => {
  it('shows the country code, the first and the last three digits', () => {
    expect(maskPhone('+37120000123')).toBe('+371 2••••123')
    expect(maskPhone('+37061234567')).toBe('+370 6••••567')
    expect(maskPhone('+4915123456789')).toBe('+49 ••••••••789')
    expect(maskPhone('20000123')).toBe('•••')
  })

  it('never leaves the full number in a masked string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{7,14}$/), (number) => {
        const masked = maskPhone(number)
        expect(masked).not.toContain(number.slice(1))
        expect(masked.replace(/\D/g, '').length).toBeLessThanOrEqual(7)
      }),
    )
  })

  it('masks numbers inside a provider error text', () => {
    expect(redactPhoneNumbers('400 {"error":"invalid_number","message":"+37120000123 unknown; 37120000124 too"}')).toBe(
      '400 {"error":"invalid_number","message":"+371 2••••123 unknown; +371 2••••124 too"}',
    )
    expect(redactPhoneNumbers('status 503, retry in 30 s')).toBe('status 503, retry in 30 s')
  })
})
