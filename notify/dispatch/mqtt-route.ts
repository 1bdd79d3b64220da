// MQTT deliveries (channel 'mqtt', decisions 016 and 022). The fan-out makes one delivery per
// picked device group ("group:<DeviceGroup id>") and per picked paging group with an audio gateway
// ("paging:<PagingGroup id>"); an Update or Cancel reaches the same keys.
//
// - "group:<id>": the device message (buildDeviceMessage) in the group's language on
//   sargs/{territory}/{slug}/alert, retained: the alert in force for devices that connect later.
//   An Update replaces it (same topic, retained); a Cancel publishes the cancel message, then an
//   empty retained message that clears the alert in force (one send, both PUBACKs).
// - "paging:<id>": a page on sargs/{territory}/paging-{id}/page naming the group (groupName) with
//   the text in the group's language; never retained.
// - An alert that is not Actual goes to the exercise sink (the dispatcher's adapterFor); its message
//   is built without retain or clear, so even a misrouted one could not leave an alert in force.
// A group removed or disabled since the fan-out fails permanently (nothing to send to).
import type { SendResult } from '#notify/channels/contract.ts'
import { buildDeviceMessage, type DeviceMessage } from '#notify/channels/mqtt/device-message.ts'
import type { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import { isGroupName, isTopicSegment, pagingGroupSegment } from '#notify/channels/mqtt/topics.ts'
import type { ClaimedDelivery } from '#notify/ledger/claim.ts'
import type { Db } from '#notify/ledger/db.ts'
import type { ChannelRoute, DispatchAlert } from './dispatcher.ts'

export const MQTT_CHANNEL = 'mqtt'

/** The CAP language tag for a group's language (lv | en | ru). */
const CAP_LANGUAGE: Record<string, string> = { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' }

export type MqttRouteMessage = DeviceMessage & { channel: 'mqtt' }

type GroupRow = { id: string; slug: string; language: string; enabled: boolean; territoryId: string }
type PagingRow = { id: string; name: string; language: string; enabled: boolean; audioGateway: boolean; territoryId: string }

export function mqttRoute(options: { adapter: MqttDeviceAdapter }): ChannelRoute<MqttRouteMessage> {
  const { adapter } = options
  if (adapter.channel !== MQTT_CHANNEL) throw new Error(`mqttRoute: the adapter sends on '${adapter.channel}'`)
  return {
    adapter,
    async prepare(db: Db, deliveries: ClaimedDelivery[], alerts: Map<string, DispatchAlert>) {
      const out = new Map<bigint, MqttRouteMessage | SendResult>()
      const groupIds: string[] = []
      const pagingIds: string[] = []
      for (const d of deliveries) {
        if (d.recipientKey.startsWith('group:')) groupIds.push(d.recipientKey.slice(6))
        else if (d.recipientKey.startsWith('paging:')) pagingIds.push(d.recipientKey.slice(7))
      }
      const [groups, paging, territories] = await Promise.all([
        groupIds.length
          ? db.$queryRawUnsafe<GroupRow[]>(
              `SELECT "id", "slug", "language", "enabled", "territoryId" FROM "DeviceGroup" WHERE "id" = ANY($1::text[])`,
              [...new Set(groupIds)],
            )
          : [],
        pagingIds.length
          ? db.$queryRawUnsafe<PagingRow[]>(
              `SELECT "id", "name", "language", "enabled", "audioGateway", "territoryId" FROM "PagingGroup" WHERE "id" = ANY($1::text[])`,
              [...new Set(pagingIds)],
            )
          : [],
        db.$queryRawUnsafe<{ alertId: string; slug: string; territoryId: string }[]>(
          `SELECT a."id" AS "alertId", t."slug", t."id" AS "territoryId" FROM "Alert" a JOIN "Territory" t ON t."id" = a."territoryId" WHERE a."id" = ANY($1::text[])`,
          [...new Set(deliveries.map((d) => d.alertId))],
        ),
      ])
      const groupById = new Map(groups.map((g) => [g.id, g]))
      const pagingById = new Map(paging.map((p) => [p.id, p]))
      const territoryOf = new Map(territories.map((t) => [t.alertId, t]))

      for (const delivery of deliveries) {
        const alert = alerts.get(delivery.alertId)
        const territory = territoryOf.get(delivery.alertId)
        if (!alert || !territory) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: 'alert missing' })
          continue
        }
        if (!isTopicSegment(territory.slug)) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: `territory slug "${territory.slug}" cannot be an MQTT topic segment` })
          continue
        }
        const exercise = alert.status !== 'Actual'
        try {
          if (delivery.recipientKey.startsWith('group:')) {
            const group = groupById.get(delivery.recipientKey.slice(6))
            if (!group || group.territoryId !== territory.territoryId) {
              out.set(delivery.id, { kind: 'permanent', deadAddress: true, reason: 'device group removed' })
              continue
            }
            if (!group.enabled) {
              out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: 'device group disabled' })
              continue
            }
            if (!isGroupName(group.slug)) {
              out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: `group slug "${group.slug}" cannot be an MQTT topic segment` })
              continue
            }
            const message = buildDeviceMessage({ alert: alert.payload, territory: territory.slug, group: group.slug, kind: 'alert', language: CAP_LANGUAGE[group.language] ?? group.language })
            out.set(delivery.id, finish(message, exercise))
          } else if (delivery.recipientKey.startsWith('paging:')) {
            const group = pagingById.get(delivery.recipientKey.slice(7))
            if (!group || group.territoryId !== territory.territoryId) {
              out.set(delivery.id, { kind: 'permanent', deadAddress: true, reason: 'paging group removed' })
              continue
            }
            if (!group.enabled || !group.audioGateway) {
              out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: group.enabled ? 'paging group has no audio gateway now' : 'paging group disabled' })
              continue
            }
            const message = buildDeviceMessage({
              alert: alert.payload,
              territory: territory.slug,
              group: pagingGroupSegment(group.id),
              groupName: group.name,
              kind: 'page',
              language: CAP_LANGUAGE[group.language] ?? group.language,
            })
            out.set(delivery.id, finish(message, exercise))
          } else {
            out.set(delivery.id, { kind: 'permanent', deadAddress: true, reason: `not an MQTT recipient: ${delivery.recipientKey}` })
          }
        } catch (error) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: error instanceof Error ? error.message : String(error) })
        }
      }
      return out
    },
  }
}

function finish(message: DeviceMessage, exercise: boolean): MqttRouteMessage {
  // an exercise goes to the sink; built without retain/clear all the same
  return exercise ? { ...message, retain: false, clearRetained: false, channel: MQTT_CHANNEL } : { ...message, channel: MQTT_CHANNEL }
}
