// Formatting for the alert screens: numbers and times (with seconds) in the page language and
// the municipality's time zone, the same on the server and in the browser; the headline in the
// reader's language (then lv, then en, then any).
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { municipalityTimeZone } from '#domain/incidents/datetime.ts'
import { defaultLanguage, intlLocale, isLanguage } from '~/i18n'

export function useAlertFormat() {
  const { i18n } = useTranslation()
  const language = isLanguage(i18n.language) ? i18n.language : defaultLanguage
  return useMemo(() => {
    const locale = intlLocale[language]
    const number = new Intl.NumberFormat(locale)
    const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 })
    const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', timeZone: municipalityTimeZone })
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: municipalityTimeZone })
    return {
      language,
      number: (n: number) => number.format(n),
      decimal: (n: number) => decimal.format(n),
      /** 22.11.26 10:00:01 */
      time: (iso: string) => time.format(new Date(iso)),
      /** 22 Nov 2026, 10:00 */
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      headline: (headlines: Record<string, string | undefined>) =>
        headlines[language] ?? headlines.lv ?? headlines.en ?? Object.values(headlines).find(Boolean) ?? null,
    }
  }, [language])
}
