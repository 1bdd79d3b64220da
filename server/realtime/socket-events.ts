// Every socket event a client may send, the permission it needs (from the one policy table), and
// its handler. Handlers are thin: parse, authorise, call one domain function, acknowledge.
// Anything not in socketEventPolicy is refused.
import type { Socket } from 'socket.io'
import { z } from 'zod'
import type { Permission } from '#domain/auth/policy.ts'
import type { Role } from '#generated/prisma/enums.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { toEventMessage } from '#domain/realtime/event-store.ts'
import type { ClientToServerEvents, RoomReplay, ServerToClientEvents, SocketErrorCode } from '#domain/realtime/protocol.ts'
import { readRealtimeEvents } from '#domain/realtime/read-realtime-events.ts'
import { parseRoom, roomPolicy } from '#domain/realtime/rooms.ts'
import type { SocketData } from './handshake.ts'

/** Socket event → the permission needed to send it. Joining a room also needs roomPolicy[kind]. */
export const socketEventPolicy = {
  subscribe: 'read:incident:any',
  unsubscribe: 'read:incident:any',
} as const satisfies Record<string, Permission>

export type SocketEventName = keyof typeof socketEventPolicy

export function isSocketEvent(name: unknown): name is SocketEventName {
  return typeof name === 'string' && Object.hasOwn(socketEventPolicy, name)
}

export type Policy = (role: Role, permission: Permission) => boolean

const MAX_ROOMS = 50
const roomsSchema = z.array(z.string().max(60)).min(1).max(MAX_ROOMS)
const subscribeSchema = z
  .object({
    rooms: roomsSchema,
    since: z.record(z.string().max(60), z.string().regex(/^\d{1,19}$/)).optional(),
  })
  .strict()
const unsubscribeSchema = z.object({ rooms: roomsSchema }).strict()

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type Context = { prisma: PrismaClient; policy: Policy; socket: AppSocket }
type Handler<E extends SocketEventName> = (
  ctx: Context,
  input: unknown,
  ack: Parameters<ClientToServerEvents[E]>[1],
) => Promise<void>

/** Parse and authorise a list of rooms for a role: the rooms, or the error code. */
function authoriseRooms(rooms: string[], role: Role, policy: Policy): { rooms: string[] } | { error: SocketErrorCode } {
  const parsed = rooms.map(parseRoom)
  if (parsed.some((r) => r === null)) return { error: 'invalid-input' }
  if (!parsed.every((r) => policy(role, roomPolicy[r!.kind]))) return { error: 'forbidden' }
  return { rooms: [...new Set(parsed.map((r) => `${r!.kind}:${r!.id}`))] }
}

export const socketHandlers: { [E in SocketEventName]: Handler<E> } = {
  async subscribe({ prisma, policy, socket }, input, ack) {
    const parsed = subscribeSchema.safeParse(input)
    if (!parsed.success) return ack({ ok: false, error: 'invalid-input' })
    const checked = authoriseRooms(parsed.data.rooms, socket.data.user.role, policy)
    if ('error' in checked) return ack({ ok: false, error: checked.error })
    const since = parsed.data.since ?? {}
    // Join first, read the backlog second: an event committed in between arrives live AND in the
    // backlog (the client drops the second copy by id) — never in neither.
    await socket.join(checked.rooms)
    let replay
    try {
      replay = await readRealtimeEvents({
        prisma,
        rooms: checked.rooms.map((room) => ({ room, since: since[room] === undefined ? null : BigInt(since[room]) })),
      })
    } catch (error) {
      console.error('realtime: replay failed', error)
      return ack({ ok: false, error: 'unavailable' })
    }
    const rooms: Record<string, RoomReplay> = {}
    for (const [room, r] of Object.entries(replay)) {
      rooms[room] = r.resync
        ? { resync: true, head: r.head.toString() }
        : { resync: false, events: r.events.map(toEventMessage), head: r.head.toString() }
    }
    ack({ ok: true, rooms })
  },

  async unsubscribe({ policy, socket }, input, ack) {
    const parsed = unsubscribeSchema.safeParse(input)
    if (!parsed.success) return ack({ ok: false, error: 'invalid-input' })
    const checked = authoriseRooms(parsed.data.rooms, socket.data.user.role, policy)
    if ('error' in checked) return ack({ ok: false, error: checked.error })
    for (const room of checked.rooms) await socket.leave(room)
    ack({ ok: true })
  },
}
