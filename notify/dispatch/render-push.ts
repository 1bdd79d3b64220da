// What a web push carries: the alert in the subscriber's language (fallback lv → en → first),
// small enough for a push service (the description and instruction are shortened when needed).
import { createHash } from 'node:crypto'
import { pickInfo } from '#notify/cap/languages.ts'
import { markedHeadline } from '#notify/cap/status-marking.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import type { WebPushUrgency } from '#notify/channels/web-push.ts'

export type PushPayload = {
  identifier: string
  status: string
  msgType: string
  sent: string
  lang: string
  event: string
  severity: string
  urgency: string
  headline: string
  description: string
  instruction: string
  expires?: string
  url: string
  /** notification tag: an Update or Cancel carries the tag of the alert it changes, so on the
   * device it replaces the earlier notification (the same value as the push Topic) */
  tag: string
}

export function renderPushPayload(alert: CapAlert, languages: string[], maxBytes: number): string {
  const info = pickInfo(alert, languages)
  const payload: PushPayload = {
    identifier: alert.identifier,
    status: alert.status,
    msgType: alert.msgType,
    sent: alert.sent,
    lang: (info?.language ?? 'lv').split('-')[0],
    event: info?.event ?? '',
    severity: info?.severity ?? 'Unknown',
    urgency: info?.urgency ?? 'Unknown',
    // an exercise or test carries its marking in the headline, in the reader's language (decision 006)
    headline: markedHeadline(alert.status, info?.language ?? 'lv', info?.headline ?? info?.event ?? ''),
    description: info?.description ?? '',
    instruction: info?.instruction ?? '',
    ...(info?.expires ? { expires: info.expires } : {}),
    url: `/alerts/${encodeURIComponent(alert.identifier)}`,
    tag: pushTopic(alert),
  }
  let text = JSON.stringify(payload)
  // shorten the long texts (description first) until it fits; the page has the full alert
  for (const field of ['description', 'instruction', 'headline'] as const) {
    while (Buffer.byteLength(text) > maxBytes && payload[field].length > 0) {
      const over = Buffer.byteLength(text) - maxBytes
      const chars = [...payload[field]]
      // JSON-escaped bytes per character of this field, to cut about the right amount at once
      const perChar = Math.max(1, Buffer.byteLength(JSON.stringify(payload[field])) / chars.length)
      const keep = Math.max(0, chars.length - Math.ceil(over / perChar) - 2)
      payload[field] = keep > 0 ? `${chars.slice(0, keep).join('')}…` : ''
      text = JSON.stringify(payload)
    }
  }
  return text
}

/** Updates and cancels replace the notification of the alert they refer to on the device. */
export function pushTopic(alert: Pick<CapAlert, 'identifier' | 'msgType' | 'references'>): string {
  const thread = alert.msgType !== 'Alert' && alert.references?.length ? alert.references[0].identifier : alert.identifier
  return createHash('sha256').update(thread).digest('base64url').slice(0, 32)
}

export function pushUrgency(severity: string): WebPushUrgency {
  return severity === 'Extreme' || severity === 'Severe' ? 'high' : 'normal'
}

/** Seconds until the alert expires (at least a minute, at most four weeks); a day by default. */
export function pushTtlSeconds(alert: Pick<CapAlert, 'info'>, nowMs = Date.now()): number {
  const expires = alert.info.map((i) => (i.expires ? Date.parse(i.expires) : NaN)).filter((t) => !Number.isNaN(t))
  if (expires.length === 0) return 24 * 3600
  const seconds = Math.floor((Math.max(...expires) - nowMs) / 1000)
  return Math.min(28 * 24 * 3600, Math.max(60, seconds))
}
