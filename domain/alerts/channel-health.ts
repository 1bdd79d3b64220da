// Whether each channel is healthy right now, for the composer: "a channel that is not configured or
// is unhealthy says so before sending, not after" (issue 4). Read from the ledger, so it is the same
// in every process and needs no probing of providers:
// - paused: a provider's Retry-After paused the channel (ChannelPause, database clock) — until when
//   and why;
// - failing: the channel's recent sends (last 15 minutes) all went wrong — at least three results,
//   none of them a success — with the last reason the provider gave.
// Exercise sends (the sink) say nothing about a provider and are left out.
import type { Db } from '#notify/ledger/db.ts'

export type ChannelHealth =
  | { state: 'ok' }
  | { state: 'paused'; until: string; reason: string | null }
  | { state: 'failing'; failures: number; reason: string | null; at: string }

/** how far back sends count, and how many failures in a row (none sent) make a channel failing */
export const HEALTH_WINDOW_MINUTES = 15
export const FAILING_AFTER = 3
const SAMPLE = 5
const PROVIDER_RESULTS = ['sent', 'retry', 'permanent', 'dead']

export async function channelHealth(db: Db, channels: readonly string[]): Promise<Record<string, ChannelHealth>> {
  const health: Record<string, ChannelHealth> = Object.fromEntries(channels.map((c) => [c, { state: 'ok' } as ChannelHealth]))
  if (channels.length === 0) return health
  const pauses = await db.$queryRawUnsafe<{ channel: string; pausedUntil: Date; reason: string | null }[]>(
    `SELECT "channel", "pausedUntil", "reason" FROM "ChannelPause" WHERE "pausedUntil" > now() AND "channel" = ANY($1::text[])`,
    [...channels],
  )
  // the newest provider results per channel (newest first): failures are attempt rows, accepted
  // sends are on the deliveries (sentAt, decision 023). Each side is a bounded read however large
  // the ledger — the 2,000 newest attempts and the 2,000 newest deliveries (in a fan-out of
  // 100,000 the other channels may not be among them, and show as ok)
  const recent = await db.$queryRawUnsafe<{ channel: string; result: string; detail: string | null; at: Date }[]>(
    `SELECT r."channel", r."result", r."detail", r."at" FROM (
       SELECT u.*, row_number() OVER (PARTITION BY u."channel" ORDER BY u."at" DESC, u."k" DESC) AS n FROM (
         SELECT d."channel", a."result", a."detail", a."at", a."id" AS "k"
           FROM (SELECT * FROM "DeliveryAttempt" ORDER BY "id" DESC LIMIT 2000) a
           JOIN "Delivery" d ON d."id" = a."deliveryId"
          WHERE a."result" = ANY($3::text[])
         UNION ALL
         SELECT d."channel", 'sent', NULL, d."sentAt", d."id"
           FROM (SELECT * FROM "Delivery" ORDER BY "id" DESC LIMIT 2000) d
           JOIN "Alert" al ON al."id" = d."alertId" AND al."status" = 'Actual'
          WHERE d."sentAt" IS NOT NULL) u
        WHERE u."at" > now() - ($2::int * interval '1 minute') AND u."channel" = ANY($1::text[])) r
      WHERE r.n <= $4::int
      ORDER BY r."channel", r."at" DESC, r."k" DESC`,
    [...channels],
    HEALTH_WINDOW_MINUTES,
    PROVIDER_RESULTS,
    SAMPLE,
  )
  for (const channel of channels) {
    const results = recent.filter((r) => r.channel === channel)
    if (results.length >= FAILING_AFTER && results.every((r) => r.result !== 'sent')) {
      health[channel] = { state: 'failing', failures: results.length, reason: results[0].detail, at: results[0].at.toISOString() }
    }
  }
  // a pause says more than failures (it names when the channel goes on)
  for (const p of pauses) health[p.channel] = { state: 'paused', until: p.pausedUntil.toISOString(), reason: p.reason }
  return health
}
