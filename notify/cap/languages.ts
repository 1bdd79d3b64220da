// CAP language tags ↔ app languages, and choosing the info block for a reader.
import { appLanguages, type AppLanguage, type CapAlert, type CapInfo } from './types.ts'

/** The app language of a CAP language tag by its primary subtag ("lv-LV", "lv" → "lv"), or null. */
export function appLanguageOf(tag: string): AppLanguage | null {
  const primary = tag.split('-')[0].toLowerCase()
  return (appLanguages as readonly string[]).includes(primary) ? (primary as AppLanguage) : null
}

/**
 * The info block for a reader who prefers `preferred` (one language or a list, app languages or
 * CAP tags): the first of theirs that exists, else Latvian, else English, else the first block.
 */
export function pickInfo(alert: Pick<CapAlert, 'info'>, preferred: string | readonly string[]): CapInfo | undefined {
  const primary = (tag: string) => tag.split('-')[0].toLowerCase()
  const wanted = [...(typeof preferred === 'string' ? [preferred] : preferred), 'lv', 'en'].map(primary)
  for (const language of wanted) {
    const info = alert.info.find((i) => primary(i.language) === language)
    if (info) return info
  }
  return alert.info[0]
}
