// The alerts in force, published again (decision 022): the embedded broker keeps retained messages
// in memory, so after a restart a siren or display that connects would see nothing in force. At
// start, for each enabled device group, the newest Actual Alert/Update it was sent that is still in
// force — not superseded by an Update or Cancel, not expired — is published again, retained, exactly
// as the route built it (same topic, same message, same identifier: a device that still has it
// drops the repeat). Nothing is written to the ledger: this restores the broker's state, it is not
// a new send.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { capTimeToMs } from '#notify/cap/cap-time.ts'
import type { ClaimedDelivery } from '#notify/ledger/claim.ts'
import { isSendResult, type DispatchAlert } from './dispatcher.ts'
import { MQTT_CHANNEL, mqttRoute } from './mqtt-route.ts'

type Row = ClaimedDelivery & { identifier: string; status: DispatchAlert['status']; msgType: DispatchAlert['msgType']; severity: DispatchAlert['severity']; payload: CapAlert }

export async function republishAlertsInForce(options: { prisma: PrismaClient; adapter: MqttDeviceAdapter; now?: Date; timeoutMs?: number }): Promise<{ republished: number; failed: number }> {
  const { prisma, adapter } = options
  const now = (options.now ?? new Date()).getTime()
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `SELECT DISTINCT ON (d."recipientKey") d."id", d."alertId", d."channel", d."recipientKey", d."attempts", d."idempotencyKey",
            a."identifier", a."status", a."msgType", a."severity", a."payload"
       FROM "Delivery" d JOIN "Alert" a ON a."id" = d."alertId"
       JOIN "DeviceGroup" g ON 'group:' || g."id" = d."recipientKey" AND g."enabled"
      WHERE d."channel" = $1 AND d."status" = 'SENT' AND d."recipientKey" LIKE 'group:%'
        AND a."status" = 'Actual' AND a."msgType" IN ('Alert', 'Update') AND a."supersededAt" IS NULL
      ORDER BY d."recipientKey", a."createdAt" DESC`,
    MQTT_CHANNEL,
  )
  const inForce = rows.filter((r) => !expired(r.payload, now))
  if (inForce.length === 0) return { republished: 0, failed: 0 }
  const alerts = new Map<string, DispatchAlert>(inForce.map((r) => [r.alertId, { id: r.alertId, identifier: r.identifier, status: r.status, msgType: r.msgType, severity: r.severity, payload: r.payload }]))
  const prepared = await mqttRoute({ adapter }).prepare(prisma, inForce, alerts)
  let republished = 0
  let failed = 0
  for (const row of inForce) {
    const message = prepared.get(row.id)
    if (!message || isSendResult(message)) {
      failed += 1
      continue
    }
    const result = await adapter.send(message, { idempotencyKey: row.idempotencyKey, timeoutMs: options.timeoutMs ?? 10_000 })
    if (result.kind === 'sent') republished += 1
    else failed += 1
  }
  return { republished, failed }
}

/** In force until the latest expires of its info blocks; without any expires, until superseded. */
function expired(alert: CapAlert, now: number): boolean {
  const ends = alert.info.map((i) => (i.expires ? capTimeToMs(i.expires) : Number.POSITIVE_INFINITY))
  return ends.length > 0 && Math.max(...ends) <= now
}
