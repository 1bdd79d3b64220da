// The marking every non-Actual alert carries in every language, in front of its headline, on every
// channel (decision 006): an exercise or test message can never be mistaken for a real warning,
// even when it is read out of context (a screenshot, a forwarded SMS). Browser-safe.
export const statusMarking: Record<string, Record<'lv' | 'en' | 'ru', string>> = {
  Exercise: { lv: 'MĀCĪBAS', en: 'EXERCISE', ru: 'УЧЕНИЯ' },
  Test: { lv: 'TESTS', en: 'TEST', ru: 'ТЕСТ' },
}

/** The marking for a status in a language (lv when the language is not one of ours); null for Actual. */
export function markingFor(status: string, language: string): string | null {
  const lang = language.split('-')[0]
  const byLang = statusMarking[status]
  if (!byLang) return null
  return byLang[(lang in byLang ? lang : 'lv') as 'lv' | 'en' | 'ru']
}

/** "MĀCĪBAS: headline" for a non-Actual alert; the headline unchanged for an Actual one. */
export function markedHeadline(status: string, language: string, headline: string): string {
  const marking = markingFor(status, language)
  return marking && !headline.startsWith(`${marking}:`) ? `${marking}: ${headline}` : headline
}
