// What a phone shows for a web push: the notification's title and body built from the payload
// the dispatcher sends (notify/dispatch/render-push.ts). Non-Actual alerts (Exercise, Test) carry
// their marking in the reader's language (decision 006). Browser-safe.
export const statusMarking: Record<string, Record<'lv' | 'en' | 'ru', string>> = {
  Exercise: { lv: 'MĀCĪBAS', en: 'EXERCISE', ru: 'УЧЕНИЯ' },
  Test: { lv: 'TESTS', en: 'TEST', ru: 'ТЕСТ' },
}

export type PushPayloadLike = { status: string; lang: string; headline: string; event: string; description: string; instruction: string }

export type NotificationView = { title: string; body: string; marking: string | null }

export function notificationView(payload: PushPayloadLike): NotificationView {
  const lang = (['lv', 'en', 'ru'].includes(payload.lang) ? payload.lang : 'lv') as 'lv' | 'en' | 'ru'
  const marking = statusMarking[payload.status]?.[lang] ?? null
  const headline = payload.headline || payload.event
  const body = [payload.description, payload.instruction].filter(Boolean).join('\n')
  return { title: marking ? `${marking}: ${headline}` : headline, body, marking }
}
