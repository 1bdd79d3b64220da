// Poly (Polycom UC Software: VVX, SoundPoint IP) push interface ("Web Application Developer's
// Guide for Polycom Phones"): POST http://phone/push, Content-Type application/x-com-polycom-spipx,
// body <PolycomIPPhone><Data priority="Critical|Normal">XHTML</Data></PolycomIPPhone>; the phone
// challenges every push with HTTP Digest for apps.push.username / apps.push.password. The phone
// shows only priorities allowed by apps.push.messageType (4: Critical, 5: all). A push request's
// content is at most 2 KB, so the text is shortened to fit the whole body.
import { escapeXml } from '#notify/cap/to-xml.ts'
import { fitPhonePage, PHONE_LIMITS, type FittedPhoneText, type PhonePage } from './phone-page.ts'
import type { PhoneRequest } from './phone-http.ts'

export const POLY_PUSH_PATH = '/push'
export const POLY_CONTENT_TYPE = 'application/x-com-polycom-spipx'

function envelope(page: PhonePage, title: string, textHtml: string): string {
  const priority = page.priority === 'critical' ? 'Critical' : 'Normal'
  const ack = page.ackUrl ? `<p><a href="${escapeXml(page.ackUrl)}">${escapeXml(page.ackLabel ?? 'OK')}</a></p>` : ''
  return `<PolycomIPPhone><Data priority="${priority}"><h1>${escapeXml(title)}</h1><p>${textHtml}</p>${ack}</Data></PolycomIPPhone>`
}

function textToXhtml(text: string): string {
  return escapeXml(text).replace(/\r?\n/g, '<br/>')
}

export function fitPolyPage(page: PhonePage): FittedPhoneText {
  // the envelope around the text counts against the 2 KB, and each line break becomes <br/>
  return fitPhonePage(page, (title) => Buffer.byteLength(envelope(page, title, '')) + (page.text.match(/\n/g)?.length ?? 0) * 5)
}

export function polyPushXml(page: PhonePage, fitted: FittedPhoneText = fitPolyPage(page)): string {
  return envelope(page, fitted.title, textToXhtml(fitted.text))
}

export function polyRequest(page: PhonePage): { ok: true; request: PhoneRequest } | { ok: false; reason: string } {
  const body = Buffer.from(polyPushXml(page), 'utf8')
  const limit = PHONE_LIMITS.poly.bodyBytes!
  if (body.length > limit) return { ok: false, reason: `poly: push body ${body.length} bytes > ${limit} (ack URL too long?)` }
  return {
    ok: true,
    request: {
      method: 'POST',
      path: POLY_PUSH_PATH,
      headers: { 'Content-Type': POLY_CONTENT_TYPE },
      body,
      auth: { kind: 'challenge', username: page.phone.username, password: page.phone.password },
    },
  }
}
