// The dead-letter list the operator sees: deliveries that will not be tried again — DEAD (out of
// attempts, or a lease that kept expiring) and FAILED (a permanent answer: dead address, payload
// refused …) — with the reason, the attempts, the alert and the channel. Newest first, paged by a
// keyset cursor (the delivery id), so a page stays cheap however long the list grows.
import type { Db } from './db.ts'

export type DeadLetterStatus = 'DEAD' | 'FAILED'

export type DeadLetter = {
  /** the Delivery id (a bigint, as a string) */
  id: string
  status: DeadLetterStatus
  channel: string
  /** e.g. the PushSubscription id */
  recipientKey: string
  /** the last error the ledger kept */
  reason: string | null
  attempts: number
  alert: { id: string; identifier: string; status: string; msgType: string }
  /** the last provider call: when, what it answered */
  lastAttempt: { at: Date; result: string; httpStatus: number | null; detail: string | null } | null
  updatedAt: Date
}

export type ListDeadLettersOptions = {
  /** one alert only */
  alertId?: string
  channel?: string
  /** default both */
  statuses?: DeadLetterStatus[]
  /** page size, 1–200 (default 50) */
  take?: number
  /** the nextCursor of the previous page */
  cursor?: string | null
}

export type DeadLetterPage = { items: DeadLetter[]; nextCursor: string | null; total: number }

export async function listDeadLetters(db: Db, options: ListDeadLettersOptions = {}): Promise<DeadLetterPage> {
  const take = Math.min(200, Math.max(1, Math.floor(options.take ?? 50)))
  const statuses = options.statuses?.length ? options.statuses : (['DEAD', 'FAILED'] as const)
  const where = {
    status: { in: [...statuses] },
    // the partial index of dead letters (decision 024)
    failedAt: { not: null },
    ...(options.alertId ? { alertId: options.alertId } : {}),
    ...(options.channel ? { channel: options.channel } : {}),
  }
  const cursor = options.cursor && /^\d+$/.test(options.cursor) ? BigInt(options.cursor) : null
  const [rows, total] = await Promise.all([
    db.delivery.findMany({
      where: { ...where, ...(cursor !== null ? { id: { lt: cursor } } : {}) },
      orderBy: { id: 'desc' },
      take: take + 1,
      select: {
        id: true, alertId: true, status: true, channel: true, recipientKey: true, lastError: true, attempts: true, updatedAt: true,
        attemptsLog: { orderBy: { id: 'desc' }, take: 1, select: { at: true, result: true, httpStatus: true, detail: true } },
      },
    }),
    db.delivery.count({ where }),
  ])
  const page = rows.slice(0, take)
  // each delivery's alert exists (decision 028)
  const alerts = await db.alert.findMany({
    where: { id: { in: [...new Set(page.map((row) => row.alertId))] } },
    select: { id: true, identifier: true, status: true, msgType: true },
  })
  const alertById = new Map(alerts.map((a) => [a.id, a]))
  return {
    items: page.map((row) => ({
      id: String(row.id),
      status: row.status as DeadLetterStatus,
      channel: row.channel,
      recipientKey: row.recipientKey,
      reason: row.lastError,
      attempts: row.attempts,
      alert: alertById.get(row.alertId)!,
      lastAttempt: row.attemptsLog[0] ?? null,
      updatedAt: row.updatedAt,
    })),
    nextCursor: rows.length > take ? String(page.at(-1)!.id) : null,
    total,
  }
}
