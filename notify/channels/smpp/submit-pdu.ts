// What the SMPP adapter puts on the wire for one SMS, and what an SMSC's answer means. Pure
// functions, no I/O:
// - submitSmFields: the submit_sm body of every part (addresses with TON/NPI, esm_class,
//   data_coding, registered_delivery and short_message as bytes, so the library encodes nothing);
// - concatUdh: the 8-bit-reference concatenation header 05 00 03 ref total seq (TS 23.040 9.2.3.24.1);
// - mapSubmitStatus: submit_sm_resp command_status → the contract's verdict.
import type { SendResult } from '../contract.ts'
import { E164 } from '../sms/e164.ts'
import type { SmsEncodingName } from '../sms/encoding.ts'
import { encodeGsm7Unpacked, encodeUcs2 } from './gsm7-bytes.ts'

export const DATA_CODING_GSM7 = 0x00
export const DATA_CODING_UCS2 = 0x08
/** esm_class bit: short_message starts with a User Data Header */
export const ESM_CLASS_UDHI = 0x40
/** esm_class message-type bits (2–5) of an SMSC delivery receipt in deliver_sm */
export const ESM_CLASS_RECEIPT = 0x04
export const SMPP_VERSION_34 = 0x34

// SMPP 3.4 section 5.1.2: command_status values the adapter decides on
export const ESME_ROK = 0x00
export const ESME_RINVBNDSTS = 0x04
export const ESME_RSYSERR = 0x08
export const ESME_RINVDSTADR = 0x0b
export const ESME_RBINDFAIL = 0x0d
export const ESME_RMSGQFUL = 0x14
export const ESME_RTHROTTLED = 0x58
export const ESME_RX_T_APPN = 0x64

/** A text as the shared splitter cut it: its alphabet and the exact parts, in order. */
export type SmsSplit = { encoding: SmsEncodingName; parts: string[] }

/** TON/NPI of an address: +E.164 → international/ISDN without the +; letters → alphanumeric
 * (max 11 characters, GSM 03.40); bare digits (a short code) → unknown/ISDN. */
export function addressOf(address: string): { ton: number; npi: number; addr: string } {
  if (E164.test(address)) return { ton: 0x01, npi: 0x01, addr: address.slice(1) }
  if (/^\d+$/.test(address)) return { ton: 0x00, npi: 0x01, addr: address }
  return { ton: 0x05, npi: 0x00, addr: address }
}

/** A source address the SMSC will accept, or why not. */
export function sourceAddressProblem(address: string): string | undefined {
  if (E164.test(address) || /^\d{3,15}$/.test(address)) return undefined
  if (!/^[A-Za-z0-9 .\-_&]{1,11}$/.test(address)) return 'an alphanumeric sender is 1–11 letters, digits, space or . - _ &'
  return undefined
}

export function concatUdh(reference: number, total: number, sequence: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence])
}

export type SubmitOptions = {
  to: string
  from: string
  serviceType?: string
  registeredDelivery: boolean
  /** 8-bit concatenation reference, used when there is more than one part */
  reference: number
}

/** The submit_sm body of each part, in part order. */
export function submitSmFields(split: SmsSplit, options: SubmitOptions): Record<string, unknown>[] {
  const source = addressOf(options.from)
  const destination = addressOf(options.to)
  const total = split.parts.length
  const dataCoding = split.encoding === 'GSM-7' ? DATA_CODING_GSM7 : DATA_CODING_UCS2
  return split.parts.map((text, index) => {
    const body = split.encoding === 'GSM-7' ? encodeGsm7Unpacked(text) : encodeUcs2(text)
    const udh = total > 1 ? concatUdh(options.reference, total, index + 1) : undefined
    return {
      service_type: options.serviceType ?? '',
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.addr,
      dest_addr_ton: destination.ton,
      dest_addr_npi: destination.npi,
      destination_addr: destination.addr,
      esm_class: udh ? ESM_CLASS_UDHI : 0x00,
      protocol_id: 0,
      priority_flag: 0,
      schedule_delivery_time: '',
      validity_period: '',
      // 1: an SMSC delivery receipt on final outcome, success or failure (SMPP 3.4 5.2.17)
      registered_delivery: options.registeredDelivery ? 0x01 : 0x00,
      replace_if_present_flag: 0,
      data_coding: dataCoding,
      sm_default_msg_id: 0,
      short_message: udh ? Buffer.concat([udh, body]) : body,
    }
  })
}

const STATUS_NAMES = new Map<number, string>([
  [0x00, 'ESME_ROK'], [0x01, 'ESME_RINVMSGLEN'], [0x03, 'ESME_RINVCMDID'], [0x04, 'ESME_RINVBNDSTS'],
  [0x08, 'ESME_RSYSERR'], [0x0a, 'ESME_RINVSRCADR'], [0x0b, 'ESME_RINVDSTADR'], [0x0d, 'ESME_RBINDFAIL'],
  [0x0e, 'ESME_RINVPASWD'], [0x0f, 'ESME_RINVSYSID'], [0x14, 'ESME_RMSGQFUL'], [0x45, 'ESME_RSUBMITFAIL'],
  [0x58, 'ESME_RTHROTTLED'], [0x64, 'ESME_RX_T_APPN'], [0x65, 'ESME_RX_P_APPN'], [0xff, 'ESME_RUNKNOWNERR'],
])

/** e.g. "ESME_RTHROTTLED (0x58)" */
export function statusName(status: number): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(2, '0')}`
  const name = STATUS_NAMES.get(status)
  return name ? `${name} (${hex})` : `command_status ${hex}`
}

/** One second: an SMSC's throughput limit is a number of messages per second per bind, so the
 * window that refused us is over after a second. ESME_RTHROTTLED concerns the whole bind, hence a
 * pause of the channel; ESME_RMSGQFUL is usually one destination's queue, so no pause for all. */
export const THROTTLED_AFTER_MS = 1000

/** Statuses worth another try of the same message. ESME_RX_T_APPN: the SMSC says itself the error
 * is temporary (SMPP 3.4 5.1.3). ESME_RINVBNDSTS ("incorrect bind status"): the SMSC lost our bind;
 * a rebind fixes it, not a change to the message. */
const RETRY_STATUSES = new Set([ESME_RMSGQFUL, ESME_RSYSERR, ESME_RX_T_APPN, ESME_RINVBNDSTS])

/** A non-zero submit_sm_resp (or generic_nack) status → the verdict for the whole message. */
export function mapSubmitStatus(status: number, detail: string): Exclude<SendResult, { kind: 'sent' }> {
  const reason = `${statusName(status)}${detail ? ` ${detail}` : ''}`
  if (status === ESME_RTHROTTLED) return { kind: 'retry', afterMs: THROTTLED_AFTER_MS, reason }
  if (RETRY_STATUSES.has(status)) return { kind: 'retry', reason }
  if (status === ESME_RINVDSTADR) return { kind: 'permanent', deadAddress: true, reason }
  return { kind: 'permanent', deadAddress: false, reason }
}
