import { describe, expect, it } from 'vitest'
import type { CapAlert } from '#notify/cap/types.ts'
import { pickInfo } from '#notify/cap/languages.ts'
import { pushTopic, pushTtlSeconds, pushUrgency, renderPushPayload, type PushPayload } from './render-push.ts'

const info = (language: string, headline: string, description = 'Apraksts') =>
  ({ language, headline, description, instruction: 'Rīkojieties', event: 'Vētra', severity: 'Severe', urgency: 'Expected', category: [], responseType: [], certainty: 'Likely', eventCode: [], parameter: [], resource: [], area: [] }) as unknown as CapAlert['info'][number]
const alert = (infos: CapAlert['info'], extra: Partial<CapAlert> = {}) =>
  ({ identifier: 'urn:sargs:1', sender: 's', sent: '2026-11-22T10:00:00+02:00', status: 'Actual', msgType: 'Alert', scope: 'Public', code: [], references: [], info: infos, ...extra }) as CapAlert

describe('render push', () => {
  it('picks the language, falling back to lv, then en, then the first', () => {
    const a = alert([info('en-GB', 'Storm'), info('lv-LV', 'Vētra'), info('ru-RU', 'Шторм')])
    expect(pickInfo(a, ['ru'])?.headline).toBe('Шторм')
    expect(pickInfo(a, ['de'])?.headline).toBe('Vētra')
    expect(pickInfo(alert([info('en-GB', 'Storm'), info('ru-RU', 'Шторм')]), ['de'])?.headline).toBe('Storm')
    expect(pickInfo(alert([info('ru-RU', 'Шторм')]), ['de'])?.headline).toBe('Шторм')
  })

  it('an exercise or test carries its marking in the headline in the reader\'s language; a real alert none (decision 006)', () => {
    const infos = [info('lv-LV', 'Vētra'), info('en-GB', 'Storm'), info('ru-RU', 'Шторм')]
    const headline = (status: CapAlert['status'], lang: string) => (JSON.parse(renderPushPayload(alert(infos, { status }), [lang], 3993)) as PushPayload).headline
    expect(['lv', 'en', 'ru'].map((l) => headline('Exercise', l))).toEqual(['MĀCĪBAS: Vētra', 'EXERCISE: Storm', 'УЧЕНИЯ: Шторм'])
    expect(['lv', 'en', 'ru'].map((l) => headline('Test', l))).toEqual(['TESTS: Vētra', 'TEST: Storm', 'ТЕСТ: Шторм'])
    expect(['lv', 'en', 'ru'].map((l) => headline('Actual', l))).toEqual(['Vētra', 'Storm', 'Шторм'])
  })

  it('shortens the description so the payload fits, keeping valid UTF-8 JSON', () => {
    const a = alert([info('lv-LV', 'Vētra', 'ļ'.repeat(5000))])
    const text = renderPushPayload(a, ['lv'], 3993)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(3993)
    const payload = JSON.parse(text) as PushPayload
    expect(payload.headline).toBe('Vētra')
    expect(payload.description.endsWith('…')).toBe(true)
    expect(payload.description.length).toBeGreaterThan(1500)
  })

  it('gives an update the topic of the alert it updates; urgency high for Severe and Extreme', () => {
    const original = alert([])
    const update = alert([], { identifier: 'urn:sargs:2', msgType: 'Update', references: [{ sender: 's', identifier: 'urn:sargs:1', sent: original.sent }] })
    expect(pushTopic(update)).toBe(pushTopic(original))
    // the payload's notification tag is the same, so the update replaces the notification on the device
    const tagOf = (a: CapAlert) => (JSON.parse(renderPushPayload(a, ['lv'], 3993)) as PushPayload).tag
    expect(tagOf(update)).toBe(tagOf(original))
    expect(tagOf(original)).toBe(pushTopic(original))
    expect(pushTopic(original)).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(pushTopic(alert([], { identifier: 'urn:sargs:3' }))).not.toBe(pushTopic(original))
    expect([pushUrgency('Extreme'), pushUrgency('Severe'), pushUrgency('Moderate')]).toEqual(['high', 'high', 'normal'])
  })

  it('TTL runs until the alert expires, at least a minute, a day when no expiry is given', () => {
    const now = Date.parse('2026-11-22T08:00:00Z')
    const withExpiry = alert([{ ...info('lv-LV', 'x'), expires: '2026-11-22T12:00:00+02:00' }])
    expect(pushTtlSeconds(withExpiry, now)).toBe(7200)
    expect(pushTtlSeconds(withExpiry, now + 10 * 3600_000)).toBe(60)
    expect(pushTtlSeconds(alert([info('lv-LV', 'x')]), now)).toBe(86_400)
  })
})
