// The browser side of realtime dashboards: one socket.io connection per page, rooms joined on
// demand, and exactly-once, in-order delivery per room across reconnects.
//
// Per room the connection remembers the last event id delivered (`last`). Rules:
// - a live event with id <= last was already delivered: dropped;
// - a live event whose `prev` (the room's previous event id) is <= last follows on: delivered;
// - otherwise an event in between is missing (reordering across app processes, or a lost
//   packet): the event is held back and the room is re-subscribed with `since = last`, whose
//   replay fills the gap;
// - while a subscribe is in flight, live events of that room are held back and applied after
//   the replay in the acknowledgement (the server joins the room before reading the backlog, so
//   an event can come both ways: the id rule drops the second copy).
// On reconnect every room is re-subscribed with `since = last`.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import type {
  ClientToServerEvents,
  RealtimeEventMessage,
  ServerToClientEvents,
  SubscribeAck,
} from '#domain/realtime/protocol.ts'

export type ConnectionState = 'connected' | 'reconnecting' | 'offline'
export type RealtimeListener = (event: RealtimeEventMessage) => void
export type SubscribeOptions = {
  /** last event id already reflected in the caller's data (e.g. a loader's realtime cursor) */
  since?: string | null
  /** the events after `since` are no longer all kept: the caller should reload its data */
  onResync?: (room: string) => void
  /** the server refused the subscription (forbidden, invalid room, unavailable) */
  onError?: (room: string, error: string) => void
  /** the room is joined and caught up (after each (re)subscribe and replay) */
  onReady?: (room: string) => void
}

type Subscriber = { listener: RealtimeListener; options: SubscribeOptions }
type Room = {
  name: string
  subscribers: Set<Subscriber>
  /** last delivered id; null = not yet known (first subscribe without since) */
  last: bigint | null
  /** a subscribe for this room is in flight; its number */
  pending: number | null
  held: RealtimeEventMessage[]
}

const MAX_HELD = 10_000

export class RealtimeConnection {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>
  private readonly rooms = new Map<string, Room>()
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()
  private currentState: ConnectionState = 'reconnecting'
  private requestSeq = 0
  /** the server ended the session: no automatic reconnect */
  sessionEnded = false

  constructor(options: { url?: string; socketOptions?: Partial<ManagerOptions & SocketOptions> } = {}) {
    const socketOptions: Partial<ManagerOptions & SocketOptions> = {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      withCredentials: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      ...options.socketOptions,
    }
    this.socket = options.url ? io(options.url, socketOptions) : io(socketOptions)
    this.socket.on('connect', () => {
      this.sessionEnded = false
      this.setState('connected')
      const names = [...this.rooms.keys()]
      for (const room of this.rooms.values()) room.pending = null
      if (names.length) this.sendSubscribe(names)
    })
    this.socket.on('disconnect', (reason) => {
      for (const room of this.rooms.values()) room.pending = null
      // the server closed us on purpose (session ended): socket.io does not reconnect
      this.setState(reason === 'io server disconnect' || reason === 'io client disconnect' ? 'offline' : 'reconnecting')
      // ...but the page may have signed in again meanwhile (a new cookie): one attempt; a
      // refused handshake leaves the socket inactive, so this never loops
      if (reason === 'io server disconnect' && this.rooms.size > 0) {
        setTimeout(() => {
          if (!this.socket.active) this.socket.connect()
        }, 1000)
      }
    })
    this.socket.on('connect_error', () => {
      // refused by the handshake (signed out, wrong origin): socket.active is false, no retry
      this.setState(this.socket.active ? 'reconnecting' : 'offline')
    })
    this.socket.on('session-ended', () => {
      this.sessionEnded = true
    })
    this.socket.on('event', (event) => this.onEvent(event))
  }

  get state(): ConnectionState {
    return this.currentState
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  /** The last event id delivered for a room (null when none is known yet). */
  lastId(room: string): string | null {
    return this.rooms.get(room)?.last?.toString() ?? null
  }

  /** Listen to rooms; returns the function that stops listening. */
  subscribe(rooms: string[], listener: RealtimeListener, options: SubscribeOptions = {}): () => void {
    const subscriber: Subscriber = { listener, options }
    const added: string[] = []
    for (const name of new Set(rooms)) {
      let room = this.rooms.get(name)
      if (!room) {
        room = { name, subscribers: new Set(), last: options.since ? BigInt(options.since) : null, pending: null, held: [] }
        this.rooms.set(name, room)
        added.push(name)
      }
      room.subscribers.add(subscriber)
    }
    if (added.length && this.socket.connected) this.sendSubscribe(added)
    else if (!this.socket.active) this.socket.connect() // refused or ended before: try again (rooms follow on connect)
    return () => {
      const removed: string[] = []
      for (const name of new Set(rooms)) {
        const room = this.rooms.get(name)
        if (!room) continue
        room.subscribers.delete(subscriber)
        if (room.subscribers.size === 0) {
          this.rooms.delete(name)
          removed.push(name)
        }
      }
      if (removed.length && this.socket.connected) this.socket.emit('unsubscribe', { rooms: removed }, () => {})
    }
  }

  /** Try again after the connection gave up or the session ended (e.g. after signing in). */
  retry(): void {
    if (!this.socket.connected) this.socket.connect()
  }

  close(): void {
    this.socket.disconnect()
    this.rooms.clear()
    this.stateListeners.clear()
  }

  private setState(state: ConnectionState) {
    if (state === this.currentState) return
    this.currentState = state
    for (const listener of this.stateListeners) listener(state)
  }

  private sendSubscribe(names: string[]) {
    const request = ++this.requestSeq
    const since: Record<string, string> = {}
    for (const name of names) {
      const room = this.rooms.get(name)!
      room.pending = request
      if (room.last !== null) since[name] = room.last.toString()
    }
    this.socket.emit('subscribe', { rooms: names, since }, (ack) => this.onSubscribed(names, request, ack))
  }

  private onSubscribed(names: string[], request: number, ack: SubscribeAck) {
    for (const name of names) {
      const room = this.rooms.get(name)
      if (!room || room.pending !== request) continue // unsubscribed, or superseded by a newer subscribe
      room.pending = null
      if (!ack.ok) {
        room.held = []
        for (const s of room.subscribers) s.options.onError?.(name, ack.error)
        if (ack.error === 'unavailable') {
          // transient: try again shortly if still wanted
          setTimeout(() => {
            if (this.rooms.get(name) === room && room.pending === null && this.socket.connected) this.sendSubscribe([name])
          }, 2000)
        }
        continue
      }
      const replay = ack.rooms[name]
      if (!replay) continue
      if (replay.resync) {
        room.last = BigInt(replay.head)
        for (const s of room.subscribers) s.options.onResync?.(name)
      } else {
        for (const event of replay.events) {
          if (room.last === null || BigInt(event.id) > room.last) this.deliver(room, event)
        }
        const head = BigInt(replay.head)
        if (room.last === null || head > room.last) room.last = head
      }
      this.drain(room)
      for (const s of room.subscribers) s.options.onReady?.(name)
    }
  }

  private onEvent(event: RealtimeEventMessage) {
    const room = this.rooms.get(event.room)
    if (!room) return
    if (room.held.length >= MAX_HELD) room.held.shift()
    room.held.push(event)
    if (room.pending === null) this.drain(room)
  }

  /** Deliver held events that follow on from `last`; on a gap, ask for a replay. */
  private drain(room: Room) {
    if (room.last === null) return
    room.held.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0))
    while (room.held.length) {
      const event = room.held[0]
      const id = BigInt(event.id)
      if (id <= room.last) {
        room.held.shift()
        continue
      }
      if (BigInt(event.prev ?? '0') > room.last) {
        if (room.pending === null && this.socket.connected) this.sendSubscribe([room.name])
        return
      }
      room.held.shift()
      this.deliver(room, event)
    }
  }

  private deliver(room: Room, event: RealtimeEventMessage) {
    room.last = BigInt(event.id)
    for (const s of room.subscribers) {
      try {
        s.listener(event)
      } catch (error) {
        console.error('realtime listener failed', error)
      }
    }
  }
}
