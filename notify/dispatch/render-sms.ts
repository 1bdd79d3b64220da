// What an SMS says: the alert in the subscriber's language (fallback lv → en → first). The text of
// a language is the info block's CAP parameter SARGS_SMS when the operator wrote (or shortened)
// one in the composer, else the headline and the instruction — with the exercise marking in front
// for a non-Actual alert (decision 006) and a link to the alert's public page when a base URL is
// given. Nothing is cut: the composer shows the exact encoding and part count of this text
// (notify/channels/sms/encoding.ts) before sending, and this is the text that is sent.
import { pickInfo } from '#notify/cap/languages.ts'
import { markedHeadline } from '#notify/cap/status-marking.ts'
import type { CapAlert, CapInfo } from '#notify/cap/types.ts'

/** CAP parameter (valueName) that carries an info block's hand-written SMS text. */
export const SMS_TEXT_PARAMETER = 'SARGS_SMS'

/** The operator's own SMS text of an info block, if any (trimmed; empty counts as none). */
export function smsTextParameter(info: Pick<CapInfo, 'parameter'>): string | undefined {
  const value = info.parameter?.find((p) => p.valueName === SMS_TEXT_PARAMETER)?.value.trim()
  return value ? value : undefined
}

/** The SMS text of one info block (the same in the composer preview and in the dispatcher). */
export function renderSmsInfo(alert: Pick<CapAlert, 'status' | 'identifier'>, info: CapInfo, options: { baseUrl?: string } = {}): string {
  const own = smsTextParameter(info)
  const body = own ?? [info.headline ?? info.event, info.instruction].filter((s): s is string => Boolean(s?.trim())).map((s) => s.trim()).join('\n')
  const text = markedHeadline(alert.status, info.language, body)
  const link = options.baseUrl ? `${options.baseUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alert.identifier)}` : ''
  // NFC: a decomposed accent (e + combining mark) would count as UCS-2 and as two characters
  return (link && !own ? `${text}\n${link}` : text).normalize('NFC')
}

/** The SMS text for a subscriber who prefers `languages` (in order). */
export function renderSms(alert: CapAlert, languages: readonly string[], options: { baseUrl?: string } = {}): { language: string; text: string } {
  const info = pickInfo(alert, languages)
  if (!info) return { language: 'lv', text: markedHeadline(alert.status, 'lv', alert.identifier) }
  return { language: info.language, text: renderSmsInfo(alert, info, options) }
}
