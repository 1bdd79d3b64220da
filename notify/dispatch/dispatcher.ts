// The dispatcher: fans out issued alerts, claims deliveries in batches under a lease, sends them
// through the channel adapters and writes every result back to the ledger. It owns what the
// adapters must not (decision 005): retries with capped exponential backoff and jitter, Retry-After
// per channel, idempotency keys, and exercise isolation — an alert whose status is not Actual
// (Exercise, Test) NEVER reaches a real channel: it goes to the exercise sink (see `adapterFor`).
import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertMsgType, AlertSeverity, AlertStatus } from '#generated/prisma/enums.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import type { ChannelAdapter, SendResult } from '#notify/channels/contract.ts'
import { claimDeliveries, closeLease, reclaimExpiredLeases, releaseDeliveries, type Claim, type ClaimedDelivery } from '#notify/ledger/claim.ts'
import { completeDeliveries, pauseChannel, type Outcome, type RetryPolicy } from '#notify/ledger/complete.ts'
import type { Db } from '#notify/ledger/db.ts'
import { fanOutBatch } from '#notify/ledger/fan-out.ts'
import { isAreaIndex } from '#notify/targeting/select-area-recipients.ts'
import type { ExerciseSink } from './exercise-sink.ts'
import { Pacer } from './pacer.ts'
import { SupersessionWatch } from './supersession-watch.ts'
import { PENDING_SQL } from '#notify/ledger/pending.ts'

export type DispatchAlert = {
  id: string
  identifier: string
  status: AlertStatus
  msgType: AlertMsgType
  severity: AlertSeverity
  payload: CapAlert
}

/** How one channel's deliveries become messages, and what the ledger does around them. */
export interface ChannelRoute<M> {
  readonly adapter: ChannelAdapter<M>
  /** a message per delivery, or a result without sending (recipient gone, payload refused …) */
  prepare(db: Db, deliveries: ClaimedDelivery[], alerts: Map<string, DispatchAlert>): Promise<Map<bigint, M | SendResult>>
  /**
   * The accepted results that said the address itself is gone (web push 404/410, an SMS number
   * that does not exist), in the transaction that writes them: remove the subscription. Only a
   * batch with such a result opens a transaction; any other batch's results are one statement.
   */
  afterDeadAddresses?(tx: Db, gone: Outcome[]): Promise<void>
  /** when the dispatcher stops: close the provider connections the route holds (SMPP) */
  close?(): Promise<void>
}

export type DispatcherOptions = {
  prisma: PrismaClient
  routes: ChannelRoute<unknown>[]
  exerciseSink: ExerciseSink
  batchSize?: number
  fanOutBatchSize?: number
  leaseMs?: number
  sendTimeoutMs?: number
  /** parallel provider calls per batch */
  concurrency?: number
  retry?: Partial<RetryPolicy>
  /** idle poll interval of start() */
  pollMs?: number
  /**
   * start() claims and prepares a channel's next batch while the current one is being sent, so
   * the sends do not wait for the database (default false; tick() and drain() never do). A crash
   * leaves that batch's leases to expire: attempts counted, nothing sent twice. Off by default
   * until the crash tests (rows 1, 4) cover a worker holding two batches.
   */
  prefetch?: boolean
  /** how stale the "was this alert superseded by an Update/Cancel?" answer may be before a send (default 100 ms) */
  supersessionCheckMs?: number
  /** hooks for tests (a worker frozen before sending, or before writing its results) */
  hooks?: {
    afterClaim?: (claim: { token: string; deliveries: ClaimedDelivery[] }) => Promise<void>
    beforeComplete?: (claim: { token: string; deliveries: ClaimedDelivery[] }) => Promise<void>
    /** before each send, ahead of the supersession check (a worker paused mid-batch) */
    beforeSend?: (delivery: ClaimedDelivery) => Promise<void>
  }
}

type ClaimedBatch = {
  claim: Claim
  claimedAt: number
  localDeadline: number
  prepared: Map<bigint, unknown>
  /** a fan-out batch was done to claim it (its count for the loops: there is more to do) */
  fannedOut: number
}

export type TickReport = { fannedOut: number; reclaimed: number; claimed: number; sent: number; retried: number; failed: number; stale: number }

export class Dispatcher {
  readonly id = randomUUID()
  private readonly prisma: PrismaClient
  private readonly alerts = new Map<string, DispatchAlert>()
  private readonly policy: RetryPolicy
  /** inside start()'s loop (prefetching is for that loop only) */
  private looping = false
  /** per channel: the next batch, claimed while the current one is sent (start() only) */
  private readonly prefetched = new Map<string, Promise<ClaimedBatch | null>>()
  /** per channel: batches claimed by this dispatcher's fan-out, to be sent next, in order */
  private readonly held = new Map<string, (Claim & { claimedAt: number })[]>()
  private running: Promise<void> | undefined
  private stopping = false
  /** the start() loops waiting for work; poke() wakes them all */
  private readonly sleepers = new Set<() => void>()
  /** per channel: the provider's rate (adapter.limits.ratePerSecond), held by this process */
  private readonly pacers = new Map<string, Pacer>()
  /** where the time goes (ms on this process's clock), for the benchmark */
  readonly timings = { fanOut: 0, reclaim: 0, claim: 0, prepare: 0, send: 0, complete: 0 }

  constructor(private readonly options: DispatcherOptions) {
    this.prisma = options.prisma
    this.policy = {
      maxAttempts: options.retry?.maxAttempts ?? 8,
      backoff: options.retry?.backoff ?? { baseMs: 1000, capMs: 5 * 60_000 },
      ...(options.retry?.random ? { random: options.retry.random } : {}),
    }
  }

  /** The one place that decides where a message may go. */
  adapterFor(alert: DispatchAlert, route: ChannelRoute<unknown>): ChannelAdapter<unknown> {
    return alert.status === 'Actual' ? route.adapter : this.options.exerciseSink
  }

  /** One round: a fan-out batch, expired leases back, one claimed batch per channel. */
  async tick(): Promise<TickReport> {
    return this.round(this.looping && (this.options.prefetch ?? false), this.options.routes, true)
  }

  /** One round of some routes; with `housekeeping`, a fan-out batch and the expired leases first. */
  private async round(prefetch: boolean, routes: readonly ChannelRoute<unknown>[], housekeeping: boolean): Promise<TickReport> {
    const report: TickReport = { fannedOut: 0, reclaimed: 0, claimed: 0, sent: 0, retried: 0, failed: 0, stale: 0 }
    if (housekeeping) {
      let t = performance.now()
      // the area phases of this dispatcher's own unpaced channels are fanned out by their claims
      const fan = await fanOutBatch(this.prisma, { batchSize: this.options.fanOutBatchSize ?? 2000, skipPhases: this.fanOutClaimChannels })
      if (fan) report.fannedOut = Math.max(1, fan.inserted + (fan.done ? 1 : 0))
      t = this.lap('fanOut', t)
      report.reclaimed = await reclaimExpiredLeases(this.prisma, { maxAttempts: this.policy.maxAttempts })
      this.lap('reclaim', t)
    }
    // the channels side by side: a provider that hangs (until sendTimeoutMs) or answers slowly holds
    // up its own channel only (reliability rows 11 and 17)
    await Promise.all(routes.map((route) => this.sendBatch(route, report, prefetch)))
    return report
  }

  /**
   * The channels whose area fan-out this dispatcher does as it claims (decision 023): its channels
   * by area (web push, SMS) without a provider rate — a paced channel could not send a claimed
   * batch within its lease, so its rows are fanned out PENDING by the fan-out loop, for any worker.
   */
  private get fanOutClaimChannels(): string[] {
    return this.options.routes
      .filter((r) => isAreaIndex(r.adapter.channel) && !r.adapter.limits.ratePerSecond)
      .map((r) => r.adapter.channel)
  }

  /**
   * Claim a batch of the route's channel and prepare its messages; null when nothing is due.
   * First a batch this dispatcher already holds (claimed by its fan-out, below); then due PENDING
   * rows (retries, leases taken back, other alerts' rows); when there are none and an alert is being
   * fanned out on this channel, its next fan-out batch is inserted already claimed, in send-sized
   * batches with a lease token each — one write per row instead of an insert and a claim
   * (decision 023). Several workers take turns on an alert's fan-out batches (its row is locked
   * FOR UPDATE SKIP LOCKED while one fans out).
   */
  private async claimBatch(route: ChannelRoute<unknown>): Promise<ClaimedBatch | null> {
    const channel = route.adapter.channel
    const limit = this.options.batchSize ?? 200
    const leaseMs = this.options.leaseMs ?? 60_000
    let t = performance.now()
    let claimedAt = t
    let fannedOut = 0
    const held = this.takeHeld(channel)
    let claim: Claim
    if (held) {
      claim = held
      claimedAt = held.claimedAt
    } else {
      claim = await claimDeliveries(this.prisma, { channel, limit, leaseMs })
      t = this.lap('claim', t)
      if (claim.deliveries.length === 0 && this.fanOutClaimChannels.includes(channel)) {
        const fan = await fanOutBatch(this.prisma, {
          batchSize: this.options.fanOutBatchSize ?? 2000,
          claim: { channel, token: claim.token, leaseMs, batch: limit },
        })
        t = this.lap('fanOut', t)
        if (fan) {
          fannedOut = Math.max(1, fan.inserted + (fan.done ? 1 : 0))
          const [first, ...rest] = fan.claimed ?? []
          claim = first ?? { token: claim.token, deliveries: [] }
          if (rest.length > 0) this.held.set(channel, rest.map((c) => ({ ...c, claimedAt })))
          // rows inserted PENDING (a pause), or the next phase (SMS, the reached): for the other loops
          if (fan.done || !first) this.poke()
        }
      }
    }
    if (claim.deliveries.length === 0) {
      return fannedOut > 0 ? { claim, claimedAt, localDeadline: 0, prepared: new Map(), fannedOut } : null
    }
    // the lease is measured on the database clock; locally only its length counts (a monotonic
    // clock, immune to wall-clock offsets): past 80 % of it, this worker sends nothing more
    const localDeadline = claimedAt + leaseMs * 0.8
    await this.options.hooks?.afterClaim?.(claim)
    await this.loadAlerts(claim.deliveries)
    const prepared = await route.prepare(this.prisma, claim.deliveries, this.alerts)
    this.lap('prepare', t)
    return { claim, claimedAt, localDeadline, prepared, fannedOut }
  }

  private async sendBatch(route: ChannelRoute<unknown>, report: TickReport, prefetch = false): Promise<void> {
    const channel = route.adapter.channel
    const ahead = this.prefetched.get(channel)
    this.prefetched.delete(channel)
    const batch = (ahead ? await ahead : null) ?? (await this.claimBatch(route))
    if (!batch) return
    const { claim, claimedAt, localDeadline, prepared } = batch
    report.fannedOut += batch.fannedOut
    if (claim.deliveries.length === 0) return
    report.claimed += claim.deliveries.length
    // the next batch is claimed and prepared while this one is sent
    if (prefetch && !this.stopping) {
      this.prefetched.set(channel, this.claimBatch(route).catch((error: unknown) => {
        console.error('dispatcher prefetch failed', error)
        return null
      }))
    }
    let t = performance.now()

    const outcomes: Outcome[] = []
    const unsent: bigint[] = []
    const pause: { value?: { afterMs: number; reason: string } } = {}
    const queue = [...claim.deliveries]
    const timeoutMs = this.options.sendTimeoutMs ?? 10_000
    const alertIds = [...new Set(claim.deliveries.map((d) => d.alertId))]
    const watch = new SupersessionWatch(this.prisma, alertIds, this.options.supersessionCheckMs ?? 100, claimedAt)
    const worker = async () => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
        if (pause.value || this.stopping || performance.now() > localDeadline) {
          unsent.push(delivery.id)
          continue
        }
        const alert = this.alerts.get(delivery.alertId)!
        const message = prepared.get(delivery.id)
        if (message === undefined) {
          outcomes.push({ delivery, result: { kind: 'permanent', deadAddress: false, reason: 'nothing to send' } })
          continue
        }
        if (isSendResult(message)) {
          outcomes.push({ delivery, result: message })
          continue
        }
        await this.options.hooks?.beforeSend?.(delivery)
        // an Update/Cancel committed meanwhile: the rest of this alert's batch is not sent
        const superseded = await watch.isSuperseded(delivery.alertId).catch(() => undefined)
        if (superseded !== false) {
          if (superseded) outcomes.push({ delivery, result: { kind: 'retry', reason: 'superseded before sending' } })
          else unsent.push(delivery.id)
          continue
        }
        const adapter = this.adapterFor(alert, route)
        if (adapter === route.adapter) {
          const wait = this.pacerFor(route)?.reserve() ?? 0
          if (wait > 0) await sleep(wait)
        }
        let result: SendResult
        try {
          result = await adapter.send(message, { idempotencyKey: delivery.idempotencyKey, timeoutMs })
        } catch (error) {
          // adapters should not throw; if one does, it is a retry with the reason kept
          result = { kind: 'retry', reason: `adapter threw: ${error instanceof Error ? error.message : String(error)}` }
        }
        if (result.kind === 'retry' && result.afterMs !== undefined && adapter === route.adapter) {
          // the first 429 of a batch pauses it (the other sends already in flight may add theirs)
          pause.value = { afterMs: result.afterMs, reason: result.reason }
        }
        outcomes.push({ delivery, result, exercise: adapter !== route.adapter })
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 32, claim.deliveries.length) }, worker))
    t = this.lap('send', t)
    await this.options.hooks?.beforeComplete?.(claim)

    const deadAddress = (o: Outcome) => o.result.kind === 'permanent' && o.result.deadAddress
    // the usual batch (results only) is one statement, atomic by itself: no BEGIN/COMMIT round trips
    const oneStatement = !pause.value && unsent.length === 0 && !(route.afterDeadAddresses && outcomes.some(deadAddress))
    const write = async (tx: Db) => {
      // every delivery of the batch has its result or goes back: the lease closes with the write
      const refused = await completeDeliveries(tx, claim.token, outcomes, this.policy, { closeLease: oneStatement })
      const paused = pause.value
      if (paused) await pauseChannel(tx, channel, paused.afterMs, paused.reason)
      await releaseDeliveries(tx, claim.token, unsent, paused?.afterMs ?? 0)
      if (!oneStatement) await closeLease(tx, claim.token)
      const acceptedOutcomes = refused.size === 0 ? outcomes : outcomes.filter((o) => !refused.has(o.delivery.id))
      const gone = acceptedOutcomes.filter(deadAddress)
      if (gone.length > 0) await route.afterDeadAddresses?.(tx, gone)
      report.stale += refused.size
      for (const o of acceptedOutcomes) {
        if (o.result.kind === 'sent') report.sent += 1
        else if (o.result.kind === 'retry') report.retried += 1
        else report.failed += 1
      }
    }
    if (oneStatement) await write(this.prisma)
    else await this.prisma.$transaction(write)
    this.lap('complete', t)
    // a Retry-After pauses the channel: a batch claimed ahead before the pause goes back too, and
    // the batches its fan-out holds
    if (pause.value && this.prefetched.has(channel)) {
      const ahead = await this.prefetched.get(channel)
      this.prefetched.delete(channel)
      if (ahead) await this.giveBack(ahead.claim, pause.value.afterMs)
    }
    if (pause.value) await this.releaseHeld(channel, pause.value.afterMs)
  }

  /** The next batch held for the channel (null when none). */
  private takeHeld(channel: string): (Claim & { claimedAt: number }) | null {
    const list = this.held.get(channel)
    const next = list?.shift() ?? null
    if (list && list.length === 0) this.held.delete(channel)
    return next
  }

  /** Give back the batches held for a channel (or all): PENDING again, their attempt not counted. */
  private async releaseHeld(channel?: string, delayMs = 0): Promise<void> {
    for (const [c, list] of [...this.held]) {
      if (channel !== undefined && c !== channel) continue
      this.held.delete(c)
      for (const h of list) await this.giveBack(h, delayMs)
    }
  }

  /** A claimed batch back to PENDING, unsent (attempt not counted), and its lease closed. */
  private async giveBack(claim: Claim, delayMs = 0): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await releaseDeliveries(tx, claim.token, claim.deliveries.map((d) => d.id), delayMs)
      await closeLease(tx, claim.token)
    })
  }

  private lap(phase: keyof Dispatcher['timings'], since: number): number {
    const now = performance.now()
    this.timings[phase] += now - since
    return now
  }

  private async loadAlerts(deliveries: ClaimedDelivery[]): Promise<void> {
    const missing = [...new Set(deliveries.map((d) => d.alertId))].filter((id) => !this.alerts.has(id))
    if (missing.length === 0) return
    const rows = await this.prisma.alert.findMany({
      where: { id: { in: missing } },
      select: { id: true, identifier: true, status: true, msgType: true, severity: true, payload: true },
    })
    for (const row of rows) this.alerts.set(row.id, { ...row, payload: row.payload as unknown as CapAlert })
  }

  /**
   * Work until nothing is left to fan out, nor to send on this dispatcher's channels (tests, CLI
   * drain): a worker without a channel (SMS not configured here, MQTT on the app's embedded broker)
   * leaves those deliveries to a process that has it.
   */
  async drain(options: { timeoutMs?: number; idleMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000)
    for (;;) {
      const report = await this.tick()
      if (report.fannedOut > 0 || report.claimed > 0 || report.reclaimed > 0) continue
      const [left] = await this.prisma.$queryRawUnsafe<{ open: bigint; fanning: bigint }[]>(
        `SELECT (SELECT count(*) FROM "Delivery" WHERE ${PENDING_SQL} AND "channel" = ANY($1::text[]))
              + (SELECT count(*) FROM "Delivery" WHERE "status" = 'SENDING'
                  AND "leaseToken" = ANY(ARRAY(SELECT "token" FROM "DeliveryLease" WHERE "channel" = ANY($1::text[])))) AS "open",
                (SELECT count(*) FROM "Alert" WHERE "fanoutDoneAt" IS NULL) AS "fanning"`,
        this.options.routes.map((r) => r.adapter.channel),
      )
      if (Number(left.open) === 0 && Number(left.fanning) === 0) return
      if (Date.now() > deadline) throw new Error(`dispatcher drain: ${left.open} deliveries still open`)
      await sleep(options.idleMs ?? 20)
    }
  }

  /**
   * Run in the background until stop(). With several channels, each has a loop of its own and the
   * fan-out and expired leases one more, so a provider that hangs until sendTimeoutMs holds up its
   * own channel's next batch only, not the others', nor the fan-out of a newer alert (row 17).
   * With one channel, one loop of whole rounds (tick()).
   */
  start(): void {
    if (this.running) return
    this.stopping = false
    this.looping = true
    const routes = this.options.routes
    const prefetch = this.options.prefetch ?? false
    const loop = async (step: () => Promise<TickReport>, pokeOthers = false) => {
      while (!this.stopping) {
        let busy = false
        try {
          const r = await step()
          busy = r.fannedOut > 0 || r.claimed > 0 || r.reclaimed > 0
          // a fan-out (or leases back) made work for the channels' loops
          if (pokeOthers && (r.fannedOut > 0 || r.reclaimed > 0)) this.poke()
        } catch (error) {
          console.error('dispatcher tick failed', error)
        }
        if (!busy && !this.stopping) {
          await new Promise<void>((resolve) => {
            const wake = () => {
              this.sleepers.delete(wake)
              resolve()
            }
            this.sleepers.add(wake)
            setTimeout(wake, this.options.pollMs ?? 250).unref()
          })
        }
      }
    }
    this.running =
      routes.length > 1
        ? Promise.all([
            loop(() => this.round(prefetch, [], true), true),
            ...routes.map((route) => loop(() => this.round(prefetch, [route], false))),
          ]).then(() => undefined)
        : loop(() => this.tick())
  }

  /** Nudge the sleeping start() loops (e.g. right after an alert was issued in this process). */
  poke(): void {
    for (const wake of [...this.sleepers]) wake()
  }

  /** Finish the in-flight batches (unsent claims are released), then stop. */
  async stop(): Promise<void> {
    this.stopping = true
    this.poke()
    await this.running
    this.running = undefined
    this.looping = false
    // a batch claimed ahead and never sent goes back, its attempt not counted
    const ahead = [...this.prefetched.values()]
    this.prefetched.clear()
    for (const batch of await Promise.all(ahead)) {
      if (batch) await this.giveBack(batch.claim)
    }
    await this.releaseHeld()
    await Promise.all(this.options.routes.map((r) => r.close?.()))
  }

  private pacerFor(route: ChannelRoute<unknown>): Pacer | undefined {
    const rate = route.adapter.limits.ratePerSecond
    if (!rate) return undefined
    let pacer = this.pacers.get(route.adapter.channel)
    if (!pacer) this.pacers.set(route.adapter.channel, (pacer = new Pacer(rate)))
    return pacer
  }

  /** The channels this dispatcher can send on (the composer warns about the others). */
  get channels(): string[] {
    return this.options.routes.map((r) => r.adapter.channel)
  }
}

/** A prepared entry that is a result already (nothing to send), not a message. */
export function isSendResult(value: unknown): value is SendResult {
  return typeof value === 'object' && value !== null && 'kind' in value &&
    ['sent', 'retry', 'permanent'].includes((value as { kind: unknown }).kind as string)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
