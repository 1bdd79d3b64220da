import { describe, expect, it } from 'vitest'
import { escapeXml } from '#notify/cap/to-xml.ts'
import { createPhoneAckToken, ELLIPSIS, fitPhonePage, fitPhoneText, parsePhoneAck, PHONE_LIMITS } from './phone-page.ts'

const cisco = { vendor: 'cisco' as const, address: 'x', username: 'u', password: 'p' }

describe('fitPhoneText', () => {
  it('leaves a page that fits alone and reports no cut', () => {
    expect(fitPhoneText({ title: 'Plūdi', text: 'Dodieties uz augstāku vietu.' }, PHONE_LIMITS.cisco)).toEqual({
      title: 'Plūdi',
      text: 'Dodieties uz augstāku vietu.',
      cut: [],
    })
  })

  it('cuts a Cisco title to 32 characters with an ellipsis, at a word end, and says so', () => {
    const title = 'Ārkārtas situācija: plūdi Lielupes krastā un Jelgavas centrā'
    const fitted = fitPhonePage({ phone: cisco, title, text: 't' })
    expect([...fitted.title].length).toBeLessThanOrEqual(32)
    expect(fitted.title).toBe(`Ārkārtas situācija: plūdi${ELLIPSIS}`)
    expect(fitted.cut).toEqual([{ field: 'title', fromChars: [...title].length, toChars: 26, reason: 'title over 32 characters' }])
  })

  it('cuts Russian text by escaped UTF-8 bytes (2 bytes a letter), never inside a character', () => {
    const text = 'Внимание! Эвакуация. '.repeat(200)
    const fitted = fitPhoneText({ title: 'Т', text }, PHONE_LIMITS.cisco)
    const bytes = Buffer.byteLength(escapeXml(fitted.text))
    expect(bytes).toBeLessThanOrEqual(4000)
    expect(bytes).toBeGreaterThan(3900)
    expect(fitted.text.endsWith(ELLIPSIS)).toBe(true)
    expect(text.startsWith(fitted.text.slice(0, -1))).toBe(true)
    expect(fitted.cut).toEqual([expect.objectContaining({ field: 'text', reason: 'text over 4000 bytes' })])
  })

  it('counts what escaping adds (& becomes &amp;) and keeps surrogate pairs whole', () => {
    const fitted = fitPhoneText({ title: 't', text: '&'.repeat(100) }, { titleChars: 10, textBytes: 50 })
    expect(Buffer.byteLength(escapeXml(fitted.text))).toBeLessThanOrEqual(50)
    expect(fitted.text).toBe('&'.repeat(9) + ELLIPSIS)
    const emoji = fitPhoneText({ title: '🚨🚨🚨🚨', text: '' }, { titleChars: 3, textBytes: 10 })
    expect(emoji.title).toBe('🚨🚨' + ELLIPSIS)
  })

  it('drops control characters, folds CRLF and counts the envelope against the body limit', () => {
    const fitted = fitPhoneText({ title: 'a\u0007b\nc', text: 'x\r\ny\u0000' }, PHONE_LIMITS.yealink)
    expect(fitted).toEqual({ title: 'ab c', text: 'x\ny', cut: [] })
    const inBody = fitPhoneText({ title: 't', text: 'z'.repeat(100) }, { titleChars: 5, textBytes: 2048, bodyBytes: 60 }, () => 20)
    expect(inBody.text).toBe('z'.repeat(37) + ELLIPSIS)
    expect(inBody.cut[0].reason).toBe('request over 60 bytes')
  })
})

describe('phone ack tokens', () => {
  it('round-trips a delivery id and refuses a forged or malformed token', () => {
    const token = createPhoneAckToken('dlv_42', 'secret')
    expect(token).toMatch(/^dlv_42\.[A-Za-z0-9_-]{22}$/)
    expect(parsePhoneAck(token, 'secret')).toEqual({ ok: true, deliveryId: 'dlv_42' })
    expect(parsePhoneAck(token, 'other')).toEqual({ ok: false, reason: 'bad signature' })
    expect(parsePhoneAck(token.replace('dlv_42', 'dlv_43'), 'secret')).toEqual({ ok: false, reason: 'bad signature' })
    expect(parsePhoneAck('../etc', 'secret')).toEqual({ ok: false, reason: 'malformed' })
    expect(() => createPhoneAckToken('a/b', 'secret')).toThrow()
  })
})
