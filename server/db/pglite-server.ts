// Serves the app's PGlite to other local processes (the sargs CLI) over a unix socket, speaking
// the Postgres wire protocol, so they can use the ordinary pg driver while the app keeps the
// one and only PGlite instance on the data directory.
//
// What @electric-sql/pglite-socket 0.2.17 does (read from its src/index.ts), and why we only
// reuse its per-connection protocol handler (PGLiteSocketHandler) with our own queue:
// - Each connection's byte stream is cut into protocol messages (startup, Parse, Bind,
//   Execute, Sync, Query ...) and EVERY MESSAGE is queued separately in one server-wide
//   QueryQueueManager, which runs it with `db.runExclusive(() => db.execProtocolRawStream(msg))`.
// - `runExclusive` takes only PGlite's query mutex. PGlite's own `query`/`exec`/`transaction`
//   take its transaction mutex first and release the query mutex between statements. So a
//   socket message can run in the middle of an app transaction (and the app's statements in
//   the middle of a socket client's BEGIN ... COMMIT): both would share one transaction.
// - Its queue keeps a transaction to one connection only via `db.isInTransaction()` plus the
//   last connection served; outside an explicit transaction, messages of several connections
//   interleave message by message, so Parse/Bind/Execute of two clients can mix (one backend,
//   one unnamed statement). If `isInTransaction()` is true because of the app, and the last
//   connection served has gone, its queue stops and a waiting client hangs.
// - maxConnections defaults to 1; an extra connection gets the raw text "Too many
//   connections" (not a protocol message). The startup message is answered for any
//   user/database: there is no authentication, hence the 0600 socket in a 0700 directory.
//
// Our queue instead takes the Gate (./gate.ts) for the whole SESSION of a connection: from its
// first message until PGlite answers ReadyForQuery with status Idle to a Sync/Query (i.e. no
// open transaction, no pending extended-protocol exchange, no COPY). While one connection holds
// it, the app's queries and transactions and the other connections wait (FIFO), so a CLI
// transaction never interleaves with an app transaction. A connection that closes or times out
// while holding the gate gets a Sync and a ROLLBACK, then releases it. Consequences: a CLI
// transaction blocks the app for its duration (a restore of a large backup does), and an idle
// connection holding a transaction is cut after `idleTimeoutMs`. Session settings (SET ...)
// persist in the one backend and are seen by everybody: CLI code must not change them.
import fs from 'node:fs/promises'
import net from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket'
import type { Gate } from './gate.ts'

const READY_FOR_QUERY = 0x5a // 'Z'
const IDLE = 0x49 // 'I'
/** Messages after which the backend answers ReadyForQuery: Sync, Query, CopyDone, CopyFail. */
const SESSION_BOUNDARY = new Set([0x53, 0x51, 0x63, 0x66])
const PROTOCOL_3 = 196608
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4])

type Owner = { handlerId: number }

function isStartup(message: Uint8Array): boolean {
  if (message.length < 8) return false
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  return view.getInt32(4) === PROTOCOL_3
}

/** Drop-in for pglite-socket's QueryQueueManager, keyed on the Gate. */
class GatedQueue {
  readonly #owners = new Map<number, Owner>()

  constructor(
    private readonly db: PGlite,
    private readonly gate: Gate,
  ) {}

  #owner(handlerId: number): Owner {
    let owner = this.#owners.get(handlerId)
    if (!owner) {
      owner = { handlerId }
      this.#owners.set(handlerId, owner)
    }
    return owner
  }

  async enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const owner = this.#owner(handlerId)
    await this.gate.acquire(owner)
    let size = 0
    let tail: Uint8Array = new Uint8Array(0)
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          size += data.length
          tail = lastBytes(tail, data, 6)
          onData(data)
        },
      }),
    )
    const boundary = isStartup(message) || SESSION_BOUNDARY.has(message[0])
    if (boundary && isIdleReady(tail)) this.gate.release(owner)
    return size
  }

  clearQueueForHandler(handlerId: number): void {
    const owner = this.#owners.get(handlerId)
    if (owner) this.gate.cancel(owner, new Error('Handler disconnected'))
  }

  /** The connection went away: end whatever it left open, then let the others in. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    const owner = this.#owners.get(handlerId)
    this.#owners.delete(handlerId)
    if (!owner || this.gate.owner !== owner) return
    try {
      await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC))
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK')
    } finally {
      this.gate.release(owner)
    }
  }

  getQueueLength(): number {
    return 0
  }
}

function lastBytes(previous: Uint8Array, data: Uint8Array, n: number): Uint8Array {
  if (data.length >= n) return data.slice(data.length - n)
  const joined = new Uint8Array(previous.length + data.length)
  joined.set(previous)
  joined.set(data, previous.length)
  return joined.slice(Math.max(0, joined.length - n))
}

function isIdleReady(tail: Uint8Array): boolean {
  return (
    tail.length === 6 &&
    tail[0] === READY_FOR_QUERY &&
    tail[1] === 0 &&
    tail[2] === 0 &&
    tail[3] === 0 &&
    tail[4] === 5 &&
    tail[5] === IDLE
  )
}

export type PGliteServerOptions = {
  db: PGlite
  gate: Gate
  /** Unix socket path (created 0600). */
  path: string
  maxConnections?: number
  /** Close a connection idle this long (it may be holding the gate in a transaction). */
  idleTimeoutMs?: number
}

export type PGliteServer = { path: string; close(): Promise<void> }

export async function servePGlite(options: PGliteServerOptions): Promise<PGliteServer> {
  const queue = new GatedQueue(options.db, options.gate)
  const handlers = new Set<PGLiteSocketHandler>()
  const maxConnections = options.maxConnections ?? 8
  const server = net.createServer((socket) => {
    if (handlers.size >= maxConnections) {
      socket.end(errorResponse('53300', 'too many connections to the Sargs database socket'))
      return
    }
    const handler = new PGLiteSocketHandler({
      queryQueue: queue as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
      idleTimeout: options.idleTimeoutMs ?? 120_000,
    })
    handlers.add(handler)
    const forget = () => handlers.delete(handler)
    handler.addEventListener('close', forget)
    handler.addEventListener('error', forget)
    void handler.attach(socket)
  })
  await fs.rm(options.path, { force: true })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.path, () => {
      server.off('error', reject)
      resolve()
    })
  })
  await fs.chmod(options.path, 0o600)
  return {
    path: options.path,
    close: async () => {
      await Promise.all([...handlers].map((h) => h.detach(true)))
      handlers.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await fs.rm(options.path, { force: true })
    },
  }
}

/** A protocol ErrorResponse, so that a refused pg client reports a readable error. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from('SFATAL\0'),
    Buffer.from(`C${code}\0`),
    Buffer.from(`M${message}\0`),
    Buffer.from([0]),
  ])
  const header = Buffer.alloc(5)
  header.write('E', 0)
  header.writeInt32BE(fields.length + 4, 1)
  return Buffer.concat([header, fields])
}
