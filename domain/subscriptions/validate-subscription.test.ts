import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { jelgavaAreas, jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { AppError } from '#domain/errors.ts'
import { subscriptionLimits } from './limits.ts'
import { namedAreaPlaces } from './named-area-places.ts'
import { roundCoordinate, validateSubscription, validateUnsubscribe } from './validate-subscription.ts'

const boundary = jelgavaTerritory.boundary

function browserKeys() {
  const ecdh = crypto.createECDH('prime256v1')
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') }
}

const good = () => ({
  endpoint: 'https://fcm.googleapis.com/fcm/send/abc:APA91b-xyz',
  expirationTime: null,
  keys: browserKeys(),
  places: [[23.72345, 56.65178]],
  languages: ['ru', 'en'],
  minSeverity: 'Moderate',
})

function fieldsOf(input: unknown): Record<string, string> {
  try {
    validateSubscription({ input, boundary })
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('INVALID_INPUT')
    expect((error as AppError).status).toBe(422)
    return (error as AppError).fields ?? {}
  }
  throw new Error('expected INVALID_INPUT')
}

describe('validateSubscription', () => {
  it('keeps what targeting needs: endpoint, keys, rounded places, languages in order, severity', () => {
    const input = good()
    const valid = validateSubscription({ input, boundary })
    expect(valid).toEqual({
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      places: [[23.723, 56.652]],
      languages: ['ru', 'en'],
      minSeverity: 'Moderate',
    })
  })

  it('rounds places to ~100 m and drops the duplicates rounding makes', () => {
    expect(roundCoordinate(23.72349)).toBe(23.723)
    expect(roundCoordinate(56.6515)).toBe(56.652)
    const valid = validateSubscription({ input: { ...good(), places: [[23.7231, 56.6521], [23.7234, 56.6519], [23.75, 56.64]] }, boundary })
    expect(valid.places).toEqual([[23.723, 56.652], [23.75, 56.64]])
    for (const [lng, lat] of valid.places) {
      expect(Math.round(lng * 1000)).toBeCloseTo(lng * 1000, 6)
      expect(Math.round(lat * 1000)).toBeCloseTo(lat * 1000, 6)
    }
  })

  it('defaults: Latvian, every severity', () => {
    const { languages: _l, minSeverity: _s, ...rest } = good()
    const valid = validateSubscription({ input: rest, boundary })
    expect(valid.languages).toEqual(['lv'])
    expect(valid.minSeverity).toBe('Minor')
  })

  it('names the endpoint when its push service is not on the list (PUSH_SERVICE_HOSTS)', () => {
    const check = (endpoint: string) => {
      try {
        validateSubscription({ input: { ...good(), endpoint }, boundary, pushServiceHosts: ['fcm.googleapis.com', '*.push.apple.com'] })
        return 'ok'
      } catch (error) {
        return (error as AppError).fields?.endpoint
      }
    }
    expect(check('https://fcm.googleapis.com/fcm/send/abc')).toBe('ok')
    expect(check('https://web.push.apple.com/QGRk')).toBe('ok')
    expect(check('https://10.0.0.5/internal')).toBe('public:errors.endpointNotAllowed')
    expect(check('https://fcm.googleapis.com.evil.example/x')).toBe('public:errors.endpointNotAllowed')
  })

  it('names the endpoint when it is missing, not https, not a URL, too long or carries credentials', () => {
    expect(fieldsOf({ ...good(), endpoint: undefined }).endpoint).toBe('public:errors.required')
    expect(fieldsOf({ ...good(), endpoint: 'http://push.example/abc' }).endpoint).toBe('public:errors.endpointNotHttps')
    expect(fieldsOf({ ...good(), endpoint: 'not a url' }).endpoint).toBe('public:errors.endpointInvalid')
    expect(fieldsOf({ ...good(), endpoint: 42 }).endpoint).toBe('public:errors.endpointInvalid')
    expect(fieldsOf({ ...good(), endpoint: 'https://user:pw@push.example/abc' }).endpoint).toBe('public:errors.endpointInvalid')
    expect(fieldsOf({ ...good(), endpoint: `https://push.example/${'a'.repeat(subscriptionLimits.endpointMax)}` }).endpoint).toBe(
      'public:errors.endpointTooLong',
    )
  })

  it('names each key: p256dh must be an uncompressed P-256 point (65 bytes), auth 16 bytes, both base64url', () => {
    const keys = browserKeys()
    expect(fieldsOf({ ...good(), keys: undefined }).keys).toBe('public:errors.required')
    expect(fieldsOf({ ...good(), keys: 'abc' }).keys).toBe('public:errors.keyInvalid')
    expect(fieldsOf({ ...good(), keys: { auth: keys.auth } })['keys.p256dh']).toBe('public:errors.required')
    expect(fieldsOf({ ...good(), keys: { p256dh: keys.p256dh } })['keys.auth']).toBe('public:errors.required')
    // 64 bytes, compressed form (33 bytes), not base64url, a point off the curve
    const raw = Buffer.from(keys.p256dh, 'base64url')
    const offCurve = Buffer.from(raw)
    offCurve[40] ^= 1
    const compressed = crypto.ECDH.convertKey(raw, 'prime256v1', undefined, undefined, 'compressed') as Buffer
    for (const bad of [raw.subarray(0, 64).toString('base64url'), compressed.toString('base64url'), 'a+b/c', offCurve.toString('base64url')]) {
      expect(fieldsOf({ ...good(), keys: { ...keys, p256dh: bad } })['keys.p256dh']).toBe('public:errors.p256dhInvalid')
    }
    expect(fieldsOf({ ...good(), keys: { ...keys, auth: crypto.randomBytes(15).toString('base64url') } })['keys.auth']).toBe(
      'public:errors.authInvalid',
    )
    // padding is tolerated and dropped
    const padded = validateSubscription({ input: { ...good(), keys: { p256dh: `${keys.p256dh}=`, auth: `${keys.auth}==` } }, boundary })
    expect(padded.auth).toBe(keys.auth)
  })

  it('names the places: none, too many, malformed, outside the territory (by index)', () => {
    expect(fieldsOf({ ...good(), places: [] }).places).toBe('public:errors.placesRequired')
    expect(fieldsOf({ ...good(), places: undefined }).places).toBe('public:errors.placesRequired')
    expect(fieldsOf({ ...good(), places: 'Jelgava' }).places).toBe('public:errors.placeInvalid')
    const many = Array.from({ length: subscriptionLimits.maxPlaces + 1 }, (_, i) => [23.7 + i * 0.001, 56.65])
    expect(fieldsOf({ ...good(), places: many }).places).toBe('public:errors.tooManyPlaces')
    const fields = fieldsOf({ ...good(), places: [[23.72, 56.65], [56.65, 23.72], ['23.7', 56.6], [24.1, 56.95], [23.72]] })
    expect(fields).toEqual({
      'places.1': 'public:errors.placeOutsideTerritory', // lat/lng swapped: somewhere in the Indian Ocean
      'places.2': 'public:errors.placeInvalid',
      'places.3': 'public:errors.placeOutsideTerritory', // Riga
      'places.4': 'public:errors.placeInvalid',
    })
  })

  it('names languages and severity', () => {
    expect(fieldsOf({ ...good(), languages: [] }).languages).toBe('public:errors.languagesRequired')
    expect(fieldsOf({ ...good(), languages: ['lv', 'de'] })['languages.1']).toBe('public:errors.languageInvalid')
    expect(fieldsOf({ ...good(), minSeverity: 'Unknown' }).minSeverity).toBe('public:errors.severityInvalid')
    expect(fieldsOf({ ...good(), minSeverity: 'severe' }).minSeverity).toBe('public:errors.severityInvalid')
    expect(validateSubscription({ input: { ...good(), languages: ['en', 'en', 'lv'] }, boundary }).languages).toEqual(['en', 'lv'])
  })

  it('reports every bad field at once', () => {
    expect(Object.keys(fieldsOf({ endpoint: 'ftp://x', keys: {}, places: [[0, 0]], languages: ['xx'], minSeverity: 'x' })).sort()).toEqual([
      'endpoint',
      'keys.auth',
      'keys.p256dh',
      'languages.0',
      'minSeverity',
      'places.0',
    ])
    expect(fieldsOf(null)).toEqual({ form: 'public:errors.invalid' })
    expect(fieldsOf([1, 2])).toEqual({ form: 'public:errors.invalid' })
  })

  it('unsubscribe needs the endpoint and the auth secret', () => {
    const input = good()
    expect(validateUnsubscribe(input)).toEqual({ endpoint: input.endpoint, auth: input.keys.auth })
    expect(() => validateUnsubscribe({ endpoint: input.endpoint })).toThrow(AppError)
    expect(() => validateUnsubscribe({ keys: input.keys })).toThrow(AppError)
  })
})

describe('namedAreaPlaces', () => {
  it('gives a few rounded points spread inside each demo neighbourhood', () => {
    for (const area of jelgavaAreas) {
      const places = namedAreaPlaces(area.geometry)
      expect(places.length, area.name).toBeGreaterThanOrEqual(1)
      expect(places.length).toBeLessThanOrEqual(4)
      // accepted by the subscription validation as they are
      const valid = validateSubscription({ input: { ...good(), places }, boundary })
      expect(valid.places).toEqual(places)
    }
    // a larger area gets its samples spread out, not stacked in one spot
    const largest = jelgavaAreas.map((a) => namedAreaPlaces(a.geometry)).sort((a, b) => b.length - a.length)[0]
    expect(new Set(largest.map((p) => p.join(','))).size).toBe(largest.length)
  })
})
