import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { alertInputArb, fullAlertInput, jelgavaTerritory } from './cap-arbitraries.ts'
import { capSchemaErrors } from './cap-schema.test-support.ts'
import { escapeXml, toXml } from './to-xml.ts'
import type { CapAlert } from './types.ts'
import { validateAlert } from './validate-alert.ts'

const boundary = jelgavaTerritory.boundary

const CAP_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/

const fullAlert = (): CapAlert => validateAlert({ boundary, input: fullAlertInput() })

describe('toXml', () => {
  it('writes every element in schema order, times without milliseconds or Z, text escaped', async () => {
    const xml = toXml(fullAlert())
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">')).toBe(true)
    expect(xml).toContain('<sent>2026-11-22T11:30:00+02:00</sent>')
    expect(xml).not.toMatch(/\d\d:\d\d:\d\d(\.\d+|Z)/)
    expect(xml).toContain('<note>Mācības &lt;nav&gt; īsts &amp; &quot;brīdinājums&quot;</note>')
    expect(xml).toContain('<references>sargs@jelgava.lv,JELGAVA-2026-0000,2026-11-22T10:00:00+02:00</references>')
    expect(xml).toContain('<polygon>56.65,23.72 56.655,23.73 56.645,23.735 56.65,23.72</polygon>')
    expect(xml).toContain('<circle>56.652,23.725 0.5</circle>')
    expect(xml).toContain('<web>https://jelgava.example.lv/alerts/1?x=1&amp;y=2</web>')
    const order = ['identifier', 'sender', 'sent', 'status', 'msgType', 'source', 'scope', 'restriction', 'addresses', 'code', 'note', 'references', 'incidents', 'info']
    const positions = order.map((tag) => xml.indexOf(`<${tag}>`))
    expect(positions.every((p) => p > 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(await capSchemaErrors([xml])).toEqual([[]])
  })

  it('writes summer and winter times with the Riga offset', () => {
    const summer = toXml(validateAlert({ boundary, input: { ...minimalCancel(), sent: '2026-07-01T09:00:00Z' } }))
    expect(summer).toContain('<sent>2026-07-01T12:00:00+03:00</sent>')
    const winter = toXml(validateAlert({ boundary, input: { ...minimalCancel(), sent: '2026-01-01T23:30:00-00:00' } }))
    expect(winter).toContain('<sent>2026-01-02T01:30:00+02:00</sent>')
  })

  it('escapes markup and keeps carriage returns', () => {
    expect(escapeXml(`a<b>&"c"'\r`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;&#13;')
  })

  it('generated alerts serialise to XML that validates against the OASIS CAP 1.2 schema', async () => {
    const alerts = fc.sample(alertInputArb, 60).map((input) => validateAlert({ input, boundary }))
    const xmls = alerts.map(toXml)
    for (const xml of xmls) {
      for (const m of xml.matchAll(/<(sent|effective|onset|expires)>([^<]*)</g)) expect(m[2]).toMatch(CAP_TIME)
    }
    const errors = await capSchemaErrors(xmls)
    expect(errors.flat()).toEqual([])
  })

  it('the schema check does refuse what breaks the schema', async () => {
    const good = toXml(fullAlert())
    const [reordered, badTime, badEnum] = await capSchemaErrors([
      good.replace(/(<status>.*<\/status>\n)(\s*<msgType>.*<\/msgType>\n)/, '$2$1'),
      good.replace('<sent>2026-11-22T11:30:00+02:00</sent>', '<sent>2026-11-22T09:30:00.123Z</sent>'),
      good.replace('<status>Exercise</status>', '<status>Real</status>'),
    ])
    expect(reordered.length).toBeGreaterThan(0)
    expect(badTime.length).toBeGreaterThan(0)
    expect(badEnum.length).toBeGreaterThan(0)
  })
})

function minimalCancel() {
  return {
    identifier: 'X-2',
    sender: 'sargs@jelgava.lv',
    sent: '2026-11-22T09:30:00+02:00',
    status: 'Actual',
    msgType: 'Cancel',
    scope: 'Public',
    references: ['sargs@jelgava.lv,X-1,2026-11-22T09:00:00+02:00'],
  }
}
