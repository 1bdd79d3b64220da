// The delivery report of one alert: every recipient × channel (a Delivery row) with every attempt
// (time, result, the provider's answer), a page at a time in Delivery id order (keyset cursor), so
// the screen pages and the CSV export streams without loading 100,000 rows at once.
//
// Recipients are shown pseudonymously. A PushSubscription has no name, and its endpoint is a
// capability URL (whoever holds it, with the keys, can push to that browser): the report never
// shows it. It shows the push service's host (e.g. fcm.googleapis.com) and a short hash of the
// subscription id — the same subscription gets the same hash in every report, so staff can follow
// one recipient across alerts without learning who or where it is. Provider details are passed
// through `redactDetail`, which cuts every URL down to its origin.
import { createHash } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { DeliveryStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'
import { acceptedSendAttempt, withAcceptedSend } from '#notify/ledger/attempt-history.ts'
import { mqttReportInfo, type ReportDeviceAck } from './device-acks.ts'

export type ReportAttempt = {
  attempt: number
  /** ISO time */
  at: string
  /** sent | retry | permanent | dead | exercise | stale | lease-expired */
  result: string
  httpStatus: number | null
  detail: string | null
}

export type ReportRow = {
  /** Delivery id (decimal string): the cursor */
  id: string
  channel: string
  /** short, stable pseudonym of the recipient (hash of the channel and the subscription id) */
  recipient: string
  /** the push service's host; null when the subscription no longer exists (404/410, unsubscribed) */
  service: string | null
  status: DeliveryStatus
  attempts: ReportAttempt[]
  lastError: string | null
  /** ISO time of the last change */
  updatedAt: string
  /** what the recipient's side reported after acceptance: SMS receipts (delivered | failed | pending),
   * a desk phone's acknowledgement key ('acknowledged'); null when nothing was reported */
  receipt: { status: string; at: string | null } | null
  /** staff equipment is named (channel 'phone': the phone's name); null for residents (pseudonymous) */
  recipientLabel: string | null
  /** channel 'mqtt': what the group's devices acknowledged for this alert (device-acks.ts); null otherwise */
  deviceAcks: ReportDeviceAck[] | null
}

export type DeliveryReportPage = {
  rows: ReportRow[]
  /** cursor for the next page, null on the last one */
  next: string | null
}

export const REPORT_PAGE_MAX = 1000

export async function listDeliveryReport(options: {
  prisma: PrismaClient
  alertId: string
  /** Delivery id after which to continue (from `next`) */
  after?: string | null
  limit?: number
  /** only deliveries in these states */
  statuses?: DeliveryStatus[]
}): Promise<DeliveryReportPage> {
  const { prisma, alertId } = options
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 50)), REPORT_PAGE_MAX)
  const after = parseCursor(options.after)
  const deliveries = await prisma.delivery.findMany({
    where: {
      alertId,
      ...(after !== null ? { id: { gt: after } } : {}),
      ...(options.statuses?.length ? { status: { in: options.statuses } } : {}),
    },
    orderBy: { id: 'asc' },
    take: limit + 1,
    select: {
      id: true, channel: true, recipientKey: true, status: true, lastError: true, updatedAt: true, receiptStatus: true, receiptAt: true,
      attempts: true, sentAt: true, sentHttpStatus: true, providerMessageId: true,
    },
  })
  const alert = await prisma.alert.findUnique({ where: { id: alertId }, select: { status: true } })
  if (!alert) throw new AppError('NOT_FOUND', `no alert ${alertId}`)
  const page = deliveries.slice(0, limit)
  const ids = page.map((d) => d.id)
  const [attempts, subscriptions, phones] = await Promise.all([
    ids.length
      ? prisma.deliveryAttempt.findMany({
          where: { deliveryId: { in: ids } },
          orderBy: [{ deliveryId: 'asc' }, { id: 'asc' }],
          select: { deliveryId: true, attempt: true, at: true, result: true, httpStatus: true, detail: true },
        })
      : [],
    pushServices(prisma, page.filter((d) => d.channel === 'webpush').map((d) => d.recipientKey)),
    phoneNames(prisma, page.filter((d) => d.channel === 'phone').map((d) => d.recipientKey)),
  ])
  const mqtt = await mqttReportInfo(prisma, alertId, page.filter((d) => d.channel === 'mqtt').map((d) => d.recipientKey))
  const byDelivery = new Map<bigint, ReportAttempt[]>()
  for (const a of attempts) {
    const list = byDelivery.get(a.deliveryId) ?? []
    list.push({ attempt: a.attempt, at: a.at.toISOString(), result: a.result, httpStatus: a.httpStatus, detail: redactDetail(a.detail) })
    byDelivery.set(a.deliveryId, list)
  }
  // the accepted send is on the delivery row (decision 023): in its place among the attempt rows
  for (const d of page) {
    const sent = acceptedSendAttempt({ ...d, alertStatus: alert.status })
    if (!sent) continue
    const attempt: ReportAttempt = { attempt: sent.attempt, at: sent.at.toISOString(), result: sent.result, httpStatus: sent.httpStatus, detail: redactDetail(sent.detail) }
    byDelivery.set(d.id, withAcceptedSend(byDelivery.get(d.id) ?? [], attempt))
  }
  return {
    rows: page.map((d) => ({
      id: d.id.toString(),
      channel: d.channel,
      recipient: recipientPseudonym(d.channel, d.recipientKey),
      service: subscriptions.get(d.recipientKey) ?? null,
      status: d.status,
      attempts: byDelivery.get(d.id) ?? [],
      lastError: redactDetail(d.lastError),
      updatedAt: d.updatedAt.toISOString(),
      receipt: d.receiptStatus ? { status: d.receiptStatus, at: d.receiptAt?.toISOString() ?? null } : null,
      recipientLabel: d.channel === 'phone' ? (phones.get(d.recipientKey) ?? null) : d.channel === 'mqtt' ? (mqtt.label.get(d.recipientKey) ?? null) : null,
      deviceAcks: d.channel === 'mqtt' ? (mqtt.acks.get(d.recipientKey) ?? []) : null,
    })),
    next: deliveries.length > limit ? page.at(-1)!.id.toString() : null,
  }
}

/** A short stable pseudonym: 10 hex digits of SHA-256 over the channel and recipient key. */
export function recipientPseudonym(channel: string, recipientKey: string): string {
  return createHash('sha256').update(`${channel}:${recipientKey}`).digest('hex').slice(0, 10)
}

/** Every URL in a provider's text cut down to its origin ("https://push.example/…"). */
export function redactDetail(detail: string | null): string | null {
  if (detail === null) return null
  return detail.replace(/\b(https?:\/\/[^\s/?#"'<>]+)[^\s"'<>]*/gi, (_match, origin: string) => `${origin}/…`)
}

async function pushServices(prisma: PrismaClient, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await prisma.pushSubscription.findMany({ where: { id: { in: ids } }, select: { id: true, endpoint: true } })
  const out = new Map<string, string>()
  for (const row of rows) {
    try {
      out.set(row.id, new URL(row.endpoint).host)
    } catch {
      out.set(row.id, '?')
    }
  }
  return out
}

/** Desk phones are the institutions' equipment, not residents: the report names them. */
async function phoneNames(prisma: PrismaClient, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await prisma.phone.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
  return new Map(rows.map((r) => [r.id, r.name]))
}

function parseCursor(value: string | null | undefined): bigint | null {
  if (value === null || value === undefined || value === '') return null
  if (!/^\d{1,19}$/.test(value)) throw new AppError('INVALID_INPUT', 'bad report cursor', { fields: { after: 'errors:invalid' } })
  return BigInt(value)
}
