// Dates and numbers in the page language, always in the municipality's time zone: the server
// and the browser render the same text (no hydration mismatch) and everyone sees local time.
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { municipalityTimeZone } from '#domain/incidents/datetime.ts'
import { defaultLanguage, intlLocale, isLanguage } from '~/i18n'

export function useFormat() {
  const { i18n } = useTranslation()
  const language = isLanguage(i18n.language) ? i18n.language : defaultLanguage
  return useMemo(() => {
    const locale = intlLocale[language]
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: municipalityTimeZone })
    const short = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: municipalityTimeZone })
    const metres = new Intl.NumberFormat(locale, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 })
    const kilometres = new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 })
    return {
      locale,
      /** 12 Apr 2026, 14:05 */
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      /** 12/04/2026, 14:05 */
      short: (iso: string) => short.format(new Date(iso)),
      /** 850 m, 1.2 km */
      distance: (m: number) => (m < 1000 ? metres.format(m) : kilometres.format(m / 1000)),
    }
  }, [language])
}
