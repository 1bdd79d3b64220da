// Item names and quantities in the page language.
import { useTranslation } from 'react-i18next'
import { defaultLanguage, isLanguage, intlLocale, type Language } from '~/i18n'

export type Names = { lv: string; en: string; ru: string }

export function useReservesFormat() {
  const { t, i18n } = useTranslation('reserves')
  const language: Language = isLanguage(i18n.language) ? i18n.language : defaultLanguage
  const number = new Intl.NumberFormat(intlLocale[language])
  const day = new Intl.DateTimeFormat(intlLocale[language], { dateStyle: 'medium', timeZone: 'UTC' })
  return {
    language,
    name: (names: Names) => names[language] || names.lv,
    /** "1 200 l" with the unit's short form */
    quantity: (value: number, unit: string) => `${number.format(value)} ${t(`units.${unit}`, { count: value, defaultValue: unit })}`,
    /** the unit alone (a form label): its plural form */
    unit: (unit: string) => t(`units.${unit}`, { count: 5, defaultValue: unit }),
    number: (value: number) => number.format(value),
    /** a calendar day (YYYY-MM-DD) */
    day: (iso: string | null) => (iso ? day.format(new Date(`${iso}T00:00:00Z`)) : '—'),
  }
}
