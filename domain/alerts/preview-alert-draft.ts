// The preview before issuing: how many recipients each chosen channel reaches (the fan-out's own
// rule, notify/targeting countRecipients), whether this server can send on it yet, and exactly what
// each channel shows in each language — the web push as the phone's notification shows it, the SMS
// as the exact text sent with its encoding, part count and characters left (sms-text.ts).
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
import { previewAlertIdentifier } from './new-alert-identity.ts'
import { notificationView, type NotificationView } from './notification-preview.ts'
import { smsTextPreview, type SmsTextPreview } from './sms-text.ts'

export type PushMessagePreview = { language: string; bytes: number } & NotificationView

export type ChannelPreview = {
  channel: string
  recipients: number
  /** this server has an adapter for the channel; if not, issuing still works and its deliveries wait */
  configured: boolean
  /** web push: the notification per language ([] for other channels) */
  messages: PushMessagePreview[]
  /** SMS: the exact text per language ([] for other channels) */
  sms: SmsTextPreview[]
}

export type AlertPreview = {
  channels: ChannelPreview[]
  /** the area recipients are selected with (for the map), or null for a Cancel without one */
  area: AlertAreaGeometry | null
  severity: string
}

/** Until the dispatcher reports the channels it has adapters for. */
export const DEFAULT_CONFIGURED_CHANNELS: readonly string[] = ['webpush']

export async function previewAlert(options: {
  prisma: PrismaClient
  alert: Pick<CapAlert, 'identifier' | 'status' | 'msgType' | 'sent' | 'info' | 'references'>
  channels: string[]
  territoryId: string
  /** the channels this server can send on (the dispatcher's adapters); default: web push only */
  configuredChannels?: readonly string[]
  /** the public origin the SMS links to the alert's page from (PUBLIC_URL, as the dispatcher) */
  publicBaseUrl?: string | null
  now?: Date
}): Promise<AlertPreview> {
  const { prisma, alert } = options
  const configured = new Set(options.configuredChannels ?? DEFAULT_CONFIGURED_CHANNELS)
  const named = await prisma.namedArea.findMany({ where: { territoryId: options.territoryId }, select: { id: true, geometry: true } })
  const byId = new Map(named.map((a) => [a.id, asPolygonal(a.geometry)]))
  const resolve = (g: CapValuePair): PolygonalGeometry | null => (g.valueName === NAMED_AREA_GEOCODE ? (byId.get(g.value) ?? null) : null)
  const area = alertAreaGeometry(alert, resolve)
  const severity = alertSeverity(alert)
  const counts = area ? await countRecipients({ prisma, area, severity, channels: options.channels }) : {}
  const languages = alert.info.map((i) => appLanguageOf(i.language) ?? i.language)
  const sms = options.channels.includes('sms') ? await smsMessages(options) : []
  return {
    area,
    severity,
    channels: options.channels.map((channel) => ({
      channel,
      recipients: counts[channel] ?? 0,
      configured: configured.has(channel),
      messages: channel === 'webpush' ? pushMessages(alert as CapAlert, languages) : [],
      sms: channel === 'sms' ? sms : [],
    })),
  }
}

function pushMessages(alert: CapAlert, languages: string[]): PushMessagePreview[] {
  return languages.map((language) => {
    const text = renderPushPayload(alert, [language], WEB_PUSH_MAX_PLAINTEXT)
    const payload = JSON.parse(text) as PushPayload
    return { language, bytes: Buffer.byteLength(text), ...notificationView(payload) }
  })
}

// the link (default texts only) names the issued alert: an identifier of that length stands in
async function smsMessages(options: Parameters<typeof previewAlert>[0]): Promise<SmsTextPreview[]> {
  const { alert, publicBaseUrl } = options
  let identifier = alert.identifier
  if (publicBaseUrl) {
    const territory = await options.prisma.territory.findUnique({ where: { id: options.territoryId }, select: { slug: true } })
    if (territory) identifier = previewAlertIdentifier(territory.slug, options.now)
  }
  return alert.info.map((info) => smsTextPreview({ status: alert.status, identifier, info, baseUrl: publicBaseUrl }))
}
