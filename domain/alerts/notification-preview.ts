// What a phone shows for a web push: the notification's title and body built from the payload
// the dispatcher sends (notify/dispatch/render-push.ts), as the service worker (public/sw.js)
// builds them. Non-Actual alerts (Exercise, Test) carry their marking in the headline itself,
// put there by the renderer (decision 006). Browser-safe.
import { markedHeadline, markingFor } from '#notify/cap/status-marking.ts'

export type PushPayloadLike = { status: string; lang: string; headline: string; event: string; description: string; instruction: string }

export type NotificationView = { title: string; body: string; marking: string | null }

export function notificationView(payload: PushPayloadLike): NotificationView {
  const marking = markingFor(payload.status, payload.lang)
  // as public/sw.js builds it: what to do first, then what is happening
  const body = [payload.instruction, payload.description].filter(Boolean).join('\n\n')
  return { title: markedHeadline(payload.status, payload.lang, payload.headline || payload.event), body, marking }
}
