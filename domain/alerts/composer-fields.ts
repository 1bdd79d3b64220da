// The composer form's fields (browser-safe: names and constants only). One info block per app
// language; what every block shares (category, urgency, severity, certainty, onset, expires,
// area) is entered once. Texts are per language: `lv.headline`, `en.description`, … and the
// hand-written SMS text `lv.sms` (the info block's CAP parameter SARGS_SMS). The channels the
// alert goes out on are chosen per alert (`channels`, stored on the draft, not in the CAP).
import type { AppLanguage } from '#notify/cap/types.ts'

export const composerLanguages = ['lv', 'en', 'ru'] as const satisfies readonly AppLanguage[]
export const composerTexts = ['event', 'headline', 'description', 'instruction'] as const
export type ComposerText = (typeof composerTexts)[number]
/** Per-language fields that are not CAP texts: the SMS text (CAP parameter SARGS_SMS). */
export type ComposerLanguageField = ComposerText | 'sms'

/**
 * The channels an operator may choose, in the order shown. Adding paging, MQTT or social networks
 * later is one row here (and its label in the alerts namespace) — the dispatcher must have an
 * adapter for it, or its deliveries wait (the preview says the channel is not configured).
 */
export const composerChannels = [
  { name: 'webpush', labelKey: 'compose.channels.webpush' },
  { name: 'sms', labelKey: 'compose.channels.sms' },
  { name: 'social', labelKey: 'compose.channels.social' },
  { name: 'phone', labelKey: 'compose.channels.phone' },
  { name: 'mqtt', labelKey: 'compose.channels.mqtt' },
] as const satisfies readonly { name: string; labelKey: string }[]
export type ComposerChannel = (typeof composerChannels)[number]['name']
export const composerChannelNames: readonly string[] = composerChannels.map((c) => c.name)
/** What a new alert goes out on unless the operator unticks it. */
export const defaultComposerChannels: ComposerChannel[] = ['webpush', 'sms']

/**
 * The chosen channels (a checkbox group: absent, one string or several), deduplicated in the
 * list's order; an i18n error key when none is chosen or a name is not one of composerChannels.
 */
export function parseComposerChannels(value: unknown): { channels: string[]; error: string | null } {
  const raw = (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).map((v) => (typeof v === 'string' ? v.trim() : ''))
  const chosen = raw.filter(Boolean)
  if (raw.some((v) => !composerChannelNames.includes(v))) return { channels: [], error: 'alerts:errors.channelUnknown' }
  if (chosen.length === 0) return { channels: [], error: 'alerts:errors.channelRequired' }
  return { channels: composerChannelNames.filter((c) => chosen.includes(c)), error: null }
}

/** Statuses the composer offers (Draft is what a saved composition is; System is not ours). */
export const composerStatuses = ['Actual', 'Exercise', 'Test'] as const
export const composerMsgTypes = ['Alert', 'Update', 'Cancel'] as const

/**
 * The composer's values as the form sends them (and as the screen shows them): strings, and
 * arrays for repeated names. `references` are CAP triples "sender,identifier,sent".
 */
export type ComposerValues = {
  status?: string
  msgType?: string
  templateId?: string
  references?: string[]
  category?: string[]
  responseType?: string[]
  urgency?: string
  severity?: string
  certainty?: string
  /** datetime-local, Riga time */
  onset?: string
  expires?: string
  /** the name residents know the drawn area by (its CAP areaDesc) */
  areaLabel?: string
  /** the drawn area as JSON: a GeoJSON Polygon or { type: 'Circle', center, radiusM } */
  area?: string
  namedAreaIds?: string[]
  /** the channels chosen (names of composerChannels) */
  channels?: string[]
  /** group picks (issue 4): paging groups ('phone', audio gateways on 'mqtt'), device groups ('mqtt'), staff groups ('sms') */
  pagingGroupIds?: string[]
  deviceGroupIds?: string[]
  staffGroupIds?: string[]
  note?: string
} & { [K in `${AppLanguage}.${ComposerLanguageField}`]?: string }

/** The group pick fields of the form (checkbox groups of ids). */
export const composerPickFields = ['pagingGroupIds', 'deviceGroupIds', 'staffGroupIds'] as const
export type GroupPicks = Record<(typeof composerPickFields)[number], string[]>

export const composerArrayFields = ['references', 'category', 'responseType', 'namedAreaIds', 'channels', ...composerPickFields] as const

/** The field a CAP validation path (`info.1.headline`, `references.0`) is shown next to. */
export function composerFieldOf(path: string, languages: readonly string[], drawnAreaIndex: number | null): string {
  const parts = path.split('.')
  if (parts[0] === 'info') {
    if (parts.length < 3) return 'lv.headline'
    const language = languages[Number(parts[1])] ?? 'lv'
    const field = parts[2]
    if ((composerTexts as readonly string[]).includes(field)) return `${language}.${field}`
    if (field === 'area') {
      if (drawnAreaIndex !== null && Number(parts[3]) === drawnAreaIndex && parts[4] === 'areaDesc') return 'areaLabel'
      return 'area'
    }
    if (['category', 'responseType', 'urgency', 'severity', 'certainty', 'onset', 'expires'].includes(field)) return field
    if (field === 'effective') return 'onset'
    // the only parameter the composer writes is the SMS text
    if (field === 'parameter') return `${language}.sms`
    return 'form'
  }
  if (parts[0] === 'references') return 'references'
  if (parts[0] === 'status' || parts[0] === 'msgType' || parts[0] === 'note') return parts[0]
  return 'form'
}

// the CAP vocabularies and templates the composer offers (browser-safe constants of notify/cap)
export { capCategories, capCertainties, capResponseTypes, capSeverities, capUrgencies } from '#notify/cap/types.ts'
export { alertTemplateIds, alertTemplates, metPhenomena } from '#notify/cap/templates/alert-templates.ts'
