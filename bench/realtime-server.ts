// The server half of bench/realtime.ts, run as a child process so that its CPU time and memory
// are its own. Two kinds:
// - "socketio": our real realtime module (server/realtime: handshake with session and Origin
//   checks, subscribe with replay, the event store on embedded PGlite, the Redis adapter when
//   --redis is given) on a plain HTTP server on 127.0.0.1;
// - "ws": a plain `ws` server on 127.0.0.1 that sends each event to every client: the floor.
// Driven over IPC by the parent: start → (clients connect) → memory → broadcast → stop.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'

type Command =
  | { cmd: 'start'; kind: 'socketio' | 'ws'; redisUrl?: string }
  | { cmd: 'memory' }
  | { cmd: 'broadcast'; rate: number; count: number; firstSeq: number }
  | { cmd: 'stop' }

const send = (message: unknown) => process.send!(message)
const now = () => Number(process.hrtime.bigint() / 1000n) // µs, same clock in every process

function memory() {
  globalThis.gc?.()
  globalThis.gc?.()
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external }
}

type Broadcaster = {
  url: string
  /** CPU µs spent in the event store so far (socket.io only) */
  storeCpuUs?: () => number
  clients: () => number
  /** one event to every client: t0 before the event store, t1 right before the emit */
  broadcast: (seq: number) => Promise<void>
  close: () => Promise<void>
  extra?: Record<string, string>
}

const incident = {
  id: '7f1c2d64-5f0e-4a4e-9b3a-2f4c1d8e9a10',
  reference: 'JLG-2026-0042',
  title: 'Lietusgāze: applūdusi Lielā iela',
  type: 'FLOOD',
  severity: 'MODERATE',
  status: 'ACTIVE',
}

async function startSocketIo(redisUrl?: string): Promise<Broadcaster> {
  const { openDatabase } = await import('#server/db/open.ts')
  const { attachRealtime } = await import('#server/realtime/index.ts')
  const { signedInUser } = await import('#server/realtime/testing.ts')
  const { appendRealtimeEvent } = await import('#domain/realtime/append-realtime-event.ts')
  const { toEventMessage } = await import('#domain/realtime/event-store.ts')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-bench-'))
  const db = await openDatabase({ env: { dataDir, databaseUrl: undefined }, role: 'test' })
  const who = await signedInUser(db.prisma, { role: 'OPERATOR' })
  const server = http.createServer()
  const realtime = await attachRealtime({ server, prisma: db.prisma, redisUrl })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const room = `territory:${incident.id}`
  let storeCpuUs = 0
  return {
    url,
    storeCpuUs: () => storeCpuUs,
    extra: { cookie: who.cookie, room },
    clients: () => realtime.io.of('/').sockets.size,
    // what publisher.publish does (store, then emit to the room), with the send time taken
    // right before the emit so that the latency compares with the ws floor's
    broadcast: async (seq) => {
      const t0 = now()
      const cpu = process.cpuUsage()
      const event = await appendRealtimeEvent({ prisma: db.prisma, room, type: 'incident.updated', payload: { ...incident, seq } })
      const used = process.cpuUsage(cpu)
      storeCpuUs += used.user + used.system
      const message = toEventMessage(event)
      message.payload = { ...incident, seq, t0, t1: now() }
      realtime.io.to(room).emit('event', message)
    },
    close: async () => {
      server.closeAllConnections()
      await realtime.close()
      await db.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function startWs(): Promise<Broadcaster> {
  const server = http.createServer()
  const wss = new WebSocketServer({ server, perMessageDeflate: false })
  const sockets = new Set<WebSocket>()
  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
  let id = 0
  return {
    url,
    clients: () => sockets.size,
    broadcast: async (seq) => {
      const t = now()
      const data = JSON.stringify({
        id: String(++id),
        prev: id > 1 ? String(id - 1) : null,
        room: `territory:${incident.id}`,
        type: 'incident.updated',
        payload: { ...incident, seq, t0: t, t1: t },
        at: new Date().toISOString(),
      })
      for (const ws of sockets) ws.send(data)
    },
    close: async () => {
      for (const ws of sockets) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

let current: Broadcaster | null = null

process.on('message', (message: Command) => {
  void (async () => {
    try {
      if (message.cmd === 'start') {
        current = message.kind === 'ws' ? await startWs() : await startSocketIo(message.redisUrl)
        send({ ok: 'start', url: current.url, extra: current.extra ?? {} })
      } else if (message.cmd === 'memory') {
        send({ ok: 'memory', memory: memory(), clients: current!.clients() })
      } else if (message.cmd === 'broadcast') {
        const cpuBefore = process.cpuUsage()
        const storeBefore = current!.storeCpuUs?.() ?? 0
        const started = performance.now()
        const interval = 1000 / message.rate
        let lagMs = 0
        for (let i = 0; i < message.count; i++) {
          const due = started + i * interval
          const wait = due - performance.now()
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
          else lagMs = Math.max(lagMs, -wait)
          await current!.broadcast(message.firstSeq + i)
        }
        // let the last writes drain before reading the CPU time
        await new Promise((resolve) => setTimeout(resolve, 500))
        const cpu = process.cpuUsage(cpuBefore)
        const storeCpuUs = (current!.storeCpuUs?.() ?? 0) - storeBefore
        send({ ok: 'broadcast', cpuUserUs: cpu.user, cpuSystemUs: cpu.system, storeCpuUs, wallMs: performance.now() - started, lagMs })
      } else if (message.cmd === 'stop') {
        await current?.close()
        send({ ok: 'stop' })
        process.exit(0)
      }
    } catch (error) {
      send({ error: String((error as Error).stack ?? error) })
    }
  })()
})
process.on('disconnect', () => process.exit(0))
