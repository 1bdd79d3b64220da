// Delivery progress of one alert, per channel, from the ledger (one grouped scan of the alert's
// Delivery rows). Read by the progress page's loader and, every second, by the progress ticker
// (server/realtime/alert-progress-ticker.ts) that publishes it to the alert's realtime room.
//
// What the numbers mean (docs/decisions/009-delivery-progress.md):
// - targeted: Delivery rows so far (one per recipient × channel). While the fan-out runs this
//   still grows; `fanout` says whether it is complete.
// - pending: not yet answered (PENDING, and SENDING = claimed by a worker right now); `retrying`
//   is the part of pending that already had an attempt.
// - sent: the provider ACCEPTED the message. For web push that is the push service's 201: it
//   holds the message for the device; nobody tells us when (or whether) the device got it.
// - delivered: a delivery receipt from the provider. Web push has none, so it is null
//   ("not reported by this channel"), never a copy of `sent`.
// - failed: permanent failure (e.g. the subscription is gone, 404/410); dead: gave up after the
//   last retry (dead-letter list); cancelled: not sent because an Update/Cancel superseded it or
//   the address died before its turn.
// - ratePerSecond: deliveries accepted (sent) per second over the last `windowSeconds`, on the
//   database clock.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertMsgType, AlertStatus, DeliveryStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'

/** Whether a channel reports delivery to the device (a receipt), beyond acceptance. */
export const channelHasReceipts: Record<string, boolean> = {
  // RFC 8030 push services answer 201 Created on acceptance; there is no receipt to the sender
  // (the RFC's push-receipt extension is not offered by browser push services)
  webpush: false,
  // the SMS gateway / SMSC sends a receipt per part (notify/ledger/apply-sms-receipt.ts)
  sms: true,
  // a desk phone accepts a page but says nothing after it; the acknowledgement key is counted apart
  phone: false,
}

/** Whether a channel's recipients can acknowledge (a desk phone's soft key, decision 021). */
export const channelHasAcks: Record<string, boolean> = { phone: true }

export type ChannelProgress = {
  channel: string
  targeted: number
  pending: number
  /** part of pending: claimed by a worker, being sent right now */
  sending: number
  /** part of pending: already attempted at least once, waiting for a retry */
  retrying: number
  sent: number
  /** null: this channel gives no delivery receipts (web push) */
  delivered: number | null
  /** acknowledged by the recipient (desk phones); null: this channel has no acknowledgement */
  acknowledged: number | null
  failed: number
  dead: number
  cancelled: number
  /** answered one way or another: sent + failed + dead + cancelled */
  finished: number
  ratePerSecond: number
}

export type FanOutState = 'running' | 'done'

export type AlertProgress = {
  alertId: string
  status: AlertStatus
  msgType: AlertMsgType
  /** Exercise/Test alerts go to the exercise sink only: their "sent" reached no resident */
  exercise: boolean
  fanout: FanOutState
  /** fan-out done and nothing pending: the numbers are final */
  complete: boolean
  supersededAt: string | null
  channels: ChannelProgress[]
  total: ChannelProgress
  windowSeconds: number
  /** database time of the reading (ISO) */
  at: string
}

export const DEFAULT_RATE_WINDOW_SECONDS = 10

type Row = { channel: string; status: DeliveryStatus; n: number; retrying: number; recent: number; delivered: number; acknowledged: number }

export async function getAlertProgress(options: {
  prisma: PrismaClient
  alertId: string
  windowSeconds?: number
}): Promise<AlertProgress> {
  const { prisma, alertId } = options
  const windowSeconds = Math.max(1, Math.round(options.windowSeconds ?? DEFAULT_RATE_WINDOW_SECONDS))
  const alerts = await prisma.$queryRawUnsafe<
    { id: string; status: AlertStatus; msgType: AlertMsgType; channels: string[]; fanoutDoneAt: Date | null; supersededAt: Date | null; age: number; now: Date }[]
  >(
    `SELECT "id", "status", "msgType", "channels", "fanoutDoneAt", "supersededAt",
            EXTRACT(EPOCH FROM (now() - "createdAt"))::float8 AS "age", now() AS "now"
       FROM "Alert" WHERE "id" = $1`,
    alertId,
  )
  const alert = alerts[0]
  if (!alert) throw new AppError('NOT_FOUND', `no alert ${alertId}`)
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `SELECT "channel", "status"::text AS "status", count(*)::int AS "n",
            count(*) FILTER (WHERE "status" = 'PENDING' AND "attempts" > 0)::int AS "retrying",
            count(*) FILTER (WHERE "status" = 'SENT' AND "updatedAt" > now() - ($2::int * interval '1 second'))::int AS "recent",
            count(*) FILTER (WHERE "receiptStatus" = 'delivered')::int AS "delivered",
            count(*) FILTER (WHERE "receiptStatus" = 'acknowledged')::int AS "acknowledged"
       FROM "Delivery" WHERE "alertId" = $1
      GROUP BY "channel", "status"`,
    alertId,
    windowSeconds,
  )
  // a young alert: the rate over the time it has existed, not over a window it was not alive for
  const rateSeconds = Math.max(1, Math.min(windowSeconds, Number(alert.age)))
  const names = [...new Set([...(alert.channels ?? []), ...rows.map((r) => r.channel)])]
  const channels = names.map((channel) => {
    const counts = emptyCounts(channel)
    let recent = 0
    let delivered = 0
    let acknowledged = 0
    for (const row of rows.filter((r) => r.channel === channel)) {
      addStatus(counts, row.status, Number(row.n))
      counts.retrying += Number(row.retrying)
      recent += Number(row.recent)
      delivered += Number(row.delivered)
      acknowledged += Number(row.acknowledged)
    }
    counts.finished = counts.sent + counts.failed + counts.dead + counts.cancelled
    counts.ratePerSecond = round1(recent / rateSeconds)
    counts.delivered = channelHasReceipts[channel] ? delivered : null
    counts.acknowledged = channelHasAcks[channel] ? acknowledged : null
    return counts
  })
  const total = emptyCounts('total')
  for (const c of channels) {
    for (const key of ['targeted', 'pending', 'sending', 'retrying', 'sent', 'failed', 'dead', 'cancelled', 'finished'] as const) total[key] += c[key]
    total.ratePerSecond = round1(total.ratePerSecond + c.ratePerSecond)
    if (c.delivered !== null) total.delivered = (total.delivered ?? 0) + c.delivered
    if (c.acknowledged !== null) total.acknowledged = (total.acknowledged ?? 0) + c.acknowledged
  }
  const fanout: FanOutState = alert.fanoutDoneAt ? 'done' : 'running'
  return {
    alertId: alert.id,
    status: alert.status,
    msgType: alert.msgType,
    exercise: alert.status !== 'Actual',
    fanout,
    complete: fanout === 'done' && total.pending === 0,
    supersededAt: alert.supersededAt?.toISOString() ?? null,
    channels,
    total,
    windowSeconds,
    at: new Date(alert.now).toISOString(),
  }
}

/** Share of the targeted deliveries that are answered (0…1); 0 when nothing is targeted yet. */
export function finishedShare(progress: Pick<ChannelProgress, 'targeted' | 'finished'>): number {
  return progress.targeted === 0 ? 0 : progress.finished / progress.targeted
}

function emptyCounts(channel: string): ChannelProgress {
  return {
    channel,
    targeted: 0,
    pending: 0,
    sending: 0,
    retrying: 0,
    sent: 0,
    delivered: null,
    acknowledged: null,
    failed: 0,
    dead: 0,
    cancelled: 0,
    finished: 0,
    ratePerSecond: 0,
  }
}

function addStatus(counts: ChannelProgress, status: DeliveryStatus, n: number): void {
  counts.targeted += n
  switch (status) {
    case 'PENDING':
      counts.pending += n
      break
    case 'SENDING':
      counts.pending += n
      counts.sending += n
      break
    case 'SENT':
      counts.sent += n
      break
    case 'FAILED':
      counts.failed += n
      break
    case 'DEAD':
      counts.dead += n
      break
    case 'CANCELLED':
      counts.cancelled += n
      break
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
