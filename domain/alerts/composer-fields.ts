// The composer form's fields (browser-safe: names and constants only). One info block per app
// language; what every block shares (category, urgency, severity, certainty, onset, expires,
// area) is entered once. Texts are per language: `lv.headline`, `en.description`, …
import type { AppLanguage } from '#notify/cap/types.ts'

export const composerLanguages = ['lv', 'en', 'ru'] as const satisfies readonly AppLanguage[]
export const composerTexts = ['event', 'headline', 'description', 'instruction'] as const
export type ComposerText = (typeof composerTexts)[number]

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
  note?: string
} & { [K in `${AppLanguage}.${ComposerText}`]?: string }

export const composerArrayFields = ['references', 'category', 'responseType', 'namedAreaIds'] as const

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
    return 'form'
  }
  if (parts[0] === 'references') return 'references'
  if (parts[0] === 'status' || parts[0] === 'msgType' || parts[0] === 'note') return parts[0]
  return 'form'
}

// the CAP vocabularies and templates the composer offers (browser-safe constants of notify/cap)
export { capCategories, capCertainties, capResponseTypes, capSeverities, capUrgencies } from '#notify/cap/types.ts'
export { alertTemplateIds, alertTemplates, metPhenomena } from '#notify/cap/templates/alert-templates.ts'
