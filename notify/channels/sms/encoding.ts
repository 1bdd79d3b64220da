// SMS text encoding (3GPP TS 23.038 / GSM 03.38) and concatenation (TS 23.040): which alphabet a text
// needs, how many parts it is sent in, and the exact parts. The count shown before sending
// (`smsEncoding`) and the parts sent (`splitSms`) come from ONE walk over the text, so they agree.
//
//   smsEncoding(text)  → { encoding, units, parts, perPart, charactersLeftInLastPart, nonGsmCharacters }
//   splitSms(text)     → the parts, in order; parts.join('') === text
//   isGsm7(text)       → every character is in the GSM 7-bit default alphabet (basic or extension)
//
// GSM-7: 160 septets in one SMS, 153 per part of a concatenated one (the 6-byte UDH takes 7 septets);
// the extension characters ^ { } \ [ ~ ] | € and form feed are an escape pair (2 septets), and a
// part never ends between the escape and its character. UCS-2: 70 UTF-16 code units, 67 per part;
// a part never splits a surrogate pair (an emoji is 2 units and stays whole). One character outside
// the GSM alphabet (any Latvian long vowel or soft consonant, any Cyrillic letter) makes the WHOLE
// text UCS-2. No national language shift tables (there is none for Latvian); no transliteration.
// The text is taken as it is: render it in NFC, or 'e' + combining accent counts as UCS-2.

export type SmsEncodingName = 'GSM-7' | 'UCS-2'

export type SmsEncoding = {
  encoding: SmsEncodingName
  /** septets (GSM-7; an extension character counts two) or UTF-16 code units (UCS-2) */
  units: number
  /** SMS parts the text is sent in (1 for the empty text) */
  parts: number
  /** units per part: 160 / 153 (GSM-7), 70 / 67 (UCS-2) for one part / a concatenated message */
  perPart: number
  /** units still free in the last part (in septets for GSM-7: an extension character needs two) */
  charactersLeftInLastPart: number
  /** the characters that forced UCS-2, each once, in order of first appearance ([] for GSM-7) */
  nonGsmCharacters: string[]
}

export const GSM7_SINGLE = 160
export const GSM7_PER_PART = 153
export const UCS2_SINGLE = 70
export const UCS2_PER_PART = 67

// GSM 03.38 default alphabet, positions 0x00–0x7F (0x1B, the escape to the extension table, left out)
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ' + 'ÆæßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà'
// GSM 03.38 extension table: sent as ESC + character, 2 septets each
const GSM_EXTENSION = '\f^{}\\[~]|€'

const BASIC = new Set(Array.from(GSM_BASIC))
const EXTENSION = new Set(Array.from(GSM_EXTENSION))

/** Septets a character takes in GSM-7: 1 (basic), 2 (extension), undefined (not in the alphabet). */
export function gsmSeptets(character: string): 1 | 2 | undefined {
  if (BASIC.has(character)) return 1
  if (EXTENSION.has(character)) return 2
  return undefined
}

export function isGsm7(text: string): boolean {
  for (const character of text) if (gsmSeptets(character) === undefined) return false
  return true
}

type Walk = SmsEncoding & { partTexts: string[] }

// One walk: the parts of a multi-part message are filled greedily, a character that does not fit
// whole (escape pair, surrogate pair) starts the next part.
function walk(text: string): Walk {
  const characters = Array.from(text) // code points: a surrogate pair is one element
  const nonGsm: string[] = []
  const seen = new Set<string>()
  let septets = 0
  for (const character of characters) {
    const cost = gsmSeptets(character)
    if (cost === undefined) {
      if (!seen.has(character)) {
        seen.add(character)
        nonGsm.push(character)
      }
    } else septets += cost
  }
  const gsm = nonGsm.length === 0
  const encoding: SmsEncodingName = gsm ? 'GSM-7' : 'UCS-2'
  const units = gsm ? septets : text.length
  const cost = gsm ? (c: string) => gsmSeptets(c) as number : (c: string) => c.length
  const single = gsm ? GSM7_SINGLE : UCS2_SINGLE
  if (units <= single) {
    return { encoding, units, parts: 1, perPart: single, charactersLeftInLastPart: single - units, nonGsmCharacters: nonGsm, partTexts: [text] }
  }
  const perPart = gsm ? GSM7_PER_PART : UCS2_PER_PART
  const partTexts: string[] = []
  let current = ''
  let used = 0
  for (const character of characters) {
    const c = cost(character)
    if (used + c > perPart) {
      partTexts.push(current)
      current = ''
      used = 0
    }
    current += character
    used += c
  }
  partTexts.push(current)
  return { encoding, units, parts: partTexts.length, perPart, charactersLeftInLastPart: perPart - used, nonGsmCharacters: nonGsm, partTexts }
}

/** The encoding and part count of a text, as it will be sent (show this before sending). */
export function smsEncoding(text: string): SmsEncoding {
  const { partTexts: _partTexts, ...encoding } = walk(text)
  return encoding
}

/** The exact parts a text is sent in; joined they give the text back. */
export function splitSms(text: string): string[] {
  return walk(text).partTexts
}

/** Units (septets or UTF-16 code units) of one part in the text's encoding. */
export function partUnits(part: string, encoding: SmsEncodingName): number {
  if (encoding === 'UCS-2') return part.length
  let septets = 0
  for (const character of part) septets += gsmSeptets(character) ?? 0
  return septets
}
