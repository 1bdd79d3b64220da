// The preview before issuing: how many recipients each channel reaches (the fan-out's own rule,
// notify/targeting countRecipients) and exactly what each channel shows in each language (the
// payload the dispatcher renders, as the phone's notification shows it).
import type { PrismaClient } from '#generated/prisma/client.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { alertAreaGeometry, type AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { appLanguageOf } from '#notify/cap/languages.ts'
import type { CapAlert, CapValuePair } from '#notify/cap/types.ts'
import { WEB_PUSH_MAX_PLAINTEXT } from '#notify/channels/web-push.ts'
import { renderPushPayload, type PushPayload } from '#notify/dispatch/render-push.ts'
import { countRecipients } from '#notify/targeting/count-recipients.ts'
import { alertSeverity, NAMED_AREA_GEOCODE } from './issue-cap-alert.ts'
import { notificationView, type NotificationView } from './notification-preview.ts'

export type ChannelPreview = {
  channel: string
  recipients: number
  messages: ({ language: string; bytes: number } & NotificationView)[]
}

export type AlertPreview = {
  channels: ChannelPreview[]
  /** the area recipients are selected with (for the map), or null for a Cancel without one */
  area: AlertAreaGeometry | null
  severity: string
}

export async function previewAlert(options: {
  prisma: PrismaClient
  alert: Pick<CapAlert, 'identifier' | 'status' | 'msgType' | 'sent' | 'info' | 'references'>
  channels: string[]
  territoryId: string
}): Promise<AlertPreview> {
  const { prisma, alert } = options
  const named = await prisma.namedArea.findMany({ where: { territoryId: options.territoryId }, select: { id: true, geometry: true } })
  const byId = new Map(named.map((a) => [a.id, asPolygonal(a.geometry)]))
  const resolve = (g: CapValuePair): PolygonalGeometry | null => (g.valueName === NAMED_AREA_GEOCODE ? (byId.get(g.value) ?? null) : null)
  const area = alertAreaGeometry(alert, resolve)
  const severity = alertSeverity(alert)
  const counts = area ? await countRecipients({ prisma, area, severity, channels: options.channels }) : {}
  const languages = alert.info.map((i) => appLanguageOf(i.language) ?? i.language)
  return {
    area,
    severity,
    channels: options.channels.map((channel) => ({
      channel,
      recipients: counts[channel] ?? 0,
      messages: languages.map((language) => {
        const text = renderPushPayload(alert as CapAlert, [language], WEB_PUSH_MAX_PLAINTEXT)
        const payload = JSON.parse(text) as PushPayload
        return { language, bytes: Buffer.byteLength(text), ...notificationView(payload) }
      }),
    })),
  }
}
