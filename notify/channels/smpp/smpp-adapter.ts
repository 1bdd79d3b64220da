// SMS over SMPP 3.4 (the protocol Latvian operators offer), with node-smpp (`smpp`) for the PDUs and
// the socket. Decision 014.
//
//   const sms = new SmppAdapter({ host, port, systemId, password, sourceAddr: 'Jelgava',
//     registeredDelivery: true, enquireLinkMs: 30_000, onReceipt: (r) => ledger.receipt(r) })
//   sms.connect()                                  // optional: bind before the first send
//   await sms.send({ to: '+37120000000', text }, { idempotencyKey, timeoutMs })
//   await sms.close()                              // unbind, no timers left
//
// - ONE transceiver session (bind_transceiver, interface_version 0x34), kept up by SmppLink:
//   enquire_link both ways, reconnect with capped exponential backoff. While it is not bound, send()
//   answers `retry` with the reason (it waits for a bind under way until ctx.timeoutMs).
// - The text is split by the splitter (GSM-7 160/153, UCS-2 70/67) and every part is one submit_sm,
//   in order, each waiting for its submit_sm_resp: data_coding 0 (GSM-7, one septet per octet, as
//   SMPP carries it) or 8 (UCS-2); more than one part → UDH 05 00 03 ref total seq, esm_class 0x40.
// - `sent`: providerMessageId = the SMSC's message ids of all parts, comma-joined, in part order;
//   each delivery receipt names ONE of them.
// - Receipts: every deliver_sm that is a receipt (esm_class 0x04) becomes an SmsReceipt handed to
//   onReceipt; deliver_sm_resp is ESME_ROK once onReceipt resolved, ESME_RX_T_APPN (the SMSC will
//   offer it again) if it threw. Duplicates are passed on as they come: the consumer is idempotent.
//   Other deliver_sm (a resident's reply, e.g. STOP) go to onInbound the same way.
// - No idempotency key on the wire: SMPP has no field for it. The in-doubt window is ONE submit_sm
//   (a timeout or a lost connection while waiting for its response); see decision 014.
import type { PDU } from 'smpp'
import type { ChannelAdapter, ChannelLimits, SendContext, SendResult } from '../contract.ts'
import { isDeliveryReceipt, receiptFromDeliverSm, type SmsReceipt } from './delivery-receipt.ts'
import { isE164 } from '../sms/e164.ts'
import { smsEncoding, splitSms } from '../sms/encoding.ts'
import { SmppLink, type SmppLinkState } from './smpp-link.ts'
import { ESME_RINVBNDSTS, ESME_ROK, ESME_RX_T_APPN, mapSubmitStatus, sourceAddressProblem, submitSmFields, type SmsSplit } from './submit-pdu.ts'

export type { SmsReceipt, SmsReceiptStatus } from './delivery-receipt.ts'

export type SmsMessage = {
  /** E.164, e.g. '+37120000000' */
  to: string
  /** the exact text; what the composer showed, split the same way */
  text: string
  /** overrides the configured sourceAddr for this message */
  sender?: string
}

export type SmppAdapterConfig = {
  host: string
  port: number
  systemId: string
  password: string
  systemType?: string
  /** the sender shown on the phone: alphanumeric (≤ 11) or a number (+E.164 or a short code) */
  sourceAddr: string
  /** ask the SMSC for a delivery receipt per part */
  registeredDelivery: boolean
  /** our enquire_link period (also how long one may go unanswered before the link is dropped) */
  enquireLinkMs: number
  /** submit_sm awaiting their response at once on the session (default 10) */
  windowSize?: number
  /** service_type of every submit_sm (default '': the SMSC's default) */
  serviceType?: string
  /** reconnect backoff: first delay and cap (default 1 s and 60 s), halved at random for jitter */
  reconnect?: { initialMs: number; maxMs: number }
  /** longest message accepted, in parts (default 10); a longer one is refused, never cut */
  maxParts?: number
  /** provider's documented rate, messages per second (data for the dispatcher's limiter) */
  ratePerSecond?: number
  /** every delivery receipt, one per part; a rejection makes the SMSC offer it again */
  onReceipt?(receipt: SmsReceipt): void | Promise<void>
  /** every mobile-originated message (a resident's reply, e.g. STOP); a rejection makes the SMSC
   * offer it again. Absent: such messages are acknowledged and dropped. */
  onInbound?(message: SmsInbound): void | Promise<void>
}

/** A message a phone sent to our source address. */
export type SmsInbound = {
  /** +E.164 when the SMSC gave an international number, else as given */
  from: string
  to: string
  text: string
}

export class SmppAdapter implements ChannelAdapter<SmsMessage> {
  readonly channel = 'sms-smpp'
  readonly limits: ChannelLimits
  private readonly link: SmppLink
  private readonly maxParts: number
  private reference = Math.floor(Math.random() * 256)

  constructor(private readonly config: SmppAdapterConfig) {
    const problem = sourceAddressProblem(config.sourceAddr)
    if (problem) throw new Error(`SMPP sourceAddr: ${problem}`)
    this.maxParts = config.maxParts ?? 10
    // 140 octets of user data per part
    this.limits = { maxPayloadBytes: 140 * this.maxParts, ...(config.ratePerSecond ? { ratePerSecond: config.ratePerSecond } : {}) }
    this.link = new SmppLink({
      host: config.host,
      port: config.port,
      systemId: config.systemId,
      password: config.password,
      systemType: config.systemType,
      enquireLinkMs: config.enquireLinkMs,
      windowSize: config.windowSize ?? 10,
      reconnect: config.reconnect ?? { initialMs: 1000, maxMs: 60_000 },
      onDeliverSm: (pdu) => this.deliverSm(pdu),
    })
  }

  /** 'bound' when messages can go; otherwise `problem` says why not. */
  get state(): SmppLinkState {
    return this.link.state
  }
  get problem(): string {
    return this.link.lastProblem
  }
  /** successful binds so far (a reconnect adds one) */
  get binds(): number {
    return this.link.binds
  }
  /** timers held (0 after close) */
  get pendingTimers(): number {
    return this.link.pendingTimers
  }

  /** Connects and binds now instead of on the first send. */
  connect(): void {
    this.link.start()
  }

  /** The parts a text is sent as (the same splitter the composer uses). */
  split(text: string): SmsSplit {
    if (text === '') return { encoding: 'GSM-7', parts: [] }
    return { encoding: smsEncoding(text).encoding, parts: splitSms(text) }
  }

  async send(message: SmsMessage, ctx: SendContext): Promise<SendResult> {
    if (!isE164(message.to)) return { kind: 'permanent', deadAddress: true, reason: 'destination is not an E.164 number' }
    const from = message.sender ?? this.config.sourceAddr
    const senderProblem = sourceAddressProblem(from)
    if (senderProblem) return { kind: 'permanent', deadAddress: false, reason: `sender: ${senderProblem}` }
    const split = this.split(message.text)
    if (split.parts.length === 0) return { kind: 'permanent', deadAddress: false, reason: 'empty text' }
    if (split.parts.length > this.maxParts) {
      return { kind: 'permanent', deadAddress: false, reason: `${split.parts.length} parts > ${this.maxParts} (shorten the text)` }
    }
    const deadline = Date.now() + ctx.timeoutMs
    const session = await this.link.boundSession(deadline)
    if (typeof session === 'string') return { kind: 'retry', reason: session }

    this.reference = (this.reference + 1) & 0xff
    const parts = submitSmFields(split, {
      to: message.to,
      from,
      serviceType: this.config.serviceType,
      registeredDelivery: this.config.registeredDelivery,
      reference: this.reference,
    })
    const ids: string[] = []
    for (const [index, fields] of parts.entries()) {
      const which = parts.length > 1 ? ` (part ${index + 1} of ${parts.length}${ids.length ? `; accepted before: ${ids.join(',')}` : ''})` : ''
      if (!(await this.link.acquireWindow(deadline))) return { kind: 'retry', reason: `timeout after ${ctx.timeoutMs} ms waiting for the SMPP window${which}` }
      const outcome = await this.link.request(session, 'submit_sm', fields, deadline).finally(() => this.link.releaseWindow())
      if (outcome.kind === 'timeout') return { kind: 'retry', reason: `timeout after ${ctx.timeoutMs} ms${which}` }
      if (outcome.kind === 'closed') return { kind: 'retry', reason: `${outcome.reason}${which}` }
      const status = outcome.pdu.command_status
      if (status === ESME_RINVBNDSTS) this.link.reset('the SMSC answered ESME_RINVBNDSTS: rebinding')
      if (status !== ESME_ROK) return mapSubmitStatus(status, which.trim())
      ids.push(outcome.pdu.message_id ?? '')
    }
    return { kind: 'sent', providerMessageId: ids.join(',') }
  }

  /** Unbinds and closes the session; pending sends answer `retry`. */
  close(): Promise<void> {
    return this.link.close()
  }

  private async deliverSm(pdu: PDU): Promise<number> {
    const text = textOf(pdu.short_message) || textOf(pdu.message_payload)
    if (isDeliveryReceipt(pdu.esm_class)) {
      const receipt = receiptFromDeliverSm({
        esmClass: pdu.esm_class,
        text,
        receiptedMessageId: pdu.receipted_message_id,
        messageState: pdu.message_state,
      })
      // a receipt naming no message: acknowledged, nothing to update
      return receipt && this.config.onReceipt ? handOver(() => this.config.onReceipt!(receipt)) : ESME_ROK
    }
    // message type 0 (default): a mobile-originated SMS; others (SME acknowledgements …) are dropped
    if (((pdu.esm_class ?? 0) & 0x3c) !== 0 || !this.config.onInbound) return ESME_ROK
    const from = pdu.source_addr_ton === 1 ? `+${pdu.source_addr}` : (pdu.source_addr ?? '')
    return handOver(() => this.config.onInbound!({ from, to: pdu.destination_addr ?? '', text }))
  }
}

/** ESME_ROK once the callback took it; ESME_RX_T_APPN (the SMSC offers it again) when it threw. */
async function handOver(callback: () => void | Promise<void>): Promise<number> {
  try {
    await callback()
    return ESME_ROK
  } catch {
    return ESME_RX_T_APPN
  }
}

function textOf(value: PDU['short_message']): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('latin1')
  return typeof value.message === 'string' ? value.message : value.message.toString('latin1')
}
