// One small contract for every notification channel (docs/decisions/005-channel-adapter-contract.md).
// An adapter is configured in its constructor, sends ONE message and says what happened. It never
// reads the environment, never touches the database, never retries, never translates: retries,
// backoff, Retry-After per channel, idempotency, exercise isolation and the ledger belong to the
// dispatcher (notify/dispatch).

export type SendResult =
  /** The provider accepted the message. */
  | { kind: 'sent'; providerMessageId?: string; httpStatus?: number }
  /** Try again later; afterMs when the provider said how long to wait (Retry-After). */
  | { kind: 'retry'; afterMs?: number; reason: string; httpStatus?: number }
  /** Never retry this message; deadAddress when the address itself is gone (web push 404/410). */
  | { kind: 'permanent'; deadAddress: boolean; reason: string; httpStatus?: number }

export type ChannelLimits = {
  /** largest message body the adapter accepts (bytes, before any encryption) */
  maxPayloadBytes?: number
  /** provider's documented rate, messages per second */
  ratePerSecond?: number
}

export type SendContext = {
  /** stable per alert x channel x recipient: the same on every attempt */
  idempotencyKey: string
  /** give up on the provider call after this long and report a retry */
  timeoutMs: number
}

export interface ChannelAdapter<M> {
  readonly channel: string
  readonly limits: ChannelLimits
  send(message: M, ctx: SendContext): Promise<SendResult>
}

/** Retry-After as seconds or an HTTP date → milliseconds (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (!raw) return undefined
  const trimmed = raw.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}
