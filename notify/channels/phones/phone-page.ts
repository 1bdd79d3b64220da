// What a page to a desk IP phone is, how much text each vendor's object holds, and the one pure
// function that fits a page into it (fitPhonePage). Fitting is deterministic, so the composer's
// preview and the adapter cut exactly the same way: what the operator sees before issuing is what
// the phone shows, and the report says what was cut (an ellipsis marks it on the phone).
//
//   fitPhonePage(page)              → { title, text, cut: [...] }   (before sending: preview)
//   createPhoneAckToken(id, secret) → token for the ack URL; parsePhoneAck(token, secret) → id
import crypto from 'node:crypto'
import { escapeXml } from '#notify/cap/to-xml.ts'

export type PhoneVendor = 'cisco' | 'yealink' | 'poly'

export type PhonePage = {
  phone: {
    vendor: PhoneVendor
    /** `host` or `host:port` of the phone's web server (IPv6 in brackets) */
    address: string
    /** decrypted by the caller: Cisco: a user associated with the phone; Yealink: the phone's web
     * user; Poly: apps.push.username / apps.push.password */
    username: string
    password: string
  }
  /** the headline, already in the group's language */
  title: string
  /** the instruction, already in the group's language */
  text: string
  /** the phone requests this URL when the acknowledgement soft key is pressed */
  ackUrl?: string
  /** label of the acknowledgement soft key (already translated); 'OK' when absent */
  ackLabel?: string
  /** Cisco, Yealink: label of the soft key that closes the page (already translated); 'Exit' when absent */
  exitLabel?: string
  /** Cisco only: where the phone fetches the CiscoIPPhoneText object (Sargs serves ciscoTextXml) */
  pageUrl?: string
  priority: 'critical' | 'normal'
}

export type PhoneTextLimits = {
  /** characters (code points) of the title */
  titleChars: number
  /** UTF-8 bytes of the XML-escaped text */
  textBytes: number
  /** UTF-8 bytes of the whole request body (Poly: 2 KB); the text is shortened to fit it */
  bodyBytes?: number
  /** characters of a URL the phone is given (ExecuteItem, SoftKeyItem) */
  urlChars?: number
  /** characters of a soft key label (a longer ackLabel is refused, never cut) */
  softKeyChars?: number
}

/**
 * The vendors' documented limits (docs/decisions/015-ip-phone-paging.md has the sources).
 * Cisco: Title and Prompt 32 characters, Text 4000 bytes, URLs 256 characters (CiscoIPPhoneText,
 * CiscoIPPhoneExecute). Poly: a push request's content is at most 2 KB. Yealink publishes no limit
 * for YealinkIPPhoneTextScreen: ours (64 / 2048) keep a page readable and the request small.
 */
export const PHONE_LIMITS: Record<PhoneVendor, PhoneTextLimits> = {
  cisco: { titleChars: 32, textBytes: 4000, urlChars: 256, softKeyChars: 32 },
  yealink: { titleChars: 64, textBytes: 2048, urlChars: 511 },
  poly: { titleChars: 64, textBytes: 2048, bodyBytes: 2048, urlChars: 511 },
}

export const ELLIPSIS = '…'

export type FitCut = { field: 'title' | 'text'; fromChars: number; toChars: number; reason: string }

export type FittedPhoneText = { title: string; text: string; cut: FitCut[] }

// C0 controls other than tab, LF, CR (and DEL) are not allowed in XML 1.0 nor on a Cisco display
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g

export function escapedBytes(value: string): number {
  return Buffer.byteLength(escapeXml(value))
}

/**
 * Fits a title and a text into limits: control characters dropped, the title cut to
 * `titleChars`, the text cut so that its escaped UTF-8 form is at most `textBytes` (and the
 * `extraBytes` of the envelope plus the text at most `bodyBytes`). A cut ends with "…", at a
 * space when one is near, never inside a character. Says what it cut.
 */
export function fitPhoneText(
  input: { title: string; text: string },
  limits: PhoneTextLimits,
  envelopeBytes: (title: string) => number = () => 0,
): FittedPhoneText {
  const cut: FitCut[] = []
  const cleanTitle = input.title.replace(CONTROLS, '').replace(/\s+/g, ' ').trim()
  const cleanText = input.text.replace(/\r\n?/g, '\n').replace(CONTROLS, '').trim()

  let title = cleanTitle
  const titleLength = [...cleanTitle].length
  if (titleLength > limits.titleChars) {
    title = cutTo(cleanTitle, (candidate) => [...candidate].length <= limits.titleChars)
    cut.push({ field: 'title', fromChars: titleLength, toChars: [...title].length, reason: `title over ${limits.titleChars} characters` })
  }

  let budget = limits.textBytes
  let why = `text over ${limits.textBytes} bytes`
  if (limits.bodyBytes !== undefined) {
    const room = limits.bodyBytes - envelopeBytes(title)
    if (room < budget) {
      budget = Math.max(0, room)
      why = `request over ${limits.bodyBytes} bytes`
    }
  }
  let text = cleanText
  if (escapedBytes(cleanText) > budget) {
    text = cutTo(cleanText, (candidate) => escapedBytes(candidate) <= budget)
    cut.push({ field: 'text', fromChars: [...cleanText].length, toChars: [...text].length, reason: why })
  }
  return { title, text, cut }
}

/** The longest prefix (whole code points, preferring a word end) + "…" that `fits`. */
function cutTo(value: string, fits: (candidate: string) => boolean): string {
  const points = [...value]
  let low = 0
  let high = points.length
  // binary search on the number of code points kept
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (fits(points.slice(0, mid).join('').trimEnd() + ELLIPSIS)) low = mid
    else high = mid - 1
  }
  if (low === 0) return fits(ELLIPSIS) ? ELLIPSIS : ''
  const kept = points.slice(0, low).join('')
  // back up to the last space when it costs at most a fifth of what is kept
  const space = kept.search(/\s\S*$/)
  const atWord = space > 0 && space >= kept.length * 0.8 ? kept.slice(0, space) : kept
  return atWord.trimEnd() + ELLIPSIS
}

/** Fits a page for its vendor (the envelope each vendor's module builds counts for Poly). */
export function fitPhonePage(page: Pick<PhonePage, 'phone' | 'title' | 'text'> & Partial<PhonePage>, envelopeBytes?: (title: string) => number): FittedPhoneText {
  return fitPhoneText({ title: page.title, text: page.text }, PHONE_LIMITS[page.phone.vendor], envelopeBytes)
}

// ---- acknowledgement tokens (a suggestion for the lead's ack route) ----

/**
 * A token for the ack URL: `<deliveryId>.<HMAC-SHA256(secret, deliveryId) base64url, 22 chars>`.
 * The phone requests e.g. `https://sargs.example/phone-ack/<token>` with a plain GET (no cookie,
 * no credentials), so the token itself is the proof; deliveryId is the ledger row to acknowledge.
 */
export function createPhoneAckToken(deliveryId: string, secret: string | Buffer): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(deliveryId)) throw new Error('deliveryId: 1-64 characters A-Z a-z 0-9 _ -')
  return `${deliveryId}.${ackMac(deliveryId, secret)}`
}

export type PhoneAck = { ok: true; deliveryId: string } | { ok: false; reason: 'malformed' | 'bad signature' }

/** Reads a token made by createPhoneAckToken (constant-time comparison). */
export function parsePhoneAck(token: string, secret: string | Buffer): PhoneAck {
  const match = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})$/.exec(token)
  if (!match) return { ok: false, reason: 'malformed' }
  const expected = Buffer.from(ackMac(match[1], secret))
  const given = Buffer.from(match[2])
  if (!crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'bad signature' }
  return { ok: true, deliveryId: match[1] }
}

function ackMac(deliveryId: string, secret: string | Buffer): string {
  return crypto.createHmac('sha256', secret).update(`sargs-phone-ack:${deliveryId}`).digest('base64url').slice(0, 22)
}
