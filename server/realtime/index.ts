// Realtime dashboards over socket.io on the app's HTTP server.
// - Handshake: Origin must be ours; the sargs_session cookie must be a live, MFA-verified session.
// - Every client event is checked against socketEventPolicy (the one policy table) and re-checks
//   the session; sessions are also re-checked every minute and ended sockets are disconnected.
// - publish(room, type, payload) stores a RealtimeEvent (monotonic id) and emits it to the room;
//   with REDIS_URL the emit goes through the Redis adapter to every app process.
// - Clients re-subscribe with the last id they saw per room and get the missed events replayed.
// See docs/decisions/004-realtime.md.
import type http from 'node:http'
import { Server } from 'socket.io'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { can } from '#domain/auth/policy.ts'
import { appendRealtimeEvent } from '#domain/realtime/append-realtime-event.ts'
import { toEventMessage } from '#domain/realtime/event-store.ts'
import {
  HANDSHAKE_ERROR,
  SOCKET_PATH,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '#domain/realtime/protocol.ts'
import { pruneRealtimeEvents, REALTIME_RETENTION_MS } from '#domain/realtime/prune-realtime-events.ts'
import { originAllowed, resolveSocketSession, sessionTokenFrom, type SocketData } from './handshake.ts'
import { connectRedis, type RedisLink } from './redis.ts'
import { isSocketEvent, socketEventPolicy, socketHandlers, type AppSocket, type Policy, type SocketEventName } from './socket-events.ts'

export { socketEventPolicy } from './socket-events.ts'
export { roomPolicy } from '#domain/realtime/rooms.ts'

export type RealtimeOptions = {
  server: http.Server
  prisma: PrismaClient
  redisUrl?: string
  /** PUBLIC_URL: when set, the only accepted Origin */
  publicUrl?: string
  /** trust X-Forwarded-Proto/Host for the Host-derived origin */
  trustProxy?: boolean
  /** the policy to authorise socket events with (default: the policy table's `can`) */
  policy?: Policy
  /** how long to wait for Redis at start before giving up (default 10 s) */
  redisConnectTimeoutMs?: number
  sessionCheckIntervalMs?: number
  pruneIntervalMs?: number
  retentionMs?: number
}

export type Realtime = {
  publisher: RealtimePublisher
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
  close(): Promise<void>
  health?: () => Promise<{ ok: boolean; error?: string }>
}

export async function attachRealtime(options: RealtimeOptions): Promise<Realtime> {
  const { prisma } = options
  const policy = options.policy ?? can
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined
  const trustProxy = options.trustProxy ?? false

  const redis: RedisLink | null = options.redisUrl
    ? await connectRedis(options.redisUrl, { connectTimeoutMs: options.redisConnectTimeoutMs })
    : null

  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(options.server, {
    path: SOCKET_PATH,
    serveClient: false,
    transports: ['websocket', 'polling'],
    // client messages are small requests (subscribe/unsubscribe)
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (req, callback) => callback(null, originAllowed(req, { publicOrigin, trustProxy })),
    ...(redis ? { adapter: redis.adapter } : {}),
  })

  const endSession = (socket: AppSocket) => {
    socket.emit('session-ended')
    socket.disconnect(true)
  }

  // Handshake: a live, fully signed-in session.
  io.use(async (socket, next) => {
    try {
      const data = await resolveSocketSession(prisma, sessionTokenFrom(socket.request))
      if (!data) return next(new Error(HANDSHAKE_ERROR.unauthenticated))
      socket.data = data
      next()
    } catch (error) {
      console.error('realtime: handshake failed', error)
      next(new Error('unavailable'))
    }
  })

  io.on('connection', (socket: AppSocket) => {
    // Every incoming event: known, session still live, permitted by the policy table.
    socket.use(async ([event, ...args], next) => {
      const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (answer: unknown) => void) : null
      if (!isSocketEvent(event)) return ack?.({ ok: false, error: 'unknown-event' })
      let data: SocketData | null
      try {
        data = await resolveSocketSession(prisma, socket.data.token)
      } catch (error) {
        console.error('realtime: session check failed', error)
        return ack?.({ ok: false, error: 'unavailable' })
      }
      if (!data) {
        ack?.({ ok: false, error: 'unauthenticated' })
        return endSession(socket)
      }
      socket.data = data
      if (!policy(data.user.role, socketEventPolicy[event])) return ack?.({ ok: false, error: 'forbidden' })
      if (!ack) return // every event is a request with an acknowledgement
      next()
    })
    for (const event of Object.keys(socketHandlers) as SocketEventName[]) {
      const handler = socketHandlers[event] as (
        ctx: Parameters<typeof socketHandlers.subscribe>[0],
        input: unknown,
        ack: (answer: { ok: false; error: 'unavailable' }) => void,
      ) => Promise<void>
      socket.on(event, (input: unknown, ack: (answer: { ok: false; error: 'unavailable' }) => void) => {
        handler({ prisma, policy, socket }, input, ack).catch((error: unknown) => {
          console.error(`realtime: ${event} failed`, error)
          ack({ ok: false, error: 'unavailable' })
        })
      })
    }
  })

  // Re-check every local socket's session periodically; disconnect ended ones.
  const checkSessions = async () => {
    const byToken = new Map<string, AppSocket[]>()
    for (const socket of io.of('/').sockets.values()) {
      const list = byToken.get(socket.data.token) ?? []
      list.push(socket)
      byToken.set(socket.data.token, list)
    }
    for (const [token, sockets] of byToken) {
      const data = await resolveSocketSession(prisma, token)
      for (const socket of sockets) {
        if (data) socket.data = data
        else endSession(socket)
      }
    }
  }
  const sessionTimer = setInterval(() => {
    checkSessions().catch((error: unknown) => console.error('realtime: session sweep failed', error))
  }, options.sessionCheckIntervalMs ?? 60_000)
  sessionTimer.unref()

  const prune = () =>
    pruneRealtimeEvents({ prisma, retentionMs: options.retentionMs ?? REALTIME_RETENTION_MS }).catch((error: unknown) =>
      console.error('realtime: pruning failed', error),
    )
  const pruneTimer = setInterval(prune, options.pruneIntervalMs ?? 60 * 60_000)
  pruneTimer.unref()
  void prune()

  // One publish at a time per process: ids are drawn and emitted in the same order.
  let queue: Promise<unknown> = Promise.resolve()
  const publisher: RealtimePublisher = {
    publish(room, type, payload) {
      const run = queue.then(async () => {
        const event = await appendRealtimeEvent({ prisma, room, type, payload })
        io.to(room).emit('event', toEventMessage(event))
        return event.id
      })
      queue = run.catch(() => undefined)
      return run
    },
  }

  let closed = false
  return {
    publisher,
    io,
    health: redis?.health,
    async close() {
      if (closed) return
      closed = true
      clearInterval(sessionTimer)
      clearInterval(pruneTimer)
      await queue
      // io.close() also closes the HTTP server it is attached to
      await new Promise<void>((resolve) => io.close(() => resolve()))
      await redis?.close()
    },
  }
}
