// Phone numbers for SMS: normalising what people type into E.164 (ITU-T E.164: '+', country code,
// at most 15 digits) and masking numbers for logs and screens. A full number never appears in a URL
// or a log line: use maskPhone (one number) or redactPhoneNumbers (free text such as a provider's
// error body).
//
//   normalizeE164(' 2000-0123 ')          → { ok: true, number: '+37120000123' }
//   normalizeE164('0037160000000')        → { ok: false, error: 'not-mobile', message: … }
//   maskPhone('+37120000123')             → '+371 2••••123'
//   redactPhoneNumbers('bad to=+37120000123') → 'bad to=+371 2••••123'
//
// Latvia (the default), Lithuania and Estonia are checked by their numbering plans, mobile numbers
// only (an SMS to a landline is lost): LV 8 digits starting with 2; LT 8 digits starting with 6
// (the national trunk prefix 8 is dropped); EE 7–8 digits starting with 5, or 81/82 + 6 digits. Other
// countries' +CC numbers are accepted by E.164 length (8–15 digits, country code not starting with 0).

export type CountryCode = 'LV' | 'LT' | 'EE'

export type E164Error = 'empty' | 'bad-characters' | 'no-country-code' | 'bad-country-code' | 'too-short' | 'too-long' | 'not-mobile'

export type E164Result = { ok: true; number: string } | { ok: false; error: E164Error; message: string }

type NumberingPlan = { callingCode: string; lengths: number[]; mobile: RegExp; trunkPrefix?: string; name: string }

const PLANS: Record<CountryCode, NumberingPlan> = {
  LV: { callingCode: '371', lengths: [8], mobile: /^2\d{7}$/, name: 'Latvian' },
  LT: { callingCode: '370', lengths: [8], mobile: /^6\d{7}$/, trunkPrefix: '8', name: 'Lithuanian' },
  EE: { callingCode: '372', lengths: [7, 8], mobile: /^(5\d{6,7}|8[12]\d{6})$/, name: 'Estonian' },
}

const BY_CALLING_CODE = new Map(Object.values(PLANS).map((plan) => [plan.callingCode, plan]))

/** A strict E.164 number: '+', a country code not starting with 0, 8–15 digits in all. */
export const E164 = /^\+[1-9]\d{7,14}$/

export function isE164(value: string): boolean {
  return E164.test(value)
}

const fail = (error: E164Error, message: string): E164Result => ({ ok: false, error, message })

/** What a person typed (spaces, dashes, dots, brackets, 00 or + prefix) → E.164, or why not. */
export function normalizeE164(input: string, defaultCountry: CountryCode = 'LV'): E164Result {
  const trimmed = input.trim()
  if (trimmed === '') return fail('empty', 'no number given')
  const compact = trimmed.replace(/[\s\-.()/]/g, '')
  if (!/^\+?\d+$/.test(compact)) return fail('bad-characters', 'only digits, spaces, dashes, brackets and a leading + are allowed')
  if (compact.startsWith('+')) return international(compact.slice(1))
  if (compact.startsWith('00')) return international(compact.slice(2))
  const plan = PLANS[defaultCountry]
  // '371 2000 0123' typed without + or 00
  if (compact.startsWith(plan.callingCode) && plan.lengths.includes(compact.length - plan.callingCode.length)) {
    return international(compact)
  }
  let national = compact
  if (plan.trunkPrefix && national.startsWith(plan.trunkPrefix) && plan.lengths.includes(national.length - plan.trunkPrefix.length)) {
    national = national.slice(plan.trunkPrefix.length)
  }
  if (!plan.lengths.includes(national.length)) {
    return fail(
      national.length < Math.min(...plan.lengths) ? 'too-short' : 'no-country-code',
      `a ${plan.name} number has ${plan.lengths.join(' or ')} digits; other countries need + and the country code`,
    )
  }
  return checkPlan(plan, national)
}

function international(digits: string): E164Result {
  if (digits.startsWith('0')) return fail('bad-country-code', 'a country code never starts with 0')
  if (digits.length < 8) return fail('too-short', 'an international number has at least 8 digits')
  if (digits.length > 15) return fail('too-long', 'an international number has at most 15 digits (E.164)')
  for (const [callingCode, plan] of BY_CALLING_CODE) {
    if (digits.startsWith(callingCode)) {
      const national = digits.slice(callingCode.length)
      if (national.length < Math.min(...plan.lengths)) return fail('too-short', `a ${plan.name} number has ${plan.lengths.join(' or ')} digits after +${callingCode}`)
      if (national.length > Math.max(...plan.lengths)) return fail('too-long', `a ${plan.name} number has ${plan.lengths.join(' or ')} digits after +${callingCode}`)
      return checkPlan(plan, national)
    }
  }
  return { ok: true, number: `+${digits}` }
}

function checkPlan(plan: NumberingPlan, national: string): E164Result {
  if (!plan.mobile.test(national)) return fail('not-mobile', `not a ${plan.name} mobile number (SMS needs a mobile number)`)
  return { ok: true, number: `+${plan.callingCode}${national}` }
}

/** '+37120000123' → '+371 2••••123': country code, first and last three digits. '•••' for non-E.164. */
export function maskPhone(e164: string): string {
  if (!E164.test(e164)) return '•••'
  const digits = e164.slice(1)
  const known = [...BY_CALLING_CODE.keys()].find((code) => digits.startsWith(code))
  const code = known ?? digits.slice(0, 2)
  const rest = digits.slice(code.length)
  const head = known ? rest.slice(0, 1) : ''
  return `+${code} ${head}${'•'.repeat(rest.length - head.length - 3)}${rest.slice(-3)}`
}

/** Masks every number-looking run of 8–15 digits (with or without +) in free text. */
export function redactPhoneNumbers(text: string): string {
  return text.replace(/\+?(?<!\d)\d{8,15}(?!\d)/g, (match) => maskPhone(`+${match.replace('+', '')}`))
}
