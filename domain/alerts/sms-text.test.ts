// The SMS the composer shows is the SMS the dispatcher sends: the same renderer and encoder, the
// operator's own text (SARGS_SMS) instead of headline + instruction, the exercise marking in
// front, the link only on the default text, and the encoding, part count and characters left.
import { describe, expect, it } from 'vitest'
import { renderSms } from '#notify/dispatch/render-sms.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { parseComposerChannels } from './composer-fields.ts'
import { SMS_TEXT_PARAMETER, smsDefaultBody, smsTextParameters, smsTextPreview } from './sms-text.ts'

const lv = { language: 'lv-LV', headline: 'Plūdu draudi: Centrs', instruction: 'Pārvietojiet dokumentus augstāk.' }
const en = { language: 'en-GB', headline: 'Flood risk: Centrs', instruction: 'Move documents upstairs.' }

describe('smsTextPreview', () => {
  it('the default text is the headline and what to do; its encoding is GSM-7 when every character allows it', () => {
    const sms = smsTextPreview({ status: 'Actual', identifier: 'x', info: en })
    expect(sms).toEqual({
      language: 'en',
      text: 'Flood risk: Centrs\nMove documents upstairs.',
      custom: false,
      tooManyParts: false,
      encoding: 'GSM-7',
      units: 43,
      parts: 1,
      perPart: 160,
      charactersLeftInLastPart: 117,
      nonGsmCharacters: [],
    })
  })

  it('one Latvian letter makes it UCS-2, and the preview names the letters that did', () => {
    const sms = smsTextPreview({ status: 'Actual', identifier: 'x', info: lv })
    expect(sms.encoding).toBe('UCS-2')
    expect(sms.nonGsmCharacters).toEqual(['ū', 'ā'])
    expect(sms.text.length).toBe(53)
    expect(sms).toMatchObject({ parts: 1, perPart: 70, charactersLeftInLastPart: 17 })
  })

  it("the operator's text replaces the default, with the exercise marking in front and no link", () => {
    const info = { ...lv, parameter: smsTextParameters('  Plūdi Centrā. Dokumentus augstāk.  ') }
    const sms = smsTextPreview({ status: 'Exercise', identifier: 'sargs:jelgava:1', info, baseUrl: 'https://sargs.example' })
    expect(sms).toMatchObject({ custom: true, text: 'MĀCĪBAS: Plūdi Centrā. Dokumentus augstāk.', encoding: 'UCS-2', parts: 1 })
  })

  it('the default text links to the public page of the alert when the dispatcher has a base URL', () => {
    const sms = smsTextPreview({ status: 'Actual', identifier: 'sargs:jelgava:20261204T141000:00000000', info: en, baseUrl: 'https://sargs.example/' })
    expect(sms.text).toBe('Flood risk: Centrs\nMove documents upstairs.\nhttps://sargs.example/alerts/sargs%3Ajelgava%3A20261204T141000%3A00000000')
  })

  it('agrees with what the dispatcher renders for a subscriber', () => {
    const alert = { status: 'Test', identifier: 'id-1', info: [{ ...en, parameter: smsTextParameters('Short.') }, lv] } as unknown as CapAlert
    for (const [languages, info] of [[['en'], alert.info[0]], [['lv'], alert.info[1]]] as const) {
      expect(smsTextPreview({ status: 'Test', identifier: 'id-1', info }).text).toBe(renderSms(alert, languages, {}).text)
    }
    expect(renderSms(alert, ['en']).text).toBe('TEST: Short.')
  })

  it('warns past three parts and counts the parts as they are sent', () => {
    const long = { language: 'ru-RU', headline: 'Угроза наводнения', instruction: 'Переместите документы и ценности выше. '.repeat(6) }
    const sms = smsTextPreview({ status: 'Actual', identifier: 'x', info: long })
    expect(sms.encoding).toBe('UCS-2')
    expect(sms.parts).toBe(Math.ceil(sms.units / 67))
    expect(sms.parts).toBeGreaterThan(3)
    expect(sms.tooManyParts).toBe(true)
    expect(sms.charactersLeftInLastPart).toBe(sms.parts * 67 - sms.units)
  })
})

describe('SMS text helpers', () => {
  it('the placeholder is the default text without marking or link; the event stands in for a missing headline', () => {
    expect(smsDefaultBody(en)).toBe('Flood risk: Centrs\nMove documents upstairs.')
    expect(smsDefaultBody({ language: 'lv-LV', event: 'Plūdi', headline: '', instruction: '' })).toBe('Plūdi')
  })

  it('an empty SMS text is no parameter', () => {
    expect(smsTextParameters('  ')).toEqual([])
    expect(smsTextParameters(undefined)).toEqual([])
    expect(smsTextParameters(' Īsi. ')).toEqual([{ valueName: SMS_TEXT_PARAMETER, value: 'Īsi.' }])
    expect(SMS_TEXT_PARAMETER).toBe('SARGS_SMS')
  })
})

describe('parseComposerChannels', () => {
  it('keeps the known channels in the list order, once each', () => {
    expect(parseComposerChannels(['sms', 'webpush', 'sms'])).toEqual({ channels: ['webpush', 'sms'], error: null })
    expect(parseComposerChannels('sms')).toEqual({ channels: ['sms'], error: null })
  })

  it('refuses none and unknown names', () => {
    expect(parseComposerChannels(undefined)).toEqual({ channels: [], error: 'alerts:errors.channelRequired' })
    expect(parseComposerChannels([])).toEqual({ channels: [], error: 'alerts:errors.channelRequired' })
    expect(parseComposerChannels(['webpush', 'fax'])).toEqual({ channels: [], error: 'alerts:errors.channelUnknown' })
    expect(parseComposerChannels([''])).toEqual({ channels: [], error: 'alerts:errors.channelUnknown' })
    expect(parseComposerChannels([42])).toEqual({ channels: [], error: 'alerts:errors.channelUnknown' })
  })
})
