// Web push deliveries: the subscription's keys and language, the CAP alert rendered to fit a push,
// TTL/Urgency/Topic; afterwards a dead endpoint (404/410) deletes the subscription and cancels its
// pending deliveries.
import type { SendResult } from '#notify/channels/contract.ts'
import type { WebPushAdapter, WebPushMessage } from '#notify/channels/web-push.ts'
import type { ClaimedDelivery } from '#notify/ledger/claim.ts'
import type { Outcome } from '#notify/ledger/complete.ts'
import type { Db } from '#notify/ledger/db.ts'
import type { ChannelRoute, DispatchAlert } from './dispatcher.ts'
import { pushTopic, pushTtlSeconds, pushUrgency, renderPushPayload } from './render-push.ts'
import { CANCEL_PENDING_SQL, PENDING_SQL } from '#notify/ledger/pending.ts'

export function webPushRoute(adapter: WebPushAdapter): ChannelRoute<WebPushMessage> {
  const maxBytes = adapter.limits.maxPayloadBytes ?? 4096
  return {
    adapter,
    async prepare(db: Db, deliveries: ClaimedDelivery[], alerts: Map<string, DispatchAlert>) {
      const ids = [...new Set(deliveries.map((d) => d.recipientKey))]
      // one raw query (an IN list through the query builder costs more than the sends it feeds)
      const subscriptions = await db.$queryRawUnsafe<{ id: string; endpoint: string; p256dh: string; auth: string; languages: string[] }[]>(
        `SELECT "id", "endpoint", "p256dh", "auth", "languages" FROM "PushSubscription"
          WHERE "id" IN (SELECT json_array_elements_text($1::json))`,
        JSON.stringify(ids),
      )
      const byId = new Map(subscriptions.map((s) => [s.id, s]))
      // the rendered payload per alert and language preference, TTL, urgency and topic per alert:
      // computed once per batch, not per recipient
      const rendered = new Map<string, string>()
      const perAlert = new Map<string, Pick<WebPushMessage, 'ttlSeconds' | 'urgency' | 'topic'>>()
      const out = new Map<bigint, WebPushMessage | SendResult>()
      for (const delivery of deliveries) {
        const subscription = byId.get(delivery.recipientKey)
        const alert = alerts.get(delivery.alertId)
        if (!subscription || !alert) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: subscription ? 'alert missing' : 'unsubscribed' })
          continue
        }
        const key = `${alert.id}\n${subscription.languages.join(',')}`
        let payload = rendered.get(key)
        if (payload === undefined) {
          payload = renderPushPayload(alert.payload, subscription.languages, maxBytes)
          rendered.set(key, payload)
        }
        let headers = perAlert.get(alert.id)
        if (!headers) {
          headers = { ttlSeconds: pushTtlSeconds(alert.payload), urgency: pushUrgency(alert.severity), topic: pushTopic(alert.payload) }
          perAlert.set(alert.id, headers)
        }
        out.set(delivery.id, {
          subscription: { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
          payload,
          ...headers,
        })
      }
      return out
    },
    async afterDeadAddresses(tx: Db, gone: Outcome[]) {
      const dead = gone.filter((o) => !o.exercise).map((o) => o.delivery.recipientKey)
      if (dead.length === 0) return
      await tx.$executeRawUnsafe(
        `UPDATE "Delivery" SET ${CANCEL_PENDING_SQL}, "lastError" = 'subscription gone (404/410)', "updatedAt" = now()
          WHERE "channel" = $1 AND ${PENDING_SQL} AND "recipientKey" IN (SELECT json_array_elements_text($2::json))`,
        adapter.channel,
        JSON.stringify(dead),
      )
      await tx.pushSubscription.deleteMany({ where: { id: { in: dead } } })
    },
  }
}
