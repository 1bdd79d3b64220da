// The realtime wire protocol shared by the socket.io server (server/realtime) and the browser
// client (app/components/realtime*.ts). Types and constants only: safe to import from the
// browser bundle with `import type`.

/** One event as sent to dashboards. Ids are decimal strings of the RealtimeEvent BigInt id. */
export type RealtimeEventMessage = {
  id: string
  /** id of the previous event in the same room, or null: lets a client see a gap */
  prev: string | null
  room: string
  type: string
  payload: unknown
  /** ISO time the event was stored */
  at: string
}

/** client → server 'subscribe' */
export type SubscribeRequest = {
  rooms: string[]
  /** per room: the last event id the client has seen (or a cursor from a loader) */
  since?: Record<string, string>
}

export type RoomReplay =
  /** events after `since` in id order; every event of the room up to `head` is now known to the client */
  | { resync: false; events: RealtimeEventMessage[]; head: string }
  /** the events after `since` are no longer all kept: reload the data, then continue from `head` */
  | { resync: true; head: string }

export type SocketErrorCode = 'invalid-input' | 'forbidden' | 'unknown-event' | 'unauthenticated' | 'unavailable'

export type SubscribeAck = { ok: true; rooms: Record<string, RoomReplay> } | { ok: false; error: SocketErrorCode }

/** client → server 'unsubscribe' */
export type UnsubscribeRequest = { rooms: string[] }
export type UnsubscribeAck = { ok: true } | { ok: false; error: SocketErrorCode }

/** server → client event names */
export const SERVER_EVENT = 'event'
/** sent before the server disconnects a socket whose session ended */
export const SESSION_ENDED = 'session-ended'
/** connect_error messages from the handshake */
export const HANDSHAKE_ERROR = { unauthenticated: 'unauthenticated' } as const
/** the engine path socket.io listens on */
export const SOCKET_PATH = '/socket.io'

/** socket.io typed event maps */
export type ClientToServerEvents = {
  subscribe: (request: SubscribeRequest, ack: (answer: SubscribeAck) => void) => void
  unsubscribe: (request: UnsubscribeRequest, ack: (answer: UnsubscribeAck) => void) => void
}
export type ServerToClientEvents = {
  event: (event: RealtimeEventMessage) => void
  'session-ended': () => void
}
