// Cisco Unified IP phones (CUCM XML services; "Cisco Unified IP Phone Services Application
// Development Notes"). A page takes two steps:
//   1. we POST `XML=<CiscoIPPhoneExecute>` (form field) to http://phone/CGI/Execute with HTTP Basic
//      credentials of a user associated with the phone (checked by the phone's authentication URL);
//      the ExecuteItem's URL is the page's `pageUrl`, Priority 0 (now) for critical, 1 (when idle)
//      for normal;
//   2. the phone GETs `pageUrl` and shows the CiscoIPPhoneText found there. Sargs serves that URL
//      with ciscoTextXml(page) (Content-Type CISCO_XML_CONTENT_TYPE); its first soft key requests
//      `ackUrl`.
// The phone answers CiscoIPPhoneResponse (ResponseItem Status 0 = done) or CiscoIPPhoneError Number
// 1 parse error, 2 framing error, 3 internal file error, 4 authentication error.
import { escapeXml } from '#notify/cap/to-xml.ts'
import type { SendResult } from '../contract.ts'
import { fitPhoneText, PHONE_LIMITS, type FittedPhoneText, type PhonePage } from './phone-page.ts'
import type { PhoneAnswer, PhoneRequest } from './phone-http.ts'
import { child, readXml } from './read-xml.ts'

/** What Sargs answers when the phone fetches pageUrl (the XML declaration names utf-8 too). */
export const CISCO_XML_CONTENT_TYPE = 'text/xml; charset=utf-8'
export const CISCO_EXECUTE_PATH = '/CGI/Execute'

// the phones read the encoding from the declaration only and otherwise assume the locale's
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

/** What the page route needs to render a Cisco page (no phone, no credentials). */
export type CiscoTextPage = Pick<PhonePage, 'title' | 'text' | 'ackUrl' | 'ackLabel' | 'exitLabel'>

export function fitCiscoPage(page: CiscoTextPage): FittedPhoneText {
  return fitPhoneText(page, PHONE_LIMITS.cisco)
}

/** The CiscoIPPhoneText object for a page: Title, Text, an ack soft key (when ackUrl) and Exit. */
export function ciscoTextXml(page: CiscoTextPage, fitted: FittedPhoneText = fitCiscoPage(page)): string {
  const keys: string[] = []
  if (page.ackUrl) keys.push(softKey(page.ackLabel ?? 'OK', page.ackUrl, 1))
  keys.push(softKey(page.exitLabel ?? 'Exit', 'SoftKey:Exit', keys.length + 1))
  return (
    DECLARATION +
    '<CiscoIPPhoneText>\n' +
    `<Title>${escapeXml(fitted.title)}</Title>\n` +
    `<Text>${escapeXml(fitted.text)}</Text>\n` +
    keys.join('') +
    '</CiscoIPPhoneText>\n'
  )
}

function softKey(name: string, url: string, position: number): string {
  return `<SoftKeyItem>\n<Name>${escapeXml(name)}</Name>\n<URL>${escapeXml(url)}</URL>\n<Position>${position}</Position>\n</SoftKeyItem>\n`
}

export function ciscoExecuteXml(url: string, priority: PhonePage['priority']): string {
  const level = priority === 'critical' ? 0 : 1
  return `${DECLARATION}<CiscoIPPhoneExecute>\n<ExecuteItem Priority="${level}" URL="${escapeXml(url)}"/>\n</CiscoIPPhoneExecute>\n`
}

/** The request to /CGI/Execute, or why there cannot be one. */
export function ciscoRequest(page: PhonePage): { ok: true; request: PhoneRequest } | { ok: false; reason: string } {
  const urlChars = PHONE_LIMITS.cisco.urlChars!
  if (!page.pageUrl) return { ok: false, reason: 'cisco: pageUrl is required (the phone fetches the text from it)' }
  if (!/^https?:\/\//.test(page.pageUrl)) return { ok: false, reason: 'cisco: pageUrl must be http:// or https://' }
  if (page.pageUrl.length > urlChars) return { ok: false, reason: `cisco: pageUrl over ${urlChars} characters` }
  if (page.ackUrl && page.ackUrl.length > urlChars) return { ok: false, reason: `cisco: ackUrl over ${urlChars} characters` }
  const keyChars = PHONE_LIMITS.cisco.softKeyChars!
  for (const [name, label] of [['ackLabel', page.ackLabel], ['exitLabel', page.exitLabel]] as const) {
    if (label && [...label].length > keyChars) return { ok: false, reason: `cisco: ${name} over ${keyChars} characters` }
  }
  const body = Buffer.from(new URLSearchParams({ XML: ciscoExecuteXml(page.pageUrl, page.priority) }).toString(), 'utf8')
  return {
    ok: true,
    request: {
      method: 'POST',
      path: CISCO_EXECUTE_PATH,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      auth: { kind: 'basic-preemptive', username: page.phone.username, password: page.phone.password },
    },
  }
}

const CISCO_ERRORS: Record<string, string> = {
  '1': 'error parsing CiscoIPPhoneExecute object',
  '2': 'error framing CiscoIPPhoneResponse object',
  '3': 'internal file error',
  '4': 'authentication error',
}

/** A 2xx answer's body: CiscoIPPhoneResponse or CiscoIPPhoneError. */
export function mapCiscoBody(status: number, body: string): SendResult {
  let root
  try {
    root = readXml(body)
  } catch {
    return { kind: 'retry', reason: `cisco: unreadable answer: ${body.slice(0, 120)}`, httpStatus: status }
  }
  if (root.name === 'CiscoIPPhoneError') {
    const number = root.attributes.Number ?? '?'
    const reason = `cisco error ${number}: ${CISCO_ERRORS[number] ?? (root.text.trim() || 'unknown')}`
    // 4: wrong user or the user is not associated with the phone; 1: the phone cannot read what we
    // send, so it never will. 2, 3 and unknown numbers are the phone's own trouble: try again.
    if (number === '4' || number === '1') return { kind: 'permanent', deadAddress: false, reason, httpStatus: status }
    return { kind: 'retry', reason, httpStatus: status }
  }
  if (root.name === 'CiscoIPPhoneResponse') {
    const item = child(root, 'ResponseItem')
    if (!item) return { kind: 'retry', reason: 'cisco: response without ResponseItem', httpStatus: status }
    const itemStatus = item.attributes.Status ?? ''
    if (itemStatus === '0') return { kind: 'sent', httpStatus: status, ...(item.attributes.Data ? { providerMessageId: item.attributes.Data } : {}) }
    // the phone took the request but could not execute the item now (busy, could not fetch)
    return { kind: 'retry', reason: `cisco: ResponseItem Status ${itemStatus} ${item.attributes.Data ?? ''}`.trim(), httpStatus: status }
  }
  return { kind: 'retry', reason: `cisco: unexpected answer <${root.name}>`, httpStatus: status }
}

export function mapCiscoAnswer(answer: PhoneAnswer): SendResult | undefined {
  if (answer.kind === 'answer' && answer.status >= 200 && answer.status < 300) return mapCiscoBody(answer.status, answer.body)
  return undefined
}
