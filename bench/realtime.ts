// Realtime benchmark (not a test): `npm run bench:realtime -- --clients 1000`.
//
// Connects N dashboard clients on 127.0.0.1 to our socket.io realtime server (the real module:
// session handshake, subscribe, event store, emit to the room) and N clients to a plain `ws`
// server, the floor; each server is a child process of its own. Then broadcasts small incident
// events at a steady rate, alternating rounds between the two servers (so that load from
// elsewhere on the machine hits both alike). Prints, for each: delivery latency p50/p90/p99/max
// (from the emit to the client's message handler; for socket.io also from before the
// event-store insert), server CPU time per delivered message and per socket, memory per
// connection (server heap and RSS after vs before connecting) — and the ratio
// p99(socket.io) / p99(ws). Target: ≤ 1.5.
//
// Options: --clients N (1000) --rate EVENTS_PER_S (10) --events PER_SERVER (200)
//          --rounds R (10) --warmup EVENTS (10) --redis URL (socket.io through the Redis adapter)
// Stops by itself: every phase has a time limit, and the whole run is bounded.
import { fork, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { io as ioClient, type Socket } from 'socket.io-client'
import WebSocket from 'ws'

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '10' },
    events: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '10' },
    redis: { type: 'string' },
  },
})
const clients = Number(args.clients)
const rate = Number(args.rate)
const events = Number(args.events)
const rounds = Number(args.rounds)
const warmup = Number(args.warmup)
if (
  ![clients, rate, events, rounds].every((n) => Number.isInteger(n) && n > 0) ||
  !Number.isInteger(warmup) ||
  warmup < 0 ||
  events < rounds
) {
  console.error('usage: npm run bench:realtime -- [--clients N] [--rate EVENTS_PER_S] [--events N] [--rounds R] [--warmup N] [--redis URL]')
  process.exit(2)
}

const RUN_LIMIT_MS = 10 * 60_000
const hardStop = setTimeout(() => {
  console.error(`benchmark did not finish within ${RUN_LIMIT_MS / 60_000} minutes: stopping`)
  process.exit(1)
}, RUN_LIMIT_MS)
hardStop.unref()

const here = path.dirname(fileURLToPath(import.meta.url))
const now = () => Number(process.hrtime.bigint() / 1000n) // µs, the server's clock too

type Memory = { rss: number; heapUsed: number; external: number }
type Reply = Record<string, unknown> & { ok?: string; error?: string }

class ServerProcess {
  private child: ChildProcess
  private waiting: ((reply: Reply) => void)[] = []
  constructor() {
    this.child = fork(path.join(here, 'realtime-server.ts'), [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.child.on('message', (reply: Reply) => this.waiting.shift()?.(reply))
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w({ error: `server process exited (${code})` })
    })
  }
  request(command: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server: no answer to ${String(command.cmd)} within ${timeoutMs} ms`)), timeoutMs)
      this.waiting.push((reply) => {
        clearTimeout(timer)
        if (reply.error) reject(new Error(reply.error))
        else resolve(reply)
      })
      this.child.send(command)
    })
  }
  kill() {
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
  }
}

type Client = { close: () => void }
type Receiver = (payload: { seq: number; t0: number; t1: number }) => void

async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < count; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j)))))
  }
  return out
}

function connectSocketIo(url: string, extra: Record<string, string>, onEvent: Receiver): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Socket = ioClient(url, {
      transports: ['websocket'],
      extraHeaders: { cookie: extra.cookie, origin: url },
      reconnection: false,
      forceNew: true,
      timeout: 20_000,
    })
    socket.on('event', (e: { payload: { seq: number; t0: number; t1: number } }) => onEvent(e.payload))
    socket.on('connect_error', (error) => reject(error))
    socket.on('connect', () => {
      socket.emit('subscribe', { rooms: [extra.room] }, (ack: { ok: boolean; error?: string }) => {
        if (ack.ok) resolve({ close: () => socket.close() })
        else reject(new Error(`subscribe refused: ${ack.error}`))
      })
    })
  })
}

function connectWs(url: string, onEvent: Receiver): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.on('message', (data) => onEvent((JSON.parse(data.toString()) as { payload: { seq: number; t0: number; t1: number } }).payload))
    ws.on('error', reject)
    ws.on('open', () => resolve({ close: () => ws.terminate() }))
  })
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

type Kind = 'socketio' | 'ws'
type Result = {
  kind: Kind
  connectMs: number
  delivered: number
  expected: number
  emit: { p50: number; p90: number; p99: number; max: number }
  publish?: { p50: number; p90: number; p99: number; max: number }
  cpuPerMessageUs: number
  cpuPerSocketMs: number
  /** CPU per event spent in the event store (socket.io), not in the fan-out */
  storeCpuPerEventMs: number
  /** fan-out CPU (total minus the event store) per delivered message */
  fanoutCpuPerMessageUs: number
  /** the clients' process: CPU per delivered message (receiving and decoding) */
  clientCpuPerMessageUs: number
  rssPerConnKiB: number
  heapPerConnKiB: number
  jsPerConnKiB: number
  schedulerLagMs: number
}

/** One server process with its N clients, and what they measured. */
class Side {
  readonly server = new ServerProcess()
  readonly opened: Client[] = []
  readonly emitLatency = new Float64Array(events * clients)
  readonly publishLatency = new Float64Array(events * clients)
  measured = 0
  delivered = 0
  expected = 0
  connectMs = 0
  cpuUs = 0
  storeCpuUs = 0
  clientCpuUs = 0
  lagMs = 0
  idle!: Memory
  connected!: Memory
  private url = ''
  private extra: Record<string, string> = {}
  private seq = 0

  constructor(readonly kind: Kind) {}

  private onEvent: Receiver = (payload) => {
    const t = now()
    this.delivered++
    if (payload.seq < warmup) return
    this.emitLatency[this.measured] = (t - payload.t1) / 1000
    this.publishLatency[this.measured] = (t - payload.t0) / 1000
    this.measured++
  }

  async start() {
    const started = await this.server.request({ cmd: 'start', kind: this.kind, redisUrl: args.redis }, 120_000)
    this.url = started.url as string
    this.extra = started.extra as Record<string, string>
  }

  async connect() {
    this.idle = (await this.server.request({ cmd: 'memory' }, 30_000)).memory as Memory
    const t = performance.now()
    this.opened.push(
      ...(await inBatches(clients, 50, () =>
        this.kind === 'ws' ? connectWs(this.url, this.onEvent) : connectSocketIo(this.url, this.extra, this.onEvent),
      )),
    )
    this.connectMs = performance.now() - t
    const after = await this.server.request({ cmd: 'memory' }, 30_000)
    if (after.clients !== clients) throw new Error(`${this.kind}: the server sees ${String(after.clients)} of ${clients} clients`)
    this.connected = after.memory as Memory
  }

  /** Broadcast `count` events and wait until every client has them (or 10 s). */
  async round(count: number) {
    const firstSeq = this.seq
    this.seq += count
    this.expected += count * clients
    const clientCpu = process.cpuUsage()
    const reply = await this.server.request({ cmd: 'broadcast', rate, count, firstSeq }, (count / rate) * 1000 + 120_000)
    this.cpuUs += (reply.cpuUserUs as number) + (reply.cpuSystemUs as number)
    this.storeCpuUs += reply.storeCpuUs as number
    this.lagMs = Math.max(this.lagMs, reply.lagMs as number)
    const deadline = Date.now() + 10_000
    while (this.delivered < this.expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    const used = process.cpuUsage(clientCpu)
    this.clientCpuUs += used.user + used.system
  }

  result(): Result {
    const stats = (values: Float64Array) => {
      const sorted = values.slice(0, this.measured).sort()
      return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] }
    }
    const sent = this.expected / clients
    return {
      kind: this.kind,
      connectMs: this.connectMs,
      delivered: this.delivered,
      expected: this.expected,
      emit: stats(this.emitLatency),
      publish: this.kind === 'socketio' ? stats(this.publishLatency) : undefined,
      cpuPerMessageUs: this.cpuUs / sent / clients,
      cpuPerSocketMs: this.cpuUs / 1000 / clients,
      storeCpuPerEventMs: this.storeCpuUs / 1000 / sent,
      fanoutCpuPerMessageUs: (this.cpuUs - this.storeCpuUs) / sent / clients,
      clientCpuPerMessageUs: this.clientCpuUs / sent / clients,
      rssPerConnKiB: (this.connected.rss - this.idle.rss) / clients / 1024,
      heapPerConnKiB: (this.connected.heapUsed - this.idle.heapUsed) / clients / 1024,
      jsPerConnKiB: (this.connected.heapUsed + this.connected.external - this.idle.heapUsed - this.idle.external) / clients / 1024,
      schedulerLagMs: this.lagMs,
    }
  }

  async stop() {
    for (const c of this.opened) c.close()
    await this.server.request({ cmd: 'stop' }, 30_000).catch(() => undefined)
    this.server.kill()
  }
}

function report(r: Result) {
  const ms = (v: number) => `${v.toFixed(1)} ms`
  console.log(`\n${r.kind === 'socketio' ? 'socket.io (Sargs realtime module)' : 'plain ws (floor)'}`)
  console.log(`  connect ${clients} clients      ${ms(r.connectMs)}`)
  console.log(`  delivered                 ${r.delivered} / ${r.expected}${r.delivered < r.expected ? '  (MISSING MESSAGES)' : ''}`)
  console.log(`  latency emit→client       p50 ${ms(r.emit.p50)}  p90 ${ms(r.emit.p90)}  p99 ${ms(r.emit.p99)}  max ${ms(r.emit.max)}`)
  if (r.publish) {
    console.log(`  latency publish→client    p50 ${ms(r.publish.p50)}  p90 ${ms(r.publish.p90)}  p99 ${ms(r.publish.p99)}  max ${ms(r.publish.max)}  (incl. event-store insert)`)
  }
  console.log(`  server CPU                ${r.cpuPerMessageUs.toFixed(2)} µs per delivered message, ${r.cpuPerSocketMs.toFixed(2)} ms per socket over the run`)
  if (r.storeCpuPerEventMs > 0) {
    console.log(
      `    of which event store    ${r.storeCpuPerEventMs.toFixed(2)} ms per event; fan-out alone ${r.fanoutCpuPerMessageUs.toFixed(2)} µs per delivered message`,
    )
  }
  const rss = r.rssPerConnKiB > 0 ? `${r.rssPerConnKiB.toFixed(1)} KiB` : 'n/a (within allocator noise)'
  console.log(`  client CPU                ${r.clientCpuPerMessageUs.toFixed(2)} µs per received message (the clients' process)`)
  console.log(`  memory per connection     heap ${r.heapPerConnKiB.toFixed(1)} KiB, heap+external ${r.jsPerConnKiB.toFixed(1)} KiB, RSS ${rss}`)
  if (r.schedulerLagMs > 50) console.log(`  (the broadcaster fell behind its schedule by up to ${ms(r.schedulerLagMs)})`)
}

async function main() {
  const load = os.loadavg()[0]
  console.log(
    `Realtime benchmark: ${clients} clients per server on 127.0.0.1, ${events} events per server at ${rate}/s ` +
      `in ${rounds} alternating rounds (first ${warmup} not measured)${args.redis ? `, socket.io through Redis ${args.redis}` : ''}; ` +
      `node ${process.version}, ${os.cpus().length} cores, load average ${load.toFixed(2)}`,
  )
  if (load > os.cpus().length * 0.5) console.log('  note: the machine is busy; figures will be noisy')
  const sides = [new Side('socketio'), new Side('ws')]
  try {
    for (const side of sides) await side.start()
    for (const side of sides) await side.connect()
    const perRound = Math.ceil(events / rounds)
    for (let r = 0; r < rounds; r++) {
      const count = Math.min(perRound, events - r * perRound)
      if (count <= 0) break
      // alternate who goes first, so neither always follows the other
      for (const side of r % 2 ? [...sides].reverse() : sides) await side.round(count)
    }
  } finally {
    for (const side of sides) await side.stop()
  }
  const [sio, floor] = sides.map((side) => side.result())
  report(sio)
  report(floor)
  const ratio = sio.emit.p99 / floor.emit.p99
  console.log(
    `\np99 socket.io / p99 ws = ${sio.emit.p99.toFixed(1)} / ${floor.emit.p99.toFixed(1)} = ${ratio.toFixed(2)}  ` +
      `(target ≤ 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'}); load average now ${os.loadavg()[0].toFixed(2)}`,
  )
  process.exit(sio.delivered === sio.expected && floor.delivered === floor.expected ? 0 : 1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
