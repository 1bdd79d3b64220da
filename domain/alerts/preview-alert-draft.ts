// The preview before issuing: how many recipients each chosen channel reaches (the fan-out's own
// rule, notify/targeting countRecipients), whether this server can send on it yet, and exactly what
// each channel shows in each language — the web push as the phone's notification shows it, the SMS
// as the exact text sent with its encoding, part count and characters left (sms-text.ts). Channels
// addressed by group (issue 4) count the picked groups: desk phones of the paging groups with the
// page text per group language ('phone'), devices of the device groups and the paging groups' audio
// gateways ('mqtt'), staff members with a number ('sms', besides the area's subscribers); 'social'
// shows each enabled account with the exact post (social-route.ts socialPostText).
import type { PrismaClient } from '#generated/prisma/client.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { alertAreaGeometry, type AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { appLanguageOf } from '#notify/cap/languages.ts'
import type { CapAlert, CapValuePair } from '#notify/cap/types.ts'
import { WEB_PUSH_MAX_PLAINTEXT } from '#notify/channels/web-push.ts'
import { renderPushPayload, type PushPayload } from '#notify/dispatch/render-push.ts'
import { socialPostText } from '#notify/dispatch/social-route.ts'
import type { SocialNetwork } from '#notify/channels/social/fit-text.ts'
import { pagePreview } from '#domain/paging/paging-groups.ts'
import { loadComposerGroups, noPicks, type GroupPicks } from './group-picks.ts'
import { countRecipients } from '#notify/targeting/count-recipients.ts'
import { alertSeverity, NAMED_AREA_GEOCODE } from './issue-cap-alert.ts'
import { previewAlertIdentifier } from './new-alert-identity.ts'
import { notificationView, type NotificationView } from './notification-preview.ts'
import { channelHealth, type ChannelHealth } from './channel-health.ts'
import { smsTextPreview, type SmsTextPreview } from './sms-text.ts'

export type PushMessagePreview = { language: string; bytes: number } & NotificationView

export type ChannelPreview = {
  channel: string
  recipients: number
  /** this server has an adapter for the channel; if not, issuing still works and its deliveries wait */
  configured: boolean
  /** paused by a provider's Retry-After, or its recent sends all failed (channel-health.ts) */
  health: ChannelHealth
  /** web push: the notification per language ([] for other channels) */
  messages: PushMessagePreview[]
  /** SMS: the exact text per language ([] for other channels) */
  sms: SmsTextPreview[]
  /** the picked groups this channel reaches, with the recipients in each ('phone', 'mqtt', 'sms') */
  groups: GroupReach[]
  /** social: each enabled account and the exact post ([] for other channels) */
  posts: SocialPostPreview[]
  /** phone: the page per language of the picked groups ([] for other channels) */
  pages: PagePreview[]
}

export type GroupReach = { kind: 'paging' | 'device' | 'gateway' | 'staff'; id: string; name: string; recipients: number; online?: number }
export type SocialPostPreview = { accountId: string; network: SocialNetwork; name: string; language: string; text: string; fits: boolean }
export type PagePreview = { language: string; title: string; body: string }

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
  /** the operator's group picks */
  picks?: GroupPicks
  /** the CAP scope (a social post is made for a Public alert only) */
  scope?: string
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
  const groups = await groupReach(options)
  const posts = options.channels.includes('social') ? await socialPosts(options) : []
  const pages = options.channels.includes('phone') ? phonePages(options, groups.get('phone') ?? []) : []
  const health = await channelHealth(prisma, options.channels)
  return {
    area,
    severity,
    channels: options.channels.map((channel) => {
      const reach = groups.get(channel) ?? []
      const byGroup = channel === 'sms' ? staffTotal(reach) : reach.reduce((n, g) => n + g.recipients, 0)
      return {
        channel,
        recipients: channel === 'social' ? posts.length : (counts[channel] ?? 0) + byGroup,
        configured: configured.has(channel),
        health: health[channel] ?? { state: 'ok' },
        messages: channel === 'webpush' ? pushMessages(alert as CapAlert, languages) : [],
        sms: channel === 'sms' ? sms : [],
        groups: reach.filter((g) => g.kind !== 'staff' || g.id !== STAFF_TOTAL),
        posts: channel === 'social' ? posts : [],
        pages: channel === 'phone' ? pages : [],
      }
    }),
  }
}

const STAFF_TOTAL = '*'
// staff members in several picked groups get one message: the distinct total rides along
const staffTotal = (reach: GroupReach[]) => reach.find((g) => g.id === STAFF_TOTAL)?.recipients ?? 0

/** Per channel, the picked groups it reaches with their recipients (as the fan-out counts them). */
async function groupReach(options: Parameters<typeof previewAlert>[0]): Promise<Map<string, GroupReach[]>> {
  const picks = options.picks ?? noPicks
  const out = new Map<string, GroupReach[]>()
  if (!Object.values(picks).some((ids) => ids.length > 0)) return out
  const { pagingGroups, deviceGroups, staffGroups } = await loadComposerGroups(options.prisma, options.territoryId)
  const paging = pagingGroups.filter((g) => g.enabled && picks.pagingGroupIds.includes(g.id))
  out.set('phone', paging.map((g) => ({ kind: 'paging', id: g.id, name: g.name, recipients: g.phones })))
  out.set('mqtt', [
    ...deviceGroups.filter((g) => g.enabled && picks.deviceGroupIds.includes(g.id)).map((g): GroupReach => ({ kind: 'device', id: g.id, name: g.name, recipients: g.devices, online: g.online })),
    ...paging.filter((g) => g.audioGateway).map((g): GroupReach => ({ kind: 'gateway', id: g.id, name: g.name, recipients: 1 })),
  ])
  const staff = staffGroups.filter((g) => picks.staffGroupIds.includes(g.id))
  if (staff.length > 0) {
    const [{ n }] = await options.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(DISTINCT u."id")::int AS "n" FROM "StaffGroupMember" m
         JOIN "StaffGroup" g ON g."id" = m."groupId" JOIN "User" u ON u."id" = m."userId"
        WHERE g."id" = ANY($1::text[]) AND g."territoryId" = $2 AND u."status" = 'ACTIVE' AND u."phone" IS NOT NULL`,
      staff.map((g) => g.id),
      options.territoryId,
    )
    out.set('sms', [...staff.map((g): GroupReach => ({ kind: 'staff', id: g.id, name: g.name, recipients: g.reachable })), { kind: 'staff', id: STAFF_TOTAL, name: '', recipients: n }])
  }
  return out
}

/** What the phones show, per language of the picked paging groups. */
function phonePages(options: Parameters<typeof previewAlert>[0], reach: GroupReach[]): PagePreview[] {
  if (reach.length === 0) return []
  const alert = options.alert as CapAlert
  return [...new Set(alert.info.map((i) => appLanguageOf(i.language) ?? 'lv'))].map((language) => {
    const page = pagePreview(alert, language)
    return { language: page.language, title: page.title, body: page.body }
  })
}

/** Each enabled account of the territory and the exact post it would make (a Public alert only). */
async function socialPosts(options: Parameters<typeof previewAlert>[0]): Promise<SocialPostPreview[]> {
  if ((options.scope ?? 'Public') !== 'Public') return []
  const accounts = await options.prisma.socialAccount.findMany({
    where: { territoryId: options.territoryId, enabled: true },
    orderBy: [{ network: 'asc' }, { name: 'asc' }],
    select: { id: true, network: true, name: true, language: true },
  })
  if (accounts.length === 0) return []
  const territory = await options.prisma.territory.findUnique({ where: { id: options.territoryId }, select: { slug: true } })
  const identifier = territory ? previewAlertIdentifier(territory.slug, options.now) : options.alert.identifier
  const alert = { identifier, status: options.alert.status, payload: options.alert as CapAlert }
  return accounts.map((a) => {
    const account = { network: a.network as SocialNetwork, language: a.language }
    const post = socialPostText({ alert, account, baseUrl: options.publicBaseUrl ?? '' })
    return { accountId: a.id, network: account.network, name: a.name, language: a.language, text: post.text, fits: post.fits }
  })
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
