// One bound SMPP 3.4 transceiver session to an SMSC, kept up: connect, bind_transceiver, answer the
// SMSC's enquire_link and unbind, send our own enquire_link every enquireLinkMs (no answer within
// that time = a dead link: drop it), and after any loss reconnect with capped exponential backoff
// with jitter. Requests carry a deadline; a connection lost under a request answers it 'closed'.
// The adapter (smpp-adapter.ts) uses it; it decides nothing about messages.
import smpp, { type PDU, type Session } from 'smpp'
import { statusName, ESME_ROK, ESME_RX_T_APPN, SMPP_VERSION_34 } from './submit-pdu.ts'

export type SmppLinkState = 'idle' | 'connecting' | 'binding' | 'bound' | 'down' | 'closed'

export type SmppLinkOptions = {
  host: string
  port: number
  systemId: string
  password: string
  systemType?: string
  /** our enquire_link period; also how long an enquire_link may go unanswered, and how long a
   * connect + bind may take */
  enquireLinkMs: number
  /** most submit_sm awaiting their response at once (the SMPP window) */
  windowSize: number
  reconnect: { initialMs: number; maxMs: number }
  /** an incoming deliver_sm; resolves to the command_status of our deliver_sm_resp */
  onDeliverSm(pdu: PDU): Promise<number>
}

export type RequestOutcome =
  | { kind: 'response'; pdu: PDU }
  | { kind: 'timeout' }
  | { kind: 'closed'; reason: string }

type Waiter = { resolve(): void }

export class SmppLink {
  private stateValue: SmppLinkState = 'idle'
  private session: Session | undefined
  private failures = 0
  /** what went wrong on the current connection, when we know */
  private sessionProblem: string | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private enquireTimer: NodeJS.Timeout | undefined
  private bindTimer: NodeJS.Timeout | undefined
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly stateWaiters = new Set<Waiter>()
  private readonly inFlight = new Map<number, (outcome: RequestOutcome) => void>()
  private readonly windowWaiters: Waiter[] = []
  private windowUsed = 0
  /** why the link is not bound (the last connection or bind problem) */
  lastProblem = 'not connected yet'
  /** how many times a bind succeeded (tests: a rebind after a drop) */
  binds = 0

  constructor(private readonly options: SmppLinkOptions) {}

  get state(): SmppLinkState {
    return this.stateValue
  }

  /** Starts connecting (idempotent; a send starts the link too). */
  start(): void {
    if (this.stateValue === 'idle') this.open()
  }

  /**
   * The bound session, or why there is none. While a connect or bind is under way, waits for it
   * until the deadline; while the link is down between attempts, answers at once.
   */
  async boundSession(deadline: number): Promise<Session | string> {
    this.start()
    while (this.stateValue === 'connecting' || this.stateValue === 'binding') {
      const changed = await this.waitForStateChange(deadline)
      if (!changed) return `not bound: ${this.stateValue} still in progress at the deadline`
    }
    if (this.stateValue === 'bound' && this.session) return this.session
    if (this.stateValue === 'closed') return 'adapter closed'
    return `not bound: ${this.lastProblem}`
  }

  /** Sends one request PDU and waits for its response until the deadline. */
  request(session: Session, command: string, fields: Record<string, unknown>, deadline: number): Promise<RequestOutcome> {
    return new Promise<RequestOutcome>((resolve) => {
      if (session !== this.session || this.stateValue !== 'bound') return resolve({ kind: 'closed', reason: `not bound: ${this.lastProblem}` })
      const pdu = new smpp.PDU(command, fields)
      let settled = false
      const finish = (outcome: RequestOutcome) => {
        if (settled) return
        settled = true
        this.clearTimer(timer)
        this.inFlight.delete(pdu.sequence_number)
        resolve(outcome)
      }
      const timer = this.setTimer(() => finish({ kind: 'timeout' }), Math.max(0, deadline - Date.now()))
      const written = session.send(pdu, (response) => finish({ kind: 'response', pdu: response }))
      if (!written) return finish({ kind: 'closed', reason: 'connection not writable' })
      this.inFlight.set(pdu.sequence_number, finish)
    })
  }

  /** Takes a place in the SMPP window (false when the deadline passed first); release() gives it back. */
  async acquireWindow(deadline: number): Promise<boolean> {
    while (this.windowUsed >= this.options.windowSize) {
      const got = await new Promise<boolean>((resolve) => {
        const waiter: Waiter = { resolve: () => { this.clearTimer(timer); resolve(true) } }
        const timer = this.setTimer(() => {
          const at = this.windowWaiters.indexOf(waiter)
          if (at >= 0) this.windowWaiters.splice(at, 1)
          resolve(false)
        }, Math.max(0, deadline - Date.now()))
        this.windowWaiters.push(waiter)
      })
      if (!got) return false
    }
    this.windowUsed += 1
    return true
  }

  releaseWindow(): void {
    this.windowUsed = Math.max(0, this.windowUsed - 1)
    this.windowWaiters.shift()?.resolve()
  }

  /** Drops the current connection (it reconnects): the SMSC said we are not bound although we are. */
  reset(reason: string): void {
    if (!this.session || this.stateValue !== 'bound') return
    this.sessionProblem ??= reason
    this.session.destroy()
  }

  /** Unbinds (waiting up to a second for unbind_resp), closes the socket, stops every timer. */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return
    const session = this.session
    const wasBound = this.stateValue === 'bound'
    this.setState('closed')
    if (this.reconnectTimer) this.clearTimer(this.reconnectTimer)
    this.stopEnquireLink()
    if (session && !wasBound) session.destroy()
    if (session && wasBound) {
      // unbind_resp, or the SMSC closing the connection, or a second
      await new Promise<void>((resolve) => {
        const done = () => {
          this.clearTimer(timer)
          session.socket.off('close', done)
          resolve()
        }
        const timer = this.setTimer(done, 1000)
        session.socket.once('close', done)
        if (!session.unbind(done)) done()
      })
    }
    if (session) {
      await new Promise<void>((resolve) => {
        if (session.socket.destroyed) return resolve()
        const timer = this.setTimer(() => session.destroy(), 1000)
        session.socket.once('close', () => { this.clearTimer(timer); resolve() })
        session.close()
      })
    }
    this.failInFlight('adapter closed')
    for (const waiter of this.windowWaiters.splice(0)) waiter.resolve()
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  /** Timers the link holds (tests: none after close). */
  get pendingTimers(): number {
    return this.timers.size
  }

  private open(): void {
    this.setState('connecting')
    this.sessionProblem = undefined
    const session = smpp.connect({ host: this.options.host, port: this.options.port })
    this.session = session
    // a connect or bind that never completes (a silent host, an SMSC that does not answer the bind)
    this.bindTimer = this.setTimer(() => {
      this.bindTimer = undefined
      if (session !== this.session || (this.stateValue !== 'connecting' && this.stateValue !== 'binding')) return
      this.sessionProblem ??= `no bind within ${this.options.enquireLinkMs} ms (${this.stateValue})`
      session.destroy()
    }, this.options.enquireLinkMs)
    session.on('connect', () => this.bind(session))
    session.on('error', (error: Error) => {
      if (session === this.session) this.sessionProblem ??= `network: ${error.message}`
      session.destroy()
    })
    session.on('close', () => this.lost(session))
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()))
    session.on('unbind', (pdu: PDU) => {
      if (session === this.session) this.sessionProblem ??= 'the SMSC unbound'
      session.send(pdu.response(), () => session.close())
    })
    session.on('deliver_sm', (pdu: PDU) => {
      void this.options.onDeliverSm(pdu).catch(() => ESME_RX_T_APPN).then((status) => {
        session.send(status === ESME_ROK ? pdu.response() : pdu.response({ command_status: status }))
      })
    })
    // an operation we do not know: generic_nack, as SMPP 3.4 section 2.8 asks
    session.on('unknown', (pdu: PDU) => session.send(pdu.response()))
  }

  private bind(session: Session): void {
    if (session !== this.session || this.stateValue !== 'connecting') return
    this.setState('binding')
    const { systemId, password, systemType } = this.options
    session.bind_transceiver(
      { system_id: systemId, password, system_type: systemType ?? '', interface_version: SMPP_VERSION_34 },
      (response) => {
        if (session !== this.session || this.stateValue !== 'binding') return
        if (response.command_status !== ESME_ROK) {
          this.sessionProblem = `bind_transceiver refused: ${statusName(response.command_status)}`
          session.destroy()
          return
        }
        if (this.bindTimer) this.clearTimer(this.bindTimer)
        this.bindTimer = undefined
        this.failures = 0
        this.binds += 1
        this.setState('bound')
        this.scheduleEnquireLink(session)
      },
    )
  }

  private lost(session: Session): void {
    if (session !== this.session) return
    this.session = undefined
    this.stopEnquireLink()
    if (this.bindTimer) this.clearTimer(this.bindTimer)
    this.bindTimer = undefined
    this.failInFlight(`connection lost: ${this.sessionProblem ?? 'closed'}`)
    if (this.stateValue === 'closed') return
    const closedBy: Partial<Record<SmppLinkState, string>> = {
      connecting: 'connection closed before bind',
      binding: 'connection closed during bind',
      bound: 'connection closed by the SMSC',
    }
    this.lastProblem = this.sessionProblem ?? closedBy[this.stateValue] ?? 'connection closed'
    this.setState('down')
    const { initialMs, maxMs } = this.options.reconnect
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures, 20))
    this.failures += 1
    const delay = Math.round(base / 2 + Math.random() * (base / 2))
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = undefined
      if (this.stateValue === 'down') this.open()
    }, delay)
  }

  private scheduleEnquireLink(session: Session): void {
    this.enquireTimer = this.setTimer(() => {
      this.enquireTimer = undefined
      if (session !== this.session || this.stateValue !== 'bound') return
      void this.request(session, 'enquire_link', {}, Date.now() + this.options.enquireLinkMs).then((outcome) => {
        if (outcome.kind === 'timeout' && session === this.session) {
          this.sessionProblem ??= `enquire_link unanswered for ${this.options.enquireLinkMs} ms`
          session.destroy()
        } else if (outcome.kind === 'response') this.scheduleEnquireLink(session)
      })
    }, this.options.enquireLinkMs)
  }

  private stopEnquireLink(): void {
    if (this.enquireTimer) this.clearTimer(this.enquireTimer)
    this.enquireTimer = undefined
  }

  private failInFlight(reason: string): void {
    for (const finish of [...this.inFlight.values()]) finish({ kind: 'closed', reason })
    this.inFlight.clear()
  }

  private setState(state: SmppLinkState): void {
    this.stateValue = state
    for (const waiter of [...this.stateWaiters]) waiter.resolve()
  }

  private waitForStateChange(deadline: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        resolve: () => {
          this.stateWaiters.delete(waiter)
          this.clearTimer(timer)
          resolve(true)
        },
      }
      const timer = this.setTimer(() => {
        this.stateWaiters.delete(waiter)
        resolve(false)
      }, Math.max(0, deadline - Date.now()))
      this.stateWaiters.add(waiter)
    })
  }

  private setTimer(callback: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      callback()
    }, ms)
    this.timers.add(timer)
    return timer
  }

  private clearTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer)
    this.timers.delete(timer)
  }
}
