// SMSC delivery receipts (SMPP 3.4 section 5.2.12 and appendix B): a deliver_sm whose esm_class
// message type is 0x04 carries, in its text, the de-facto standard
//   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:...
// and, from SMPP 3.4 on, the TLVs receipted_message_id (0x001E) and message_state (0x0427).
// Pure functions: the adapter hands the result to its onReceipt callback. The TLVs win when both are
// present (they are typed; the text is free-form and its id format varies between SMSCs).
import { ESM_CLASS_RECEIPT } from './submit-pdu.ts'

export type SmsReceiptStatus = 'delivered' | 'failed' | 'expired' | 'rejected' | 'unknown'

export type SmsReceipt = {
  /** the message id the SMSC gave ONE part in its submit_sm_resp */
  providerMessageId: string
  status: SmsReceiptStatus
  /** the receipt's err: field as sent (3 digits, SMSC- or network-specific); absent when none */
  errorCode?: string
  /** the done date (read as UTC: SMPP does not say which zone an SMSC writes); absent when none */
  at?: Date
  /** the SMSC's own word: DELIVRD, UNDELIV, … or the message_state name */
  stat: string
}

/** The fields of the receipt text, as written (undefined where a field is missing). */
export type ReceiptText = {
  id?: string
  sub?: string
  dlvrd?: string
  submitDate?: string
  doneDate?: string
  stat?: string
  err?: string
  text?: string
}

const STAT_STATUS: Record<string, SmsReceiptStatus> = {
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'failed',
  UNDELIV: 'failed',
  // ACCEPTD: "read on behalf of the subscriber by customer service" — not a delivery
  ACCEPTD: 'unknown',
  UNKNOWN: 'unknown',
  REJECTD: 'rejected',
  ENROUTE: 'unknown',
  SKIPPED: 'failed',
}

/** message_state TLV values (SMPP 3.4 5.2.28) → the receipt text's stat words */
const MESSAGE_STATE_STAT: Record<number, string> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD', 9: 'SKIPPED',
}

export function isDeliveryReceipt(esmClass: number | undefined): boolean {
  return ((esmClass ?? 0) & 0x3c) === ESM_CLASS_RECEIPT
}

/** Reads the receipt text; keys are matched without regard to case, text: is everything after it. */
export function parseReceiptText(raw: string): ReceiptText {
  const textAt = raw.search(/\btext:/i)
  const head = textAt < 0 ? raw : raw.slice(0, textAt)
  const field = (pattern: RegExp) => head.match(pattern)?.[1]
  return {
    id: field(/\bid:(\S+)/i),
    sub: field(/\bsub:(\S+)/i),
    dlvrd: field(/\bdlvrd:(\S+)/i),
    submitDate: field(/\bsubmit date:(\d{10,12})/i),
    doneDate: field(/\bdone date:(\d{10,12})/i),
    stat: field(/\bstat:([A-Za-z]+)/i)?.toUpperCase(),
    err: field(/\berr:(\S+)/i),
    ...(textAt < 0 ? {} : { text: raw.slice(textAt + 5) }),
  }
}

/** YYMMDDhhmm or YYMMDDhhmmss → a UTC date (20YY), or undefined when it is not a date. */
export function parseReceiptDate(value: string | undefined): Date | undefined {
  const match = value?.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?$/)
  if (!match) return undefined
  const [, yy, mm, dd, hh, mi, ss] = match.map(Number)
  const date = new Date(Date.UTC(2000 + yy, mm - 1, dd, hh, mi, ss || 0))
  // reject 991399... style garbage that Date.UTC would roll over
  if (date.getUTCMonth() !== mm - 1 || date.getUTCDate() !== dd || hh > 23 || mi > 59) return undefined
  return date
}

export type ReceiptSource = {
  esmClass?: number
  /** short_message (or message_payload) decoded to text */
  text?: string
  receiptedMessageId?: string
  messageState?: number
}

/** A deliver_sm → the receipt, or undefined when it is not a receipt or names no message id. */
export function receiptFromDeliverSm(source: ReceiptSource): SmsReceipt | undefined {
  if (!isDeliveryReceipt(source.esmClass)) return undefined
  const fields = parseReceiptText(source.text ?? '')
  const providerMessageId = source.receiptedMessageId || fields.id
  if (!providerMessageId) return undefined
  const stat = (source.messageState !== undefined && MESSAGE_STATE_STAT[source.messageState]) || fields.stat || 'UNKNOWN'
  const at = parseReceiptDate(fields.doneDate)
  return {
    providerMessageId,
    status: STAT_STATUS[stat] ?? 'unknown',
    stat,
    ...(fields.err !== undefined ? { errorCode: fields.err } : {}),
    ...(at ? { at } : {}),
  }
}
