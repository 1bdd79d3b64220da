import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gsmSeptets, isGsm7, partUnits, smsEncoding, splitSms } from './encoding.ts'

const GSM_BASIC = Array.from(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
const GSM_EXTENSION = Array.from('\f^{}\\[~]|€')
const LATVIAN = Array.from('āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ')
const CYRILLIC = Array.from('абвгдежзийклмнопрстуфхцчшщъыьэюяАБВЁё')
const ASTRAL = ['😀', '🚨', '𝄞', '🌊']

const gsmChar = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...GSM_BASIC) }, { weight: 2, arbitrary: fc.constantFrom(...GSM_EXTENSION) })
const anyChar = fc.oneof(
  { weight: 6, arbitrary: gsmChar },
  { weight: 1, arbitrary: fc.constantFrom(...LATVIAN) },
  { weight: 1, arbitrary: fc.constantFrom(...CYRILLIC) },
  { weight: 1, arbitrary: fc.constantFrom(...ASTRAL) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
)
const gsmText = fc.string({ unit: gsmChar, maxLength: 700 })
const anyText = fc.oneof(gsmText, fc.string({ unit: anyChar, maxLength: 700 }), fc.string({ unit: 'binary', maxLength: 300 }))

describe('smsEncoding and splitSms: properties', () => {
  it('the part count shown equals the parts sent, the parts join to the text and each fits its limit', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const encoding = smsEncoding(text)
        const parts = splitSms(text)
        expect(parts.length).toBe(encoding.parts)
        expect(parts.join('')).toBe(text)
        for (const part of parts) expect(partUnits(part, encoding.encoding)).toBeLessThanOrEqual(encoding.perPart)
        expect(encoding.charactersLeftInLastPart).toBe(encoding.perPart - partUnits(parts.at(-1)!, encoding.encoding))
        expect(encoding.charactersLeftInLastPart).toBeGreaterThanOrEqual(0)
        expect(parts.reduce((sum, part) => sum + partUnits(part, encoding.encoding), 0)).toBe(encoding.units)
        if (parts.length > 1) for (const part of parts) expect(part.length).toBeGreaterThan(0)
      }),
      { numRuns: 400 },
    )
  })

  it('text made only of GSM characters is GSM-7 with no forcing characters', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const encoding = smsEncoding(text)
        expect(encoding.encoding).toBe('GSM-7')
        expect(encoding.nonGsmCharacters).toEqual([])
        expect(encoding.perPart).toBe(encoding.parts === 1 ? 160 : 153)
      }),
    )
  })

  // an extension character is one string character, so a GSM-7 part holds its escape pair whole and
  // the septet limit above is what matters; a surrogate pair is two, so check every cut
  it('a UCS-2 part never ends inside a surrogate pair', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parts = splitSms(text)
        let offset = 0
        for (const part of parts.slice(0, -1)) {
          offset += part.length
          const before = text.charCodeAt(offset - 1)
          const after = text.charCodeAt(offset)
          expect(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff).toBe(false)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('one character outside the alphabet makes all of it UCS-2 and is named', () => {
    fc.assert(
      fc.property(gsmText, fc.constantFrom(...LATVIAN, ...CYRILLIC, ...ASTRAL), fc.nat(), (text, odd, at) => {
        const i = at % (text.length + 1)
        const mixed = text.slice(0, i) + odd + text.slice(i)
        const encoding = smsEncoding(mixed)
        expect(encoding.encoding).toBe('UCS-2')
        expect(encoding.nonGsmCharacters).toEqual([odd])
        expect(encoding.units).toBe(mixed.length)
      }),
    )
  })
})

describe('smsEncoding and splitSms: examples', () => {
  it('160 GSM characters are 1 part, 161 are 2, 153 × 2 + 1 are 3', () => {
    expect(smsEncoding('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1, perPart: 160, charactersLeftInLastPart: 0, nonGsmCharacters: [] })
    expect(smsEncoding('a'.repeat(161))).toMatchObject({ parts: 2, perPart: 153, charactersLeftInLastPart: 153 * 2 - 161 })
    expect(splitSms('a'.repeat(161)).map((p) => p.length)).toEqual([153, 8])
    expect(smsEncoding('a'.repeat(306))).toMatchObject({ parts: 2, charactersLeftInLastPart: 0 })
    expect(smsEncoding('a'.repeat(307))).toMatchObject({ parts: 3, charactersLeftInLastPart: 152 })
    expect(splitSms('a'.repeat(307)).map((p) => p.length)).toEqual([153, 153, 1])
  })

  it('a lone Ā is UCS-2; 70 UCS-2 units are 1 part, 71 are 2 (67 + 4)', () => {
    expect(smsEncoding('Ā')).toEqual({ encoding: 'UCS-2', units: 1, parts: 1, perPart: 70, charactersLeftInLastPart: 69, nonGsmCharacters: ['Ā'] })
    expect(smsEncoding('ā'.repeat(70))).toMatchObject({ encoding: 'UCS-2', parts: 1, charactersLeftInLastPart: 0 })
    expect(smsEncoding('ā'.repeat(71))).toMatchObject({ encoding: 'UCS-2', parts: 2, perPart: 67, charactersLeftInLastPart: 63 })
    expect(splitSms('ā'.repeat(71)).map((p) => p.length)).toEqual([67, 4])
    expect(smsEncoding('ā'.repeat(134))).toMatchObject({ parts: 2 })
    expect(smsEncoding('ā'.repeat(135))).toMatchObject({ parts: 3 })
  })

  it('€ and the other extension characters count two septets; form feed too', () => {
    expect(smsEncoding('€')).toMatchObject({ encoding: 'GSM-7', units: 2 })
    expect(smsEncoding('^{}\\[~]|€\f')).toMatchObject({ encoding: 'GSM-7', units: 20 })
    expect(smsEncoding('€'.repeat(80))).toMatchObject({ units: 160, parts: 1 })
    expect(smsEncoding('a' + '€'.repeat(80))).toMatchObject({ units: 161, parts: 2 })
  })

  it('moves an escape pair that would straddle the 153-septet boundary to the next part', () => {
    // 152 septets + '€' (2) does not fit 153: the € starts part 2
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10)
    const parts = splitSms(text)
    expect(parts).toEqual(['a'.repeat(152), '€' + 'b'.repeat(10)])
    expect(smsEncoding(text)).toMatchObject({ units: 164, parts: 2, charactersLeftInLastPart: 153 - 12 })
  })

  it('never splits an emoji (surrogate pair) between UCS-2 parts', () => {
    const text = 'ā'.repeat(66) + '🚨' + 'ā'.repeat(5)
    const parts = splitSms(text)
    expect(parts).toEqual(['ā'.repeat(66), '🚨' + 'ā'.repeat(5)])
    expect(smsEncoding(text)).toMatchObject({ encoding: 'UCS-2', units: 73, parts: 2, nonGsmCharacters: ['ā', '🚨'] })
  })

  it('keeps accented letters of the GSM basic table in GSM-7 (é ü Ä Ö Ñ à ß É Ç) but not ç, á or ő', () => {
    expect(smsEncoding('Café über Äpfel, Öl, Ñandù? à la ß, École, Ça')).toMatchObject({ encoding: 'GSM-7', nonGsmCharacters: [] })
    expect(smsEncoding('Ñandú').nonGsmCharacters).toEqual(['ú'])
    expect(isGsm7('éüÄÖÑàßÉÇ¿¡§¤£¥')).toBe(true)
    expect(smsEncoding('ça á ő').nonGsmCharacters).toEqual(['ç', 'á', 'ő'])
    expect(gsmSeptets('Δ')).toBe(1)
    expect(gsmSeptets('`')).toBeUndefined()
  })

  it('a Latvian alert and a Cyrillic sentence are UCS-2 with the exact part count', () => {
    const lv = 'Plūdu draudi: evakuējieties no Lielupes krasta līdz 18:00. Patvertne: Jelgavas 4. vidusskola.'
    expect(smsEncoding(lv)).toMatchObject({ encoding: 'UCS-2', units: lv.length, parts: 2, perPart: 67 })
    expect(smsEncoding(lv).nonGsmCharacters).toEqual(['ū', 'ē', 'ī'])
    const ru = 'Угроза наводнения. Эвакуируйтесь до 18:00.'
    expect(smsEncoding(ru)).toMatchObject({ encoding: 'UCS-2', units: 42, parts: 1, charactersLeftInLastPart: 28 })
    expect(splitSms(ru)).toEqual([ru])
  })

  it('the empty text is one empty GSM-7 part', () => {
    expect(smsEncoding('')).toEqual({ encoding: 'GSM-7', units: 0, parts: 1, perPart: 160, charactersLeftInLastPart: 160, nonGsmCharacters: [] })
    expect(splitSms('')).toEqual([''])
  })
})
