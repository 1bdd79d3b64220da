// Reliability matrix row 28 (hostile uploads) for CAP XML, and the round trip
// toXml → parseCapXml → validateAlert → toXml.
import { createServer } from 'node:http'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAppError } from '#domain/errors.ts'
import { alertInputArb, fullAlertInput, jelgavaTerritory } from './cap-arbitraries.ts'
import { parseCapXml, readCapXml, readLimitedBody } from './parse-xml.ts'
import { toXml } from './to-xml.ts'
import { capErrors } from './types.ts'
import { validateAlert } from './validate-alert.ts'

const boundary = jelgavaTerritory.boundary

function refusal(body: string | Uint8Array): Record<string, string> {
  try {
    parseCapXml({ body })
  } catch (error) {
    if (!isAppError(error)) throw error
    expect(error.code).toBe('INVALID_INPUT')
    return error.fields ?? {}
  }
  throw new Error('accepted')
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>`

const externalEntity = (uri: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE alert [ <!ENTITY xxe SYSTEM "${uri}"> ]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>`

describe('parseCapXml: hostile documents', () => {
  it('refuses entity bombs and external entities quickly, with memory flat and nothing fetched', async () => {
    // a server the external entities point at: it must never be asked for anything
    let fetched = 0
    const server = createServer((_req, res) => {
      fetched++
      res.end('secret')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const hostile = [
        billionLaughs,
        externalEntity('file:///etc/passwd'),
        externalEntity(`http://127.0.0.1:${port}/evil.dtd`),
        `<!DOCTYPE alert SYSTEM "http://127.0.0.1:${port}/cap.dtd"><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`,
        `<?xml version="1.0"?><!doctype alert [<!ENTITY % p SYSTEM "http://127.0.0.1:${port}/p">%p;]><alert/>`,
        `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note><!ENTITY x "y"></note></alert>`,
      ]
      global.gc?.()
      const heapBefore = process.memoryUsage().heapUsed
      const started = performance.now()
      for (let round = 0; round < 200; round++) {
        for (const doc of hostile) expect(refusal(doc)).toEqual({ xml: capErrors.xmlDoctype })
      }
      const perDocMs = (performance.now() - started) / (200 * hostile.length)
      const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6
      expect(perDocMs).toBeLessThan(5)
      expect(grownMb).toBeLessThan(30)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(fetched).toBe(0)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('never expands an entity reference it was not given (undefined entities are malformed)', () => {
    expect(refusal('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>')).toEqual({
      xml: capErrors.xmlMalformed,
    })
  })

  it('refuses a 50 MB body before parsing, as text or bytes', () => {
    const huge = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>${'a'.repeat(50 * 1024 * 1024)}</note></alert>`
    let started = performance.now()
    expect(refusal(huge)).toEqual({ xml: capErrors.xmlTooLarge })
    expect(performance.now() - started).toBeLessThan(50)
    const bytes = new Uint8Array(50 * 1024 * 1024)
    started = performance.now()
    expect(refusal(bytes)).toEqual({ xml: capErrors.xmlTooLarge })
    expect(performance.now() - started).toBeLessThan(50)
    // multi-byte text: under the limit in characters, over it in bytes
    expect(refusal(`<alert>${'ž'.repeat(600_000)}</alert>`)).toEqual({ xml: capErrors.xmlTooLarge })
  })

  it('stops reading a request body at the limit without buffering the rest', async () => {
    let pulled = 0
    const chunk = new Uint8Array(64 * 1024)
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        if (pulled > 800) controller.close() // 50 MB
        else controller.enqueue(chunk)
      },
    })
    const request = new Request('http://127.0.0.1/api/cap', { method: 'POST', body: stream, duplex: 'half' } as RequestInit)
    await expect(readLimitedBody(request)).rejects.toMatchObject({ code: 'INVALID_INPUT', fields: { xml: capErrors.xmlTooLarge } })
    expect(pulled).toBeLessThan(40)
    const declared = new Request('http://127.0.0.1/api/cap', { method: 'POST', body: 'x', headers: { 'content-length': String(50 * 1024 * 1024) } })
    await expect(readLimitedBody(declared)).rejects.toMatchObject({ fields: { xml: capErrors.xmlTooLarge } })
    const small = new Request('http://127.0.0.1/api/cap', { method: 'POST', body: 'žžž' })
    expect(new TextDecoder().decode(await readLimitedBody(small))).toBe('žžž')
  })

  it('refuses deep nesting, malformed XML, other encodings and documents that are not CAP', () => {
    const deep = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<note>'.repeat(100_000)}</alert>`
    const started = performance.now()
    expect(refusal(deep)).toEqual({ xml: capErrors.xmlTooDeep })
    expect(performance.now() - started).toBeLessThan(500)
    expect(refusal('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</alert>')).toEqual({ xml: capErrors.xmlMalformed })
    expect(refusal('not xml at all')).toEqual({ xml: capErrors.xmlMalformed })
    expect(refusal('')).toEqual({ xml: capErrors.xmlMalformed })
    expect(refusal(new Uint8Array([0x3c, 0x61, 0xff, 0x3e]))).toEqual({ xml: capErrors.xmlMalformed })
    expect(refusal('<?xml version="1.0" encoding="ISO-8859-1"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>')).toEqual({
      xml: capErrors.xmlMalformed,
    })
    expect(refusal('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>')).toEqual({ xml: capErrors.xmlNotCap })
    expect(refusal('<feed xmlns="http://www.w3.org/2005/Atom"/>')).toEqual({ xml: capErrors.xmlNotCap })
  })

  it('names unexpected and repeated elements by path', () => {
    const xml = toXml(validateAlert({ boundary, input: fullAlertInput() }))
    expect(refusal(xml.replace('<note>', '<colour>red</colour><note>'))).toEqual({ colour: capErrors.xmlUnexpectedElement })
    expect(refusal(xml.replace('<sender>', '<identifier>again</identifier><sender>'))).toEqual({ identifier: capErrors.xmlRepeatedElement })
    expect(refusal(xml.replace('<areaDesc>', '<x:foo xmlns:x="urn:other">1</x:foo><areaDesc>'))).toEqual({
      'info.0.area.0.foo': capErrors.xmlUnexpectedElement,
    })
    expect(refusal(xml.replace('<event>Plūdi</event>', '<event><b>Plūdi</b></event>'))).toEqual({ 'info.0.event.b': capErrors.xmlUnexpectedElement })
  })
})

describe('parseCapXml: CAP documents', () => {
  it('round-trips generated alerts: toXml → parse → validate → toXml gives the same document', () => {
    fc.assert(
      fc.property(alertInputArb, (input) => {
        const alert = validateAlert({ input, boundary })
        const xml = toXml(alert)
        const again = readCapXml({ body: Buffer.from(xml, 'utf8'), boundary })
        expect(again).toEqual(alert)
        expect(toXml(again)).toBe(xml)
      }),
      { numRuns: 100 },
    )
  })

  it('answers damaged documents (cut, bytes changed, markup inserted) with INVALID_INPUT or an alert, never anything else', () => {
    const xml = Buffer.from(toXml(validateAlert({ boundary, input: fullAlertInput() })), 'utf8')
    const damage = fc.oneof(
      fc.nat().map((n) => (b: Buffer) => b.subarray(0, n % b.length)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => (b: Buffer) => {
        const copy = Buffer.from(b)
        for (const [at, byte] of flips) copy[at % copy.length] = byte
        return copy
      }),
      fc.tuple(fc.nat(), fc.constantFrom('<', '&', ']]>', '<![CDATA[', '<?pi x?>', '<!-- c -->', '&#0;', '&#xD800;', '</info>', '<info>')).map(
        ([at, text]) => (b: Buffer) => Buffer.concat([b.subarray(0, at % b.length), Buffer.from(text), b.subarray(at % b.length)]),
      ),
    )
    fc.assert(
      fc.property(damage, (apply) => {
        try {
          readCapXml({ body: apply(xml), boundary })
        } catch (error) {
          expect(isAppError(error) && error.code).toBe('INVALID_INPUT')
        }
      }),
      { numRuns: 400 },
    )
  })

  it('round-trips the alert that uses every element, with an XML signature ignored', () => {
    const alert = validateAlert({ boundary, input: fullAlertInput() })
    const xml = toXml(alert)
    expect(readCapXml({ body: xml, boundary })).toEqual(alert)
    const signed = xml.replace('</alert>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature></alert>')
    expect(readCapXml({ body: signed, boundary })).toEqual(alert)
  })

  it('reads a foreign producer’s style (prefixes, CDATA, character references, UTC as -00:00) and reports rule errors per field', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">
  <cap:identifier>LVGMC-2026-11-22-001</cap:identifier>
  <cap:sender>lvgmc.lv</cap:sender>
  <cap:sent>2026-11-22T08:00:00-00:00</cap:sent>
  <cap:status>Actual</cap:status>
  <cap:msgType>Alert</cap:msgType>
  <cap:scope>Public</cap:scope>
  <cap:info>
    <cap:language>lv</cap:language>
    <cap:category>Met</cap:category>
    <cap:event>Stiprs v&#x113;j&#353;</cap:event>
    <cap:urgency>Expected</cap:urgency>
    <cap:severity>Moderate</cap:severity>
    <cap:certainty>Likely</cap:certainty>
    <cap:expires>2026-11-23T08:00:00-00:00</cap:expires>
    <cap:headline>Dzeltenais brīdinājums</cap:headline>
    <cap:description><![CDATA[Vēja brāzmas <līdz> 20 m/s & vairāk]]></cap:description>
    <cap:area><cap:areaDesc>Jelgava</cap:areaDesc><cap:circle>56.65,23.72 2</cap:circle></cap:area>
  </cap:info>
</cap:alert>`
    const alert = readCapXml({ body: xml, boundary })
    expect(alert.sent).toBe('2026-11-22T10:00:00+02:00')
    expect(alert.info[0].event).toBe('Stiprs vējš')
    expect(alert.info[0].description).toBe('Vēja brāzmas <līdz> 20 m/s & vairāk')
    try {
      readCapXml({ body: xml.replace('LVGMC-2026-11-22-001', 'LVGMC 2026,001').replace('2026-11-23T08:00:00-00:00', '2026-11-21T08:00:00'), boundary })
      throw new Error('accepted')
    } catch (error) {
      expect(isAppError(error) && error.fields).toEqual({ identifier: capErrors.identifierInvalid, 'info.0.expires': capErrors.timeZoneMissing })
    }
  })
})
