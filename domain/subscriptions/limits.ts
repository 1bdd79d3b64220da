// Limits of a resident's push subscription, and the rate limits of the public subscription
// endpoints (per client address; X-Forwarded-For counts only with TRUST_PROXY=true, as for sign-in).
import type { RateLimitRule } from '#domain/auth/rate-limit.ts'

export const subscriptionLimits = {
  /** places per subscription (a named area counts with its sample points) */
  maxPlaces: 12,
  /** places are rounded to 3 decimals: ~110 m north–south, ~60 m east–west in Latvia */
  placeDecimals: 3,
  /** longest endpoint URL we store (real push services use ~200–400 characters) */
  endpointMax: 1024,
  /** an uncompressed P-256 point (0x04 || x || y) */
  p256dhBytes: 65,
  /** RFC 8291 authentication secret */
  authBytes: 16,
  /** largest JSON body of the subscription API */
  bodyBytesMax: 16 * 1024,
} as const

/**
 * Generous on purpose: many residents can share one address (mobile carriers' NAT), and they all
 * subscribe at once when something happens. A flood from one address still gets 429s.
 */
export const SUBSCRIBE_IP = { limit: 60, windowSeconds: 300 }
export const VAPID_KEY_IP = { limit: 300, windowSeconds: 300 }

export function subscribeRules(ip: string | null | undefined): RateLimitRule[] {
  return [{ key: `push-subscribe:ip:${ip || 'unknown'}`, ...SUBSCRIBE_IP }]
}

export function vapidKeyRules(ip: string | null | undefined): RateLimitRule[] {
  return [{ key: `push-vapid:ip:${ip || 'unknown'}`, ...VAPID_KEY_IP }]
}

/** Message keys (namespace public) for what is wrong with a subscription field. */
export const subscriptionErrors = {
  required: 'public:errors.required',
  invalid: 'public:errors.invalid',
  endpointInvalid: 'public:errors.endpointInvalid',
  endpointNotHttps: 'public:errors.endpointNotHttps',
  endpointNotAllowed: 'public:errors.endpointNotAllowed',
  endpointTooLong: 'public:errors.endpointTooLong',
  keyInvalid: 'public:errors.keyInvalid',
  p256dhInvalid: 'public:errors.p256dhInvalid',
  authInvalid: 'public:errors.authInvalid',
  placesRequired: 'public:errors.placesRequired',
  tooManyPlaces: 'public:errors.tooManyPlaces',
  placeInvalid: 'public:errors.placeInvalid',
  placeOutsideTerritory: 'public:errors.placeOutsideTerritory',
  languagesRequired: 'public:errors.languagesRequired',
  languageInvalid: 'public:errors.languageInvalid',
  severityInvalid: 'public:errors.severityInvalid',
  subscriptionKeysChanged: 'public:errors.subscriptionKeysChanged',
  subscriptionNotFound: 'public:errors.subscriptionNotFound',
} as const
