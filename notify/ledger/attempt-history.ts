// The attempts of deliveries as the report shows them: the DeliveryAttempt rows (retries, failures,
// stale results, expired leases, receipts, acknowledgements) with the accepted send — recorded on
// the delivery itself (sentAt, sentHttpStatus, providerMessageId; decision 023) — in its place
// among them.
import type { Prisma } from '#generated/prisma/client.ts'
import type { Db } from './db.ts'

export type HistoryAttempt = {
  deliveryId: bigint
  attempt: number
  at: Date
  /** sent | exercise | retry | permanent | dead | stale | lease-expired | cancelled | receipt-… | acknowledged … */
  result: string
  httpStatus: number | null
  detail: string | null
}

export type AcceptedSend = {
  id: bigint
  attempts: number
  sentAt: Date | null
  sentHttpStatus: number | null
  providerMessageId: string | null
  /** the alert's CAP status: anything but Actual went to the exercise sink */
  alertStatus: string
}

/** The accepted send of a delivery as an attempt (null when it has none). */
export function acceptedSendAttempt(d: AcceptedSend): HistoryAttempt | null {
  if (!d.sentAt) return null
  return {
    deliveryId: d.id,
    attempt: d.attempts,
    at: d.sentAt,
    result: d.alertStatus === 'Actual' ? 'sent' : 'exercise',
    httpStatus: d.sentHttpStatus,
    detail: d.providerMessageId,
  }
}

/**
 * Put the accepted send among a delivery's attempt rows (in id order): after the attempts before
 * it, before what was reported afterwards (receipts, acknowledgements: same attempt, later time).
 */
export function withAcceptedSend<A extends { attempt: number; at: Date | string }>(rows: A[], sent: A | null): A[] {
  if (!sent) return rows
  const time = (a: A) => (typeof a.at === 'string' ? Date.parse(a.at) : a.at.getTime())
  const at = rows.findIndex((a) => a.attempt >= sent.attempt && time(a) >= time(sent))
  return at < 0 ? [...rows, sent] : [...rows.slice(0, at), sent, ...rows.slice(at)]
}

/** Every attempt of the deliveries matching `where`, by delivery id, each delivery's in order. */
export async function attemptHistory(db: Db, where: Prisma.DeliveryWhereInput): Promise<HistoryAttempt[]> {
  const deliveries = await db.delivery.findMany({
    where,
    orderBy: { id: 'asc' },
    select: { id: true, attempts: true, sentAt: true, sentHttpStatus: true, providerMessageId: true, alertId: true },
  })
  const alerts = await db.alert.findMany({ where: { id: { in: [...new Set(deliveries.map((d) => d.alertId))] } }, select: { id: true, status: true } })
  const alertStatus = new Map(alerts.map((a) => [a.id, a.status]))
  const rows = await db.deliveryAttempt.findMany({
    where: { deliveryId: { in: deliveries.map((d) => d.id) } },
    orderBy: [{ deliveryId: 'asc' }, { id: 'asc' }],
    select: { deliveryId: true, attempt: true, at: true, result: true, httpStatus: true, detail: true },
  })
  const byDelivery = new Map<bigint, HistoryAttempt[]>()
  for (const r of rows) byDelivery.set(r.deliveryId, [...(byDelivery.get(r.deliveryId) ?? []), r])
  return deliveries.flatMap((d) => withAcceptedSend(byDelivery.get(d.id) ?? [], acceptedSendAttempt({ ...d, alertStatus: alertStatus.get(d.alertId)! })))
}
