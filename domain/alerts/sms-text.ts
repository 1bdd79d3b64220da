// The SMS of one language as it will be sent, with its encoding and part count: what the composer
// counts live while the operator types and what the preview shows before issuing. Both go through
// the dispatcher's own renderer (notify/dispatch/render-sms.ts) and the encoder that splits the
// parts (notify/channels/sms/encoding.ts), so the count shown is the count sent; nothing is cut.
// Browser-safe: both modules are pure (no Node, no database); app/ code may not import notify/
// directly, so the composer reaches them through this module (as composer-fields.ts does for CAP).
//
//   smsTextPreview({ status, identifier, info, baseUrl }) → { text, custom, encoding, parts, … }
//   smsDefaultBody(info)  → the text sent when the operator writes none (before the marking)
//   smsTextParameters(text) → the info block's `parameter` carrying the operator's text
import type { SmsEncoding } from '#notify/channels/sms/encoding.ts'
import { smsEncoding } from '#notify/channels/sms/encoding.ts'
import type { CapAlert, CapInfo, CapValuePair } from '#notify/cap/types.ts'
import { renderSmsInfo, SMS_TEXT_PARAMETER, smsTextParameter } from '#notify/dispatch/render-sms.ts'

export { SMS_TEXT_PARAMETER }

/** More parts than this and the composer warns (cost, and phones that reassemble badly). */
export const SMS_PARTS_WARNING = 3

/** What the SMS renderer reads of an info block. */
export type SmsInfo = Pick<CapInfo, 'language'> & Partial<Pick<CapInfo, 'event' | 'headline' | 'instruction' | 'parameter'>>

export type SmsTextPreview = SmsEncoding & {
  language: string
  /** exactly the text sent (marking, and the link when the default text carries one) */
  text: string
  /** the operator wrote this language's SMS text (SARGS_SMS) */
  custom: boolean
  /** more than SMS_PARTS_WARNING parts */
  tooManyParts: boolean
}

// as composeAlert stores the block: a blank text is no text (the event then stands in for the headline)
const blank = (s: string | undefined) => (s?.trim() ? s : undefined)
const asInfo = (info: SmsInfo) =>
  ({ parameter: [], ...info, event: blank(info.event), headline: blank(info.headline), instruction: blank(info.instruction) }) as unknown as CapInfo

export function smsTextPreview(options: {
  status: string
  /** the alert's identifier (its length counts: the default text links to /alerts/<identifier>) */
  identifier: string
  info: SmsInfo
  /** the public origin the dispatcher links from (PUBLIC_URL); no link without it */
  baseUrl?: string | null
}): SmsTextPreview {
  const info = asInfo(options.info)
  const alert = { status: options.status as CapAlert['status'], identifier: options.identifier }
  const text = renderSmsInfo(alert, info, { baseUrl: options.baseUrl ?? undefined })
  const encoding = smsEncoding(text)
  return {
    language: info.language.split('-')[0],
    text,
    custom: smsTextParameter(info) !== undefined,
    tooManyParts: encoding.parts > SMS_PARTS_WARNING,
    ...encoding,
  }
}

/** The text sent when the operator writes none: headline (or event) and instruction, unmarked. */
export function smsDefaultBody(info: Omit<SmsInfo, 'parameter'>): string {
  return renderSmsInfo({ status: 'Actual', identifier: '' }, asInfo({ ...info, parameter: [] }))
}

/** The info block's parameters for the operator's SMS text (none for an empty text). */
export function smsTextParameters(text: string | undefined): CapValuePair[] {
  const value = text?.trim()
  return value ? [{ valueName: SMS_TEXT_PARAMETER, value }] : []
}
