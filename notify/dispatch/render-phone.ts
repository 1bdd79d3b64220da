// What a desk IP phone of a paging group shows: the alert's headline (with the exercise marking of
// decision 006) as the title and its instruction as the text, in the GROUP's language (fallback
// lv → en → first, like the other channels). The same function feeds the composer's preview
// (pagePreview) and the dispatcher's phone route, so the operator sees what the phone shows; each
// vendor then fits it to its own limits (fitPhonePage, decision 015), and the preview says so.
// Browser-safe (no node: imports).
import { pickInfo } from '#notify/cap/languages.ts'
import { markedHeadline } from '#notify/cap/status-marking.ts'
import type { CapAlert } from '#notify/cap/types.ts'

export type PhonePageText = { language: string; title: string; text: string; priority: 'critical' | 'normal' }

/** Soft key labels on the phone (the phone is not the app: its labels live here, not in locales). */
export const PHONE_KEY_LABELS: Record<'lv' | 'en' | 'ru', { ack: string; exit: string }> = {
  lv: { ack: 'Apstiprināt', exit: 'Aizvērt' },
  en: { ack: 'Acknowledge', exit: 'Exit' },
  ru: { ack: 'Подтвердить', exit: 'Закрыть' },
}

export function phoneKeyLabels(language: string): { ack: string; exit: string } {
  const lang = language.split('-')[0].toLowerCase()
  return PHONE_KEY_LABELS[(lang in PHONE_KEY_LABELS ? lang : 'lv') as 'lv' | 'en' | 'ru']
}

/** The page for a group of `language`: title = marked headline, text = instruction. */
export function renderPhonePage(alert: Pick<CapAlert, 'status' | 'identifier' | 'info'>, language: string): PhonePageText {
  const info = pickInfo(alert, [language])
  const lang = (info?.language ?? language).split('-')[0].toLowerCase()
  const headline = info?.headline?.trim() || info?.event?.trim() || alert.identifier
  const title = markedHeadline(alert.status, lang, headline).normalize('NFC')
  const text = (info?.instruction?.trim() || info?.description?.trim() || '').normalize('NFC')
  const priority = info?.severity === 'Extreme' || info?.severity === 'Severe' ? 'critical' : 'normal'
  return { language: lang, title, text, priority }
}

/**
 * What a phone of `language` shows (the composer's preview): the title on the first line, the
 * text below. Vendors with a short title (Cisco: 32 characters) cut it with "…" (fitPhonePage).
 */
export function pagePreview(alert: Pick<CapAlert, 'status' | 'identifier' | 'info'>, language: string): { text: string; title: string; body: string; language: string } {
  const page = renderPhonePage(alert, language)
  return { text: page.text ? `${page.title}\n${page.text}` : page.title, title: page.title, body: page.text, language: page.language }
}
