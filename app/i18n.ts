// i18n configuration shared by server and browser. Latvian first, then English and Russian.
// Resources live in public/locales/<lng>/<namespace>.json; every namespace is loaded for the
// active language by the root loader and handed to the browser, so no extra requests are made.
export const supportedLanguages = ['lv', 'en', 'ru'] as const
export type Language = (typeof supportedLanguages)[number]
export const defaultLanguage: Language = 'lv'
export const namespaces = ['common', 'auth', 'incidents', 'admin', 'errors', 'realtime', 'alerts', 'public', 'reserves', 'shelters', 'devices'] as const

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (supportedLanguages as readonly string[]).includes(value)
}

/** BCP 47 tags for Intl formatting. */
export const intlLocale: Record<Language, string> = { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' }

export type Resources = Record<string, Record<string, unknown>>
