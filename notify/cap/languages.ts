// CAP language tags ↔ app languages, and choosing the info block for a reader.
import { appLanguages, type AppLanguage, type CapAlert, type CapInfo } from './types.ts'

/** The app language of a CAP language tag by its primary subtag ("lv-LV", "lv" → "lv"), or null. */
export function appLanguageOf(tag: string): AppLanguage | null {
  const primary = tag.split('-')[0].toLowerCase()
  return (appLanguages as readonly string[]).includes(primary) ? (primary as AppLanguage) : null
}

/** The info block for a reader of `language`: theirs, else Latvian, else English, else the first. */
export function pickInfo(alert: CapAlert, language: AppLanguage): CapInfo | undefined {
  for (const wanted of [language, 'lv', 'en'] as const) {
    const info = alert.info.find((i) => appLanguageOf(i.language) === wanted)
    if (info) return info
  }
  return alert.info[0]
}
