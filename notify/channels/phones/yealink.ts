// Yealink SIP-T phones ("XML Browser Developer's Guide for Yealink IP Phones", server-initiated
// application): we POST the XML object to http://phone/servlet?push=xml; the body is `xml=` followed
// by the object, Content-Type text/xml, as Yealink's own push samples send it. The phone accepts
// pushes only from the address in its `push_xml.server` setting; newer firmware also challenges
// for the phone's web credentials (Digest), which we answer. The object is a
// YealinkIPPhoneTextScreen: Title, Text, Beep, Timeout (0 = stays until dismissed: critical pages),
// and a SoftKey whose URI is the ack URL.
import { escapeXml } from '#notify/cap/to-xml.ts'
import { fitPhonePage, PHONE_LIMITS, type FittedPhoneText, type PhonePage } from './phone-page.ts'
import type { PhoneRequest } from './phone-http.ts'

export const YEALINK_PUSH_PATH = '/servlet?push=xml'

/** seconds a normal page stays on screen (critical: 0, until dismissed) */
export const YEALINK_NORMAL_TIMEOUT_S = 120

export function yealinkTextScreenXml(page: PhonePage, fitted: FittedPhoneText = fitPhonePage(page)): string {
  const keys: string[] = []
  if (page.ackUrl) keys.push(softKey(page.ackLabel ?? 'OK', page.ackUrl, 1))
  keys.push(softKey(page.exitLabel ?? 'Exit', 'SoftKey:Exit', keys.length + 1))
  const timeout = page.priority === 'critical' ? 0 : YEALINK_NORMAL_TIMEOUT_S
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<YealinkIPPhoneTextScreen Beep="yes" Timeout="${timeout}" LockIn="no">\n` +
    `<Title>${escapeXml(fitted.title)}</Title>\n` +
    `<Text>${escapeXml(fitted.text)}</Text>\n` +
    keys.join('') +
    '</YealinkIPPhoneTextScreen>\n'
  )
}

function softKey(label: string, uri: string, index: number): string {
  return `<SoftKey index="${index}">\n<Label>${escapeXml(label)}</Label>\n<URI>${escapeXml(uri)}</URI>\n</SoftKey>\n`
}

export function yealinkRequest(page: PhonePage): { ok: true; request: PhoneRequest } | { ok: false; reason: string } {
  const urlChars = PHONE_LIMITS.yealink.urlChars!
  if (page.ackUrl && page.ackUrl.length > urlChars) return { ok: false, reason: `yealink: ackUrl over ${urlChars} characters` }
  return {
    ok: true,
    request: {
      method: 'POST',
      path: YEALINK_PUSH_PATH,
      headers: { 'Content-Type': 'text/xml' },
      body: Buffer.from(`xml=${yealinkTextScreenXml(page)}`, 'utf8'),
      auth: { kind: 'challenge', username: page.phone.username, password: page.phone.password },
    },
  }
}
