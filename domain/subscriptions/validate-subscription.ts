// A resident's subscription as the browser sends it (PushSubscription.toJSON() plus the choices
// made on the subscribe page), checked field by field. What is kept is what targeting needs and
// nothing more: the push endpoint and keys, places rounded to ~100 m (so no exact address is
// stored), languages in order, and the lowest severity. No name, no address, no account.
import crypto from 'node:crypto'
import { AppError } from '#domain/errors.ts'
import { isInsideTerritory } from '#domain/geo/validate-area.ts'
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import { isAllowedPushEndpoint } from '#notify/channels/push-service-hosts.ts'
import { subscriptionErrors as E, subscriptionLimits as L } from './limits.ts'

export const subscriptionLanguages = ['lv', 'en', 'ru'] as const
export type SubscriptionLanguage = (typeof subscriptionLanguages)[number]
/** the lowest severity a resident can ask for (an alert of Unknown severity reaches everyone) */
export const subscriptionSeverities = ['Minor', 'Moderate', 'Severe', 'Extreme'] as const satisfies readonly AlertSeverity[]
export type SubscriptionSeverity = (typeof subscriptionSeverities)[number]

export type ValidSubscription = {
  endpoint: string
  p256dh: string
  auth: string
  /** [lng, lat], rounded, without duplicates, in the order given */
  places: Position[]
  languages: SubscriptionLanguage[]
  minSeverity: SubscriptionSeverity
}

export type ValidateSubscriptionOptions = {
  input: unknown
  /** the territory the places must lie in (its boundary grown by the usual tolerance) */
  boundary: PolygonalGeometry
  /** push services allowed as endpoints (server/env.ts PUSH_SERVICE_HOSTS); unchecked when absent */
  pushServiceHosts?: readonly string[]
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Round a coordinate to the stored precision (~100 m). */
export function roundCoordinate(value: number): number {
  const factor = 10 ** L.placeDecimals
  return Math.round(value * factor) / factor
}

/** base64url (padding tolerated) → bytes, or null when it is not base64url. */
export function decodeBase64Url(value: unknown): Buffer | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) return null
  const trimmed = value.replace(/=+$/, '')
  if (!/^[A-Za-z0-9_-]+$/.test(trimmed)) return null
  return Buffer.from(trimmed, 'base64url')
}

function checkEndpoint(value: unknown, errors: Record<string, string>, pushServiceHosts?: readonly string[]): string | undefined {
  if (value === undefined || value === null || value === '') {
    errors.endpoint = E.required
    return undefined
  }
  if (typeof value !== 'string') {
    errors.endpoint = E.endpointInvalid
    return undefined
  }
  if (value.length > L.endpointMax) {
    errors.endpoint = E.endpointTooLong
    return undefined
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    errors.endpoint = E.endpointInvalid
    return undefined
  }
  if (url.protocol !== 'https:') {
    errors.endpoint = E.endpointNotHttps
    return undefined
  }
  if (url.username || url.password || url.hash || !url.hostname) {
    errors.endpoint = E.endpointInvalid
    return undefined
  }
  // only push services we know: otherwise a subscription could make the server POST anywhere
  if (pushServiceHosts && !isAllowedPushEndpoint(value, pushServiceHosts)) {
    errors.endpoint = E.endpointNotAllowed
    return undefined
  }
  // kept exactly as the browser gave it: it is the address the push service knows
  return value
}

function checkKeys(value: unknown, errors: Record<string, string>): { p256dh: string; auth: string } | undefined {
  if (!isRecord(value)) {
    errors.keys = value === undefined ? E.required : E.keyInvalid
    return undefined
  }
  const p256dh = decodeBase64Url(value.p256dh)
  let p256dhOk = false
  if (value.p256dh === undefined) errors['keys.p256dh'] = E.required
  else if (!p256dh || p256dh.length !== L.p256dhBytes || p256dh[0] !== 0x04) errors['keys.p256dh'] = E.p256dhInvalid
  else {
    try {
      // a point on the P-256 curve, not just 65 bytes
      crypto.ECDH.convertKey(p256dh, 'prime256v1')
      p256dhOk = true
    } catch {
      errors['keys.p256dh'] = E.p256dhInvalid
    }
  }
  const auth = decodeBase64Url(value.auth)
  if (value.auth === undefined) errors['keys.auth'] = E.required
  else if (!auth || auth.length !== L.authBytes) errors['keys.auth'] = E.authInvalid
  if (!p256dhOk || !auth || auth.length !== L.authBytes) return undefined
  // stored canonical: base64url without padding
  return { p256dh: p256dh!.toString('base64url'), auth: auth.toString('base64url') }
}

export function checkPlaces(value: unknown, boundary: PolygonalGeometry, errors: Record<string, string>): Position[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    errors.places = Array.isArray(value) || value === undefined ? E.placesRequired : E.placeInvalid
    return undefined
  }
  if (value.length > L.maxPlaces) {
    errors.places = E.tooManyPlaces
    return undefined
  }
  const out: Position[] = []
  const seen = new Set<string>()
  let ok = true
  value.forEach((raw, index) => {
    const field = `places.${index}`
    if (
      !Array.isArray(raw) ||
      raw.length !== 2 ||
      typeof raw[0] !== 'number' ||
      typeof raw[1] !== 'number' ||
      !Number.isFinite(raw[0]) ||
      !Number.isFinite(raw[1]) ||
      Math.abs(raw[0]) > 180 ||
      Math.abs(raw[1]) > 90
    ) {
      errors[field] = E.placeInvalid
      ok = false
      return
    }
    const place: Position = [roundCoordinate(raw[0]), roundCoordinate(raw[1])]
    if (!isInsideTerritory({ type: 'Point', coordinates: place }, boundary)) {
      errors[field] = E.placeOutsideTerritory
      ok = false
      return
    }
    const key = place.join(',')
    if (!seen.has(key)) {
      seen.add(key)
      out.push(place)
    }
  })
  return ok ? out : undefined
}

export function checkLanguages(value: unknown, errors: Record<string, string>): SubscriptionLanguage[] | undefined {
  if (value === undefined) return ['lv']
  if (!Array.isArray(value) || value.length === 0) {
    errors.languages = E.languagesRequired
    return undefined
  }
  if (value.length > subscriptionLanguages.length * 2) {
    errors.languages = E.languageInvalid
    return undefined
  }
  const out: SubscriptionLanguage[] = []
  for (const [index, language] of value.entries()) {
    if (!(subscriptionLanguages as readonly unknown[]).includes(language)) {
      errors[`languages.${index}`] = E.languageInvalid
      return undefined
    }
    if (!out.includes(language as SubscriptionLanguage)) out.push(language as SubscriptionLanguage)
  }
  return out
}

export function checkSeverity(value: unknown, errors: Record<string, string>): SubscriptionSeverity | undefined {
  if (value === undefined) return 'Minor'
  if (!(subscriptionSeverities as readonly unknown[]).includes(value)) {
    errors.minSeverity = E.severityInvalid
    return undefined
  }
  return value as SubscriptionSeverity
}

/** Throws AppError INVALID_INPUT with one message key per bad field (`endpoint`, `keys.p256dh`, `places.2` …). */
export function validateSubscription(options: ValidateSubscriptionOptions): ValidSubscription {
  const { input } = options
  if (!isRecord(input)) throw new AppError('INVALID_INPUT', 'subscription must be a JSON object', { fields: { form: E.invalid } })
  const errors: Record<string, string> = {}
  const endpoint = checkEndpoint(input.endpoint, errors, options.pushServiceHosts)
  const keys = checkKeys(input.keys, errors)
  const places = checkPlaces(input.places, options.boundary, errors)
  const languages = checkLanguages(input.languages, errors)
  const minSeverity = checkSeverity(input.minSeverity, errors)
  if (Object.keys(errors).length > 0 || !endpoint || !keys || !places || !languages || !minSeverity) {
    throw new AppError('INVALID_INPUT', `invalid subscription: ${Object.keys(errors).join(', ')}`, { fields: errors })
  }
  return { endpoint, p256dh: keys.p256dh, auth: keys.auth, places, languages, minSeverity }
}

/** The part of a subscription that proves its owner for unsubscribing: endpoint and auth secret. */
export function validateUnsubscribe(input: unknown): { endpoint: string; auth: string } {
  const errors: Record<string, string> = {}
  if (!isRecord(input)) throw new AppError('INVALID_INPUT', 'body must be a JSON object', { fields: { form: E.invalid } })
  const endpoint = checkEndpoint(input.endpoint, errors)
  const keys = isRecord(input.keys) ? input.keys : undefined
  const auth = decodeBase64Url(keys?.auth)
  if (!keys || keys.auth === undefined) errors['keys.auth'] = E.required
  else if (!auth || auth.length !== L.authBytes) errors['keys.auth'] = E.authInvalid
  if (Object.keys(errors).length > 0 || !endpoint || !auth) {
    throw new AppError('INVALID_INPUT', `invalid unsubscribe: ${Object.keys(errors).join(', ')}`, { fields: errors })
  }
  return { endpoint, auth: auth.toString('base64url') }
}
