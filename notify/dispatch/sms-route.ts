// SMS deliveries: the subscriber's number and languages, the alert's SMS text in the first of
// those languages the alert has (render-sms.ts: what the composer previewed is what is sent).
// Afterwards a dead number (the provider says it does not exist) removes the subscription and
// cancels its pending deliveries, like a web push 410.
//
// The delivery's recipientKey is the SmsSubscription id, "warehouse:<id>" for the responsible
// person of a warehouse (staff notices, CAP scope Private), or "user:<id>" for a staff member of a
// picked staff group (User.phone, in the user's language; a user disabled meanwhile or without a
// number fails permanently): the number itself never enters the ledger, the delivery report or a
// log line.
import type { ChannelAdapter, SendResult } from '#notify/channels/contract.ts'
import type { SmsMessage } from '#notify/channels/sms/http-gateway.ts'
import type { ClaimedDelivery } from '#notify/ledger/claim.ts'
import type { Outcome } from '#notify/ledger/complete.ts'
import type { Db } from '#notify/ledger/db.ts'
import { normalizeE164 } from '#notify/channels/sms/e164.ts'
import { SMS_CHANNEL } from '#notify/ledger/fan-out.ts'
import type { ChannelRoute, DispatchAlert } from './dispatcher.ts'
import { renderSms } from './render-sms.ts'
import { CANCEL_PENDING_SQL, PENDING_SQL } from '#notify/ledger/pending.ts'

export type SmsRouteOptions = {
  /** sends on channel 'sms' (an HttpSmsGatewayAdapter, an SMPP adapter or a fallback chain) */
  adapter: ChannelAdapter<SmsMessage>
  /** the public origin for the link to the alert page (PUBLIC_URL); no link when absent */
  baseUrl?: string
}

export function smsRoute(options: SmsRouteOptions): ChannelRoute<SmsMessage> {
  const { adapter } = options
  if (adapter.channel !== SMS_CHANNEL) throw new Error(`smsRoute: the adapter sends on '${adapter.channel}', not '${SMS_CHANNEL}'`)
  return {
    adapter,
    close: async () => (adapter as { close?: () => Promise<void> }).close?.(),
    async prepare(db: Db, deliveries: ClaimedDelivery[], alerts: Map<string, DispatchAlert>) {
      const ids = [...new Set(deliveries.map((d) => d.recipientKey))]
      const subscriptions = await db.$queryRawUnsafe<{ id: string; phone: string; languages: string[] }[]>(
        `SELECT "id", "phone", "languages" FROM "SmsSubscription" WHERE "id" IN (SELECT json_array_elements_text($1::json))`,
        JSON.stringify(ids.filter((id) => !id.includes(':'))),
      )
      const byId = new Map(subscriptions.map((s) => [s.id, s]))
      // staff: a warehouse's responsible person, in Latvian (the number as the registry has it)
      const warehouses = ids.filter((id) => id.startsWith('warehouse:'))
      if (warehouses.length > 0) {
        const rows = await db.$queryRawUnsafe<{ id: string; responsiblePhone: string }[]>(
          `SELECT "id", "responsiblePhone" FROM "Warehouse" WHERE "id" IN (SELECT json_array_elements_text($1::json))`,
          JSON.stringify(warehouses.map((w) => w.slice('warehouse:'.length))),
        )
        for (const w of rows) {
          const number = normalizeE164(w.responsiblePhone)
          if (number.ok) byId.set(`warehouse:${w.id}`, { id: `warehouse:${w.id}`, phone: number.number, languages: ['lv'] })
        }
      }
      // staff: members of picked staff groups, on their own number in their own language
      const users = ids.filter((id) => id.startsWith('user:'))
      const staffMissing = new Map<string, string>()
      if (users.length > 0) {
        const rows = await db.$queryRawUnsafe<{ id: string; phone: string | null; language: string; status: string }[]>(
          `SELECT "id", "phone", "language", "status"::text AS "status" FROM "User" WHERE "id" IN (SELECT json_array_elements_text($1::json))`,
          JSON.stringify(users.map((u) => u.slice('user:'.length))),
        )
        for (const u of rows) {
          const number = u.phone ? normalizeE164(u.phone) : null
          if (u.status !== 'ACTIVE') staffMissing.set(`user:${u.id}`, 'the staff member\'s account is disabled')
          else if (!number?.ok) staffMissing.set(`user:${u.id}`, 'the staff member has no mobile number')
          else byId.set(`user:${u.id}`, { id: `user:${u.id}`, phone: number.number, languages: [u.language, 'lv'] })
        }
      }
      const rendered = new Map<string, string>()
      const out = new Map<bigint, SmsMessage | SendResult>()
      for (const delivery of deliveries) {
        const subscription = byId.get(delivery.recipientKey)
        const alert = alerts.get(delivery.alertId)
        if (!subscription || !alert) {
          const key = delivery.recipientKey
          const reason = subscription
            ? 'alert missing'
            : key.startsWith('warehouse:')
              ? 'the warehouse has no mobile number for its responsible person'
              : key.startsWith('user:')
                ? (staffMissing.get(key) ?? 'the staff member no longer exists')
                : 'unsubscribed'
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason })
          continue
        }
        const key = `${alert.id}\n${subscription.languages.join(',')}`
        let text = rendered.get(key)
        if (text === undefined) {
          text = renderSms(alert.payload, subscription.languages, { baseUrl: options.baseUrl }).text
          rendered.set(key, text)
        }
        out.set(delivery.id, { to: subscription.phone, text })
      }
      return out
    },
    async afterDeadAddresses(tx: Db, gone: Outcome[]) {
      // residents' subscriptions only (a staff number is the registry's to correct)
      const dead = gone.filter((o) => !o.exercise && !o.delivery.recipientKey.includes(':')).map((o) => o.delivery.recipientKey)
      if (dead.length === 0) return
      await tx.$executeRawUnsafe(
        `UPDATE "Delivery" SET ${CANCEL_PENDING_SQL}, "lastError" = 'number does not exist', "updatedAt" = now()
          WHERE "channel" = $1 AND ${PENDING_SQL} AND "recipientKey" IN (SELECT json_array_elements_text($2::json))`,
        SMS_CHANNEL,
        JSON.stringify(dead),
      )
      await tx.$executeRawUnsafe(`DELETE FROM "SmsSubscription" WHERE "id" IN (SELECT json_array_elements_text($1::json))`, JSON.stringify(dead))
    },
  }
}
