// One PGlite is one Postgres backend: a single session whose transaction state every caller
// shares. When the app serves its PGlite to the CLI over a socket, PGlite's own locks are not
// enough to keep the two apart (see ./pglite-server.ts for what pglite-socket does), so every
// access goes through this gate: a FIFO mutex whose owner is either one app call (a query, an
// exec or a whole transaction) or one socket session (from its first message until the backend
// is idle again, i.e. across a whole transaction or extended-protocol exchange).
import type { PGlite, Transaction } from '@electric-sql/pglite'
import type { PGliteClient } from './pglite-adapter.ts'

type Waiter = { owner: unknown; resolve: () => void; reject: (error: Error) => void }

export class Gate {
  #owner: unknown = null
  #waiters: Waiter[] = []

  get owner(): unknown {
    return this.#owner
  }

  /** Wait for the gate; immediate if `owner` already holds it (a session's next message). */
  acquire(owner: unknown): Promise<void> {
    if (this.#owner === owner) return Promise.resolve()
    if (this.#owner === null && this.#waiters.length === 0) {
      this.#owner = owner
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => this.#waiters.push({ owner, resolve, reject }))
  }

  release(owner: unknown): void {
    if (this.#owner !== owner) return
    const next = this.#waiters.shift()
    this.#owner = next ? next.owner : null
    next?.resolve()
  }

  /** Drop the waits of an owner that went away (a closed socket). */
  cancel(owner: unknown, reason: Error): void {
    const mine = this.#waiters.filter((w) => w.owner === owner)
    this.#waiters = this.#waiters.filter((w) => w.owner !== owner)
    for (const w of mine) w.reject(reason)
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const owner = Symbol('app')
    await this.acquire(owner)
    try {
      return await fn()
    } finally {
      this.release(owner)
    }
  }
}

/**
 * The PGlite view handed to the Prisma adapter in the app: each query/exec, and each
 * transaction as a whole, holds the gate. Queries inside a transaction go through the
 * Transaction object, which the gate already covers.
 */
export function gatedClient(db: PGlite, gate: Gate): PGliteClient {
  return {
    query: (...args) => gate.run(() => db.query(...args)),
    exec: (...args) => gate.run(() => db.exec(...args)),
    transaction: <T>(callback: (tx: Transaction) => Promise<T>) =>
      gate.run(() => db.transaction(callback)),
  }
}
