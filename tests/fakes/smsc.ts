// A fake SMSC on 127.0.0.1: the MC side of SMPP 3.4 over a real TCP socket, built on node-smpp's
// server (`smpp.createServer`). It checks bind_transceiver credentials, answers submit_sm with
// message ids, keeps the exact bytes of every PDU it got, reassembles concatenated parts by their
// UDH reference, decodes GSM-7 (data_coding 0, unpacked) and UCS-2 (8) back to text, and sends
// delivery receipts back as deliver_sm, one per part — at once, late, in reverse order, twice, or
// with one part failing. Faults: a status per destination or by rate, a submit never answered, the
// connection dropped, an outage (connections refused until restore()), binds never answered.
//
//   const smsc = await startFakeSmsc({ systemId: 'sargs', password: 'secret' })
//   new SmppAdapter({ host: '127.0.0.1', port: smsc.port, systemId: 'sargs', password: 'secret', … })
//   smsc.messages            // every complete message: to, from, text, parts, dataCoding, esmClass, ids
//   smsc.receipts({ order: 'reverse', duplicate: true, failPart: 2 })
import smpp, { type PDU, type Session } from 'smpp'

export type SmscPart = {
  /** the whole submit_sm as it came over the wire */
  raw: Buffer
  messageId: string
  sequenceNumber: number
  to: string
  from: string
  dataCoding: number
  esmClass: number
  registeredDelivery: number
  /** the concatenation header, when there was one */
  concat?: { reference: number; total: number; sequence: number }
  /** this part's text, decoded */
  text: string
}

export type SmscMessage = {
  to: string
  from: string
  text: string
  parts: number
  dataCoding: number
  esmClass: number
  /** message ids of the parts, in part order */
  messageIds: string[]
  reference?: number
}

export type SmscFault =
  /** answer submit_sm with this command_status (nothing is stored) */
  | { kind: 'status'; status: number }
  /** never answer the submit_sm (nothing is stored) */
  | { kind: 'hang' }

export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'DELETED' | 'UNKNOWN'

export type ReceiptPlan = {
  /** false: no receipts (send them by hand with sendReceipt) */
  enabled: boolean
  /** wait this long after the message is complete (late receipts) */
  delayMs: number
  /** 'reverse': the last part's receipt first */
  order: 'as-submitted' | 'reverse'
  /** every receipt is sent twice */
  duplicate: boolean
  /** this part (1-based) fails */
  failPart?: number
  failStat: ReceiptStat
}

export type SentReceipt = { messageId: string; stat: ReceiptStat; err: string; status?: number }

export type FakeSmsc = {
  port: number
  /** bind attempts: system_id, interface_version, whether it was accepted */
  binds: { systemId: string; systemType: string; interfaceVersion: number; ok: boolean }[]
  /** every accepted submit_sm part, in arrival order */
  parts: SmscPart[]
  /** every complete message (all its parts arrived), in completion order */
  messages: SmscMessage[]
  /** submit_sm PDUs received, answered or not */
  submits: number
  /** enquire_link and unbind received from clients */
  enquireLinks: number
  unbinds: number
  /** deliver_sm receipts sent, with the status of the client's deliver_sm_resp once it came */
  sentReceipts: SentReceipt[]
  /** bound sessions right now */
  readonly boundSessions: number
  /** the next `times` submits to this E.164 destination get the fault (Infinity: always), after
   * letting `after` submits to it through (e.g. after: 1 — the second part of a message fails) */
  fault(destination: string, fault: SmscFault, times?: number, after?: number): void
  /** answer `status` to this fraction of all submits (deterministic, seeded) */
  failRate(fraction: number, status: number, seed?: number): void
  receipts(plan: Partial<ReceiptPlan>): void
  /** sends one receipt for a part now; resolves with the client's deliver_sm_resp status (-1 when
   * the connection closed first) */
  sendReceipt(messageId: string, stat: ReceiptStat, err?: string): Promise<number>
  /** a phone sends `text` to `to` (our sender): deliver_sm, message type 0, GSM-7 or UCS-2 by the
   * text; resolves with the client's deliver_sm_resp status */
  sendInbound(from: string, to: string, text: string): Promise<number>
  /** asks every bound client enquire_link; resolves when all answered */
  enquireLink(): Promise<void>
  /** cuts every connection (no unbind) */
  dropConnections(): void
  /** bind_transceiver is never answered while on (an SMSC that accepts TCP but hangs) */
  hangBinds(on: boolean): void
  /** connections are cut at once until restore() (the SMSC is down) */
  outage(): void
  restore(): void
  close(): Promise<void>
}

const DEFAULT_PLAN: ReceiptPlan = { enabled: true, delayMs: 0, order: 'as-submitted', duplicate: false, failStat: 'UNDELIV' }
const MESSAGE_STATE: Record<ReceiptStat, number> = { DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, UNKNOWN: 7, REJECTD: 8 }

export async function startFakeSmsc(options: { systemId?: string; password?: string } = {}): Promise<FakeSmsc> {
  const systemId = options.systemId ?? 'sargs'
  const password = options.password ?? 'secret'
  const bound = new Set<Session>()
  const faults = new Map<string, { fault: SmscFault; left: number; pass: number }>()
  const pending = new Map<string, SmscPart[]>()
  const partsById = new Map<string, { part: SmscPart; session: Session }>()
  const timers = new Set<NodeJS.Timeout>()
  let plan: ReceiptPlan = { ...DEFAULT_PLAN }
  let rate: { fraction: number; status: number; state: number } | undefined
  let down = false
  let bindsHang = false
  let nextId = 0x1000

  const server = smpp.createServer((session) => {
    if (down) return session.destroy()
    const rawPdus = tapRawPdus(session)
    session.on('error', () => session.destroy())
    session.on('close', () => bound.delete(session))
    session.on('pdu', (pdu: PDU) => {
      const raw = rawPdus()
      if (pdu.command === 'submit_sm') onSubmit(session, pdu, raw)
    })
    session.on('bind_transceiver', (pdu: PDU) => {
      if (bindsHang) return
      const ok = pdu.system_id === systemId && pdu.password === password
      smsc.binds.push({ systemId: pdu.system_id ?? '', systemType: pdu.system_type ?? '', interfaceVersion: pdu.interface_version ?? 0, ok })
      if (!ok) {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }), () => session.close())
        return
      }
      bound.add(session)
      session.send(pdu.response({ system_id: 'FAKESMSC' }))
    })
    session.on('enquire_link', (pdu: PDU) => {
      smsc.enquireLinks += 1
      session.send(pdu.response())
    })
    session.on('unbind', (pdu: PDU) => {
      smsc.unbinds += 1
      bound.delete(session)
      session.send(pdu.response(), () => session.close())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake SMSC: no address')

  function onSubmit(session: Session, pdu: PDU, raw: Buffer): void {
    smsc.submits += 1
    if (!bound.has(session)) return void session.send(pdu.response({ command_status: smpp.errors.ESME_RINVBNDSTS }))
    const to = `+${pdu.destination_addr}`
    const fault = takeFault(to)
    if (fault?.kind === 'hang') return
    if (fault?.kind === 'status') return void session.send(pdu.response({ command_status: fault.status }))
    const messageId = (nextId++).toString(16).toUpperCase().padStart(8, '0')
    const part = readPart(pdu, raw, messageId)
    smsc.parts.push(part)
    partsById.set(messageId, { part, session })
    // recorded before the answer goes out (a client that has its answer finds the message here);
    // receipts only after it (an SMSC cannot report on a message it has not acknowledged yet)
    const afterAnswer = assemble(part)
    session.send(pdu.response({ message_id: messageId }), afterAnswer)
  }

  function takeFault(to: string): SmscFault | undefined {
    const entry = faults.get(to)
    if (entry && entry.pass > 0) entry.pass -= 1
    else if (entry && entry.left > 0) {
      entry.left -= 1
      return entry.fault
    }
    if (rate) {
      rate.state = (rate.state + 0x6d2b79f5) | 0
      if (mulberry(rate.state) < rate.fraction) return { kind: 'status', status: rate.status }
    }
    return undefined
  }

  /** Files the part; when it completes a message, records the message and returns what sends its receipts. */
  function assemble(part: SmscPart): () => void {
    if (!part.concat) return complete([part])
    const key = `${part.from}|${part.to}|${part.concat.reference}`
    const got = pending.get(key) ?? []
    got.push(part)
    if (got.length < part.concat.total) {
      pending.set(key, got)
      return () => undefined
    }
    pending.delete(key)
    return complete(got.sort((a, b) => a.concat!.sequence - b.concat!.sequence))
  }

  function complete(parts: SmscPart[]): () => void {
    const first = parts[0]
    smsc.messages.push({
      to: first.to,
      from: first.from,
      text: parts.map((p) => p.text).join(''),
      parts: parts.length,
      dataCoding: first.dataCoding,
      esmClass: first.esmClass,
      messageIds: parts.map((p) => p.messageId),
      ...(first.concat ? { reference: first.concat.reference } : {}),
    })
    const rules = plan // the plan in force when the message completed
    if (!rules.enabled || !(first.registeredDelivery & 0x01)) return () => undefined
    const ordered = rules.order === 'reverse' ? [...parts].reverse() : parts
    const sendAll = () => {
      for (const part of ordered) {
        const index = parts.indexOf(part) + 1
        const stat = index === rules.failPart ? rules.failStat : 'DELIVRD'
        const err = stat === 'DELIVRD' ? '000' : '001'
        const times = rules.duplicate ? 2 : 1
        // no bound session to receive it (the client left): the receipt is dropped
        for (let i = 0; i < times; i++) smsc.sendReceipt(part.messageId, stat, err).catch(() => undefined)
      }
    }
    const { delayMs } = rules
    return () => (delayMs > 0 ? later(sendAll, delayMs) : sendAll())
  }

  function later(callback: () => void, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer)
      callback()
    }, ms)
    timers.add(timer)
  }

  const smsc: FakeSmsc = {
    port: address.port,
    binds: [],
    parts: [],
    messages: [],
    submits: 0,
    enquireLinks: 0,
    unbinds: 0,
    sentReceipts: [],
    get boundSessions() {
      return bound.size
    },
    fault(destination, fault, times = Infinity, after = 0) {
      faults.set(destination, { fault, left: times, pass: after })
    },
    failRate(fraction, status, seed = 1) {
      rate = fraction > 0 ? { fraction, status, state: seed } : undefined
    },
    receipts(next) {
      plan = { ...DEFAULT_PLAN, ...next }
    },
    sendReceipt(messageId, stat, err = stat === 'DELIVRD' ? '000' : '001') {
      const known = partsById.get(messageId)
      if (!known) return Promise.reject(new Error(`fake SMSC: no part ${messageId}`))
      // the submitting session, or any bound one if it is gone (an SMSC keeps receipts for the account)
      const session = known.session.socket.destroyed ? [...bound][0] : known.session
      if (!session) return Promise.reject(new Error('fake SMSC: no bound session for the receipt'))
      const record: SentReceipt = { messageId, stat, err }
      smsc.sentReceipts.push(record)
      const { part } = known
      const date = receiptDate(new Date())
      const text = `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} done date:${date} stat:${stat} err:${err} text:${gsmSafe(part.text.slice(0, 20))}`
      return new Promise<number>((resolve) => {
        const closed = () => resolve(-1)
        session.socket.once('close', closed)
        session.deliver_sm(
          {
            source_addr_ton: 1, source_addr_npi: 1, source_addr: part.to.slice(1),
            dest_addr_ton: 5, dest_addr_npi: 0, destination_addr: part.from,
            esm_class: 0x04, data_coding: 0, short_message: text,
            receipted_message_id: messageId, message_state: MESSAGE_STATE[stat],
          },
          (response) => {
            session.socket.off('close', closed)
            record.status = response.command_status
            resolve(response.command_status)
          },
        )
      })
    },
    sendInbound(from, to, text) {
      const session = [...bound][0]
      if (!session) return Promise.reject(new Error('fake SMSC: no bound session'))
      const gsm = smpp.encodings.ASCII.match(text)
      return new Promise<number>((resolve) => {
        session.deliver_sm(
          {
            source_addr_ton: 1, source_addr_npi: 1, source_addr: from.replace(/^\+/, ''),
            dest_addr_ton: /^\d+$/.test(to) ? 0 : 5, dest_addr_npi: 0, destination_addr: to,
            esm_class: 0, data_coding: gsm ? 0 : 8,
            short_message: gsm ? smpp.encodings.ASCII.encode(text) : smpp.encodings.UCS2.encode(text),
          },
          (response) => resolve(response.command_status),
        )
      })
    },
    async enquireLink() {
      await Promise.all([...bound].map((session) => new Promise<void>((resolve) => session.enquire_link(() => resolve()))))
    },
    dropConnections() {
      for (const session of server.sessions.slice()) session.destroy()
      bound.clear()
    },
    hangBinds(on) {
      bindsHang = on
    },
    outage() {
      down = true
      smsc.dropConnections()
    },
    restore() {
      down = false
      bindsHang = false
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      smsc.dropConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return smsc
}

/** The bytes node-smpp reads off the socket, per PDU: it reads the 4-byte length, then the rest,
 * then emits 'pdu'; wrapping socket.read gives us each PDU exactly as it was sent. */
function tapRawPdus(session: Session): () => Buffer {
  const socket = session.socket
  const read = socket.read.bind(socket)
  let chunks: Buffer[] = []
  socket.read = ((size?: number) => {
    const chunk = read(size) as Buffer | null
    if (chunk) chunks.push(chunk)
    return chunk
  }) as typeof socket.read
  return () => {
    const raw = Buffer.concat(chunks)
    chunks = []
    return raw
  }
}

function readPart(pdu: PDU, raw: Buffer, messageId: string): SmscPart {
  const message = pdu.short_message
  const decoded = typeof message === 'object' && message !== null && !Buffer.isBuffer(message) ? message : { message: message ?? '' }
  const concatIe = decoded.udh?.find((ie) => ie[0] === 0x00 && ie[1] === 0x03)
  return {
    raw,
    messageId,
    sequenceNumber: pdu.sequence_number,
    to: `+${pdu.destination_addr}`,
    from: pdu.source_addr_ton === 1 ? `+${pdu.source_addr}` : (pdu.source_addr ?? ''),
    dataCoding: pdu.data_coding ?? 0,
    esmClass: pdu.esm_class ?? 0,
    registeredDelivery: pdu.registered_delivery ?? 0,
    ...(concatIe ? { concat: { reference: concatIe[2], total: concatIe[3], sequence: concatIe[4] } } : {}),
    text: typeof decoded.message === 'string' ? decoded.message : decoded.message.toString('latin1'),
  }
}

/** YYMMDDhhmm in UTC */
function receiptDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}`
}

/** the receipt's text: field echoes the message start; keep it in the GSM alphabet */
function gsmSafe(text: string): string {
  return [...text].map((char) => (smpp.encodings.ASCII.match(char) ? char : '?')).join('')
}

function mulberry(seed: number): number {
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
