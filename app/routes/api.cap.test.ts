// POST /api/cap (CAP in) called with real Requests against the test database (PGlite and
// PostgreSQL): bearer tokens (401/403), token mode issue vs draft, idempotency, every 422 reason,
// hostile XML (entity bomb, external entity, 50 MB bodies read no further than the limit), 413,
// 415, the per-token rate limit and the audit rows.
import type { AppLoadContext } from '@remix-run/node'
import { beforeAll, beforeEach, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { setRuntime } from '#domain/runtime.ts'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { createApiToken } from '#domain/api-tokens/create-api-token.ts'
import { revokeApiToken } from '#domain/api-tokens/revoke-api-token.ts'
import { CAP_IN_LIMIT } from '#domain/api-tokens/cap-in-limits.ts'
import { cliActor } from '#domain/auth/actor.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import { capXmlLimits } from '#notify/cap/parse-xml.ts'
import { listen } from '#tests/support/http.ts'
import * as route from './api.cap.ts'

const ORIGIN = 'http://127.0.0.1:3000'
const H = 3600_000
const INSIDE = '56.65,23.72 56.655,23.73 56.645,23.735 56.65,23.72'
const OUTSIDE = '56.95,24.10 56.96,24.12 56.94,24.13 56.95,24.10' // Riga

type Cap = {
  identifier?: string
  sender?: string
  sent?: string
  status?: string
  msgType?: string
  references?: string
  urgency?: string
  expires?: string
  polygon?: string | null
  circle?: string | null
  headline?: string
}

const sentAt = (ms: number) => formatCapTime(ms)

function capXml(c: Cap = {}): string {
  const now = Date.now()
  const o = { identifier: 'LVGMC-2026-0001', sender: 'cap@meteo.lv', sent: sentAt(now - 60_000), status: 'Actual', msgType: 'Alert', urgency: 'Expected', expires: sentAt(now + 6 * H), polygon: INSIDE as string | null, circle: null as string | null, headline: 'Stiprs vējš Jelgavā', ...c }
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${o.identifier}</identifier>
  <sender>${o.sender}</sender>
  <sent>${o.sent}</sent>
  <status>${o.status}</status>
  <msgType>${o.msgType}</msgType>
  <scope>Public</scope>
  ${o.references ? `<references>${o.references}</references>` : ''}
  <info>
    <language>lv-LV</language>
    <category>Met</category>
    <event>Stiprs vējš</event>
    <urgency>${o.urgency}</urgency>
    <severity>Moderate</severity>
    <certainty>Likely</certainty>
    <expires>${o.expires}</expires>
    <senderName>LVĢMC</senderName>
    <headline>${o.headline}</headline>
    <description>Brāzmās līdz 25 m/s.</description>
    <area>
      <areaDesc>Jelgava</areaDesc>
      ${o.polygon ? `<polygon>${o.polygon}</polygon>` : ''}
      ${o.circle ? `<circle>${o.circle}</circle>` : ''}
    </area>
  </info>
  <info>
    <language>en-GB</language>
    <category>Met</category>
    <event>Strong wind</event>
    <urgency>${o.urgency}</urgency>
    <severity>Moderate</severity>
    <certainty>Likely</certainty>
    <expires>${o.expires}</expires>
    <headline>Strong wind in Jelgava</headline>
    <description>Gusts up to 25 m/s.</description>
    <area>
      <areaDesc>Jelgava</areaDesc>
      ${o.polygon ? `<polygon>${o.polygon}</polygon>` : ''}
      ${o.circle ? `<circle>${o.circle}</circle>` : ''}
    </area>
  </info>
</alert>`
}

type Json = Record<string, unknown> & { fields?: Record<string, { key: string; message: string }> }

describeEachBackend('POST /api/cap', (backend) => {
  const db = useTestDatabase(backend)
  let issueSecret = ''
  let draftSecret = ''
  let n = 0
  const uid = (prefix: string) => `${prefix}-${backend}-${++n}`

  beforeAll(async () => {
    const prisma = db().prisma
    setRuntime({ prisma })
    await prisma.territory.create({ data: { slug: 'jelgava', name: 'Jelgava', boundary: jelgavaTerritory.boundary } })
    issueSecret = (await createApiToken({ prisma, actor: cliActor, name: 'meteo-issue', scopes: ['alerts:issue'], capMode: 'ISSUE' })).secret
    draftSecret = (await createApiToken({ prisma, actor: cliActor, name: 'meteo-draft', scopes: ['alerts:issue'], capMode: 'DRAFT' })).secret
  }, 120_000)
  beforeEach(async () => {
    // the per-token limit is tested on its own token
    await db().prisma.rateLimitBucket.deleteMany({})
  })

  const context: AppLoadContext = { nonce: 'n', clientIp: '192.0.2.7', publicConfig: { mapStyleUrl: null }, publicUrl: 'https://sargs.jelgava.example' }

  async function post(body: BodyInit | null, options: { secret?: string | null; headers?: Record<string, string> } = {}) {
    const secret = options.secret === undefined ? issueSecret : options.secret
    const headers: Record<string, string> = { 'Content-Type': 'application/cap+xml', ...(secret ? { Authorization: `Bearer ${secret}` } : {}), ...options.headers }
    const request = new Request(`${ORIGIN}/api/cap`, { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit)
    const response = await route.action({ request, context, params: {} })
    return { response, json: (await response.json()) as Json }
  }

  it('401 without a token, with a malformed, unknown or revoked one; WWW-Authenticate: Bearer', async () => {
    const none = await post(capXml(), { secret: null })
    expect(none.response.status).toBe(401)
    expect(none.response.headers.get('www-authenticate')).toBe('Bearer realm="sargs"')
    const revoked = await createApiToken({ prisma: db().prisma, actor: cliActor, name: uid('revoked'), scopes: ['alerts:issue'], capMode: 'ISSUE' })
    await revokeApiToken({ prisma: db().prisma, actor: cliActor, name: revoked.name })
    for (const authorization of ['Bearer nonsense', `Bearer ${issueSecret.slice(0, -1)}x`, `Bearer ${revoked.secret}`, `Basic ${btoa('a:b')}`, issueSecret, 'Bearer ']) {
      const r = await post(capXml(), { secret: null, headers: { Authorization: authorization } })
      expect(r.response.status, authorization).toBe(401)
      expect(r.response.headers.get('www-authenticate')).toBe('Bearer realm="sargs", error="invalid_token"')
      expect(r.json.error).toBe('invalid_token')
    }
    expect(await db().prisma.alert.count()).toBe(0)
  })

  it('403 for a token without the scope alerts:issue', async () => {
    const prisma = db().prisma
    const other = await createApiToken({ prisma, actor: cliActor, name: uid('reader'), scopes: ['alerts:issue'] })
    await prisma.apiToken.update({ where: { id: other.id }, data: { scopes: ['feeds:read'] } })
    const r = await post(capXml(), { secret: other.secret })
    expect(r.response.status).toBe(403)
    expect(r.response.headers.get('www-authenticate')).toBe('Bearer realm="sargs", error="insufficient_scope", scope="alerts:issue"')
  })

  it('token mode issue: 201 with the alert and Location; the same message again is 200 and the same alert; another with that identifier is 409', async () => {
    const prisma = db().prisma
    const identifier = uid('ISSUE')
    const xml = capXml({ identifier })
    const first = await post(xml)
    expect(first.response.status).toBe(201)
    expect(first.json).toMatchObject({ kind: 'alert', identifier, status: 'Actual', scope: 'Public', created: true })
    expect(first.response.headers.get('location')).toBe(`https://sargs.jelgava.example/feeds/cap/${identifier}.xml`)
    const alert = await prisma.alert.findUniqueOrThrow({ where: { id: first.json.id as string } })
    expect(alert).toMatchObject({ identifier, status: 'Actual', msgType: 'Alert', createdById: null })
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'alert.issued', entityId: alert.id } })
    expect(audit.actorLabel).toBe('token:meteo-issue')
    expect(audit.ip).toBe('192.0.2.7')
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { name: 'meteo-issue' } })).lastUsedAt).toBeInstanceOf(Date)

    const again = await post(xml)
    expect(again.response.status).toBe(200)
    expect(again.json).toMatchObject({ kind: 'alert', id: alert.id, created: false })
    expect(await prisma.alert.count({ where: { identifier } })).toBe(1)
    // the same identifier with other content: refused, not a second alert
    const other = await post(capXml({ identifier, headline: 'Cits teksts' }))
    expect(other.response.status).toBe(409)
    expect(other.json.fields?.identifier.key).toBe('alerts:errors.identifierTaken')

    // an Update that refers to it supersedes it; resent, the same Update
    const ref = `${alert.payload && (alert.payload as { sender: string }).sender},${identifier},${(alert.payload as { sent: string }).sent}`
    const updateSent = sentAt(Date.now())
    const update = capXml({ identifier: uid('UPD'), msgType: 'Update', references: ref, sent: updateSent })
    const u1 = await post(update)
    expect(u1.response.status).toBe(201)
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).supersededById).toBe(u1.json.id)
    const cancel = capXml({ identifier: uid('CAN'), msgType: 'Cancel', references: `${(alert.payload as { sender: string }).sender},${u1.json.identifier as string},${updateSent}`, sent: sentAt(Date.now() + 1000) })
    const c1 = await post(cancel)
    expect(c1.response.status, JSON.stringify(c1.json)).toBe(201)
    const c2 = await post(cancel)
    expect(c2.response.status).toBe(200)
    expect(c2.json.id).toBe(c1.json.id)
  })

  it('token mode draft: 201 with an AlertDraft (source CAP_API, state DRAFT) for an operator; resent, the same draft', async () => {
    const prisma = db().prisma
    const identifier = uid('DRAFT')
    const xml = capXml({ identifier })
    const events: { room: string; type: string; payload: unknown }[] = []
    setRuntime({ prisma, realtime: { publish: async (room, type, payload) => (events.push({ room, type, payload }), BigInt(events.length)) } })
    const first = await post(xml, { secret: draftSecret }).finally(() => setRuntime({ prisma }))
    expect(first.response.status).toBe(201)
    expect(first.json).toMatchObject({ kind: 'draft', identifier, created: true, reason: 'tokenMode' })
    expect(first.response.headers.get('location')).toBe(`https://sargs.jelgava.example/alerts/drafts/${first.json.id as string}`)
    const draft = await prisma.alertDraft.findUniqueOrThrow({ where: { id: first.json.id as string } })
    const token = await prisma.apiToken.findUniqueOrThrow({ where: { name: 'meteo-draft' } })
    expect(draft).toMatchObject({ source: 'CAP_API', state: 'DRAFT', apiTokenId: token.id, alertId: null })
    expect((draft.payload as { identifier: string; info: unknown[] }).identifier).toBe(identifier)
    expect((draft.payload as { info: unknown[] }).info).toHaveLength(2)
    expect(await prisma.alert.count({ where: { identifier } })).toBe(0)
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'alert-draft.received', entityId: draft.id } })
    expect(audit.actorLabel).toBe('token:meteo-draft')
    expect(audit.data).toMatchObject({ source: 'CAP_API', identifier, reason: 'tokenMode' })
    // staff screens on the territory room hear of it
    const territory = await prisma.territory.findFirstOrThrow()
    expect(events).toEqual([{ room: `territory:${territory.id}`, type: 'draft.received', payload: expect.objectContaining({ id: draft.id, source: 'CAP_API', identifier }) }])

    const again = await post(xml, { secret: draftSecret })
    expect(again.response.status).toBe(200)
    expect(again.json).toMatchObject({ kind: 'draft', id: draft.id, created: false })
    expect(await prisma.alertDraft.count({ where: { source: 'CAP_API', idempotencyKey: draft.idempotencyKey } })).toBe(1)
    expect((await post(capXml({ identifier, headline: 'Labots' }), { secret: draftSecret })).response.status).toBe(409)
  })

  it('the same message sent twice at once (a retry racing the original) makes one alert or one draft', async () => {
    const prisma = db().prisma
    for (const secret of [issueSecret, draftSecret]) {
      const identifier = uid('RACE')
      const xml = capXml({ identifier })
      const answers = await Promise.all([post(xml, { secret }), post(xml, { secret }), post(xml, { secret })])
      expect(answers.map((a) => a.response.status).sort()).toEqual([200, 200, 201])
      expect(new Set(answers.map((a) => a.json.id)).size).toBe(1)
      const alerts = await prisma.alert.count({ where: { identifier } })
      const drafts = await prisma.alertDraft.count({ where: { payload: { path: ['identifier'], equals: identifier } } })
      expect(alerts + drafts).toBe(1)
    }
  })

  it('token mode issue while approval is required: kept as a draft, not issued', async () => {
    const prisma = db().prisma
    await prisma.setting.upsert({ where: { key: 'alerts.requireApproval' }, create: { key: 'alerts.requireApproval', value: true }, update: { value: true } })
    try {
      const identifier = uid('APPROVAL')
      const r = await post(capXml({ identifier }))
      expect(r.response.status).toBe(201)
      expect(r.json).toMatchObject({ kind: 'draft', reason: 'approvalRequired' })
      expect(await prisma.alert.count({ where: { identifier } })).toBe(0)
    } finally {
      await prisma.setting.delete({ where: { key: 'alerts.requireApproval' } })
    }
  })

  it.each([
    ['identifier with a space', { identifier: 'LVGMC 1' }, 'identifier', 'alerts:errors.identifierInvalid'],
    ['identifier with a comma', { identifier: 'LVGMC,1' }, 'identifier', 'alerts:errors.identifierInvalid'],
    ['Update without references', { msgType: 'Update' }, 'references', 'alerts:errors.referencesRequired'],
    ['Cancel without references', { msgType: 'Cancel' }, 'references', 'alerts:errors.referencesRequired'],
    ['Update with an unknown reference', { msgType: 'Update', references: 'x@meteo.lv,NO-SUCH-ALERT,2026-01-01T10:00:00+02:00' }, 'references.0', 'alerts:errors.referenceUnknown'],
    ['expires before sent', { expires: '2020-01-01T00:00:00+02:00' }, 'info.0.expires', 'alerts:errors.expiresBeforeSent'],
    ['a polygon that is not closed', { polygon: '56.65,23.72 56.655,23.73 56.645,23.735 56.66,23.72' }, 'info.0.area.0.polygon.0', 'incidents:errors.areaNotClosed'],
    ['a self-crossing polygon', { polygon: '56.64,23.70 56.66,23.74 56.64,23.74 56.66,23.70 56.64,23.70' }, 'info.0.area.0.polygon.0', 'incidents:errors.areaSelfIntersecting'],
    ['a circle without radius', { polygon: null, circle: '56.65,23.72' }, 'info.0.area.0.circle.0', 'alerts:errors.circleFormat'],
    ['an area outside the territory', { polygon: OUTSIDE }, 'info.0.area.0.polygon.0', 'incidents:errors.areaOutsideTerritory'],
    ['an unknown urgency', { urgency: 'Soon' }, 'info.0.urgency', 'alerts:errors.unknownValue'],
    ['an unknown msgType', { msgType: 'Warning' }, 'msgType', 'alerts:errors.unknownValue'],
    ['an unknown status', { status: 'Real' }, 'status', 'alerts:errors.unknownValue'],
    ['a System message', { status: 'System' }, 'status', 'alerts:errors.unknownValue'],
    ['a time without zone', { sent: '2026-11-22T10:00:00' }, 'sent', 'alerts:errors.timeZoneMissing'],
  ] as [string, Cap, string, string][])('422 for %s, naming the field', async (_name, cap, field, key) => {
    const identifier = cap.identifier ?? uid('BAD')
    const r = await post(capXml({ ...cap, identifier }))
    expect(r.response.status, JSON.stringify(r.json)).toBe(422)
    expect(r.json.error).toBe('invalid_cap')
    expect(r.json.fields?.[field], JSON.stringify(r.json.fields)).toEqual({ key, message: expect.any(String) })
    expect(r.json.fields?.[field].message).not.toBe(key) // an English text for people
    // nothing queued, nothing kept
    expect(await db().prisma.alert.count({ where: { identifier } })).toBe(0)
    expect(await db().prisma.alertDraft.count({ where: { payload: { path: ['identifier'], equals: identifier } } })).toBe(0)
    const refused = await db().prisma.auditLog.findFirst({ where: { action: 'cap.refused' }, orderBy: { seq: 'desc' } })
    expect(refused?.actorLabel).toBe('token:meteo-issue')
    expect((refused?.data as { fields: Record<string, string> }).fields[field]).toBe(key)
  })

  it('hostile XML: an entity bomb and an external entity are refused before parsing, nothing is read from outside', async () => {
    // a server the external entities point at: it must never be asked
    const asked: string[] = []
    const outside = await listen((req, res) => {
      asked.push(req.url ?? '')
      res.end('<!ENTITY leak "leaked">')
    })
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE alert [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  ${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('\n  ')}
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&j;</identifier></alert>`
    const external = `<?xml version="1.0"?>
<!DOCTYPE alert [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY web SYSTEM "${outside.url}/entity"> ]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;&web;</identifier></alert>`
    const dtd = `<?xml version="1.0"?><!DOCTYPE alert SYSTEM "${outside.url}/cap.dtd"><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`
    const parameterEntity = `<?xml version="1.0"?><!DOCTYPE alert [ <!ENTITY % p SYSTEM "${outside.url}/p.dtd"> %p; ]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`
    for (const body of [bomb, external, dtd, parameterEntity]) {
      const rss = process.memoryUsage().rss
      const r = await post(body)
      expect(r.response.status).toBe(422)
      expect(r.json.fields?.xml.key).toBe('alerts:errors.xmlDoctypeRefused')
      expect(JSON.stringify(r.json)).not.toMatch(/root:/)
      expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024)
    }
    await outside.close()
    expect(asked).toEqual([])
    for (const [body, key] of [
      ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>', 'alerts:errors.xmlNotCap'],
      ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier>', 'alerts:errors.xmlMalformed'],
      ['', 'alerts:errors.xmlMalformed'],
    ]) {
      const r = await post(body)
      expect(r.response.status, body).toBe(422)
      expect(r.json.fields?.xml.key).toBe(key)
    }
  })

  it('a 50 MB body is refused with 413 without being read (Content-Length), or read no further than the limit (chunked); memory stays flat', async () => {
    const fifty = 50 * 1024 * 1024
    const chunk = new Uint8Array(64 * 1024).fill(0x61)
    const stream = () => {
      let sent = 0
      const s = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= fifty) return controller.close()
          sent += chunk.byteLength
          controller.enqueue(chunk)
        },
      })
      return { s, pulled: () => sent }
    }
    const rss = process.memoryUsage().rss
    // declared: refused on the header, the stream is never pulled past what the runtime buffers
    const declared = stream()
    const r1 = await post(declared.s, { headers: { 'Content-Length': String(fifty) } })
    expect(r1.response.status).toBe(413)
    expect(r1.response.headers.get('connection')).toBe('close')
    expect(r1.json.fields?.xml.key).toBe('alerts:errors.xmlTooLarge')
    expect(declared.pulled()).toBeLessThanOrEqual(4 * chunk.byteLength)
    // undeclared (chunked): read up to the limit, then cancelled
    const chunked = stream()
    const r2 = await post(chunked.s)
    expect(r2.response.status).toBe(413)
    expect(chunked.pulled()).toBeLessThanOrEqual(capXmlLimits.maxBytes + 4 * chunk.byteLength)
    expect(process.memoryUsage().rss - rss).toBeLessThan(40 * 1024 * 1024)
  })

  it('415 for a body that is not XML', async () => {
    const r = await post('{"identifier":"x"}', { headers: { 'Content-Type': 'application/json' } })
    expect(r.response.status).toBe(415)
    // text/xml and application/xml are taken
    for (const type of ['text/xml; charset=utf-8', 'application/xml']) {
      expect((await post('<x/>', { headers: { 'Content-Type': type } })).response.status, type).toBe(422)
    }
  })

  it(`rate-limited per token: the ${CAP_IN_LIMIT.limit + 1}st message in a minute gets 429 with Retry-After; other tokens are not held up`, async () => {
    const prisma = db().prisma
    const busy = await createApiToken({ prisma, actor: cliActor, name: uid('busy'), scopes: ['alerts:issue'] })
    for (let i = 0; i < CAP_IN_LIMIT.limit; i++) expect((await post('<x/>', { secret: busy.secret })).response.status).toBe(422)
    const limited = await post('<x/>', { secret: busy.secret })
    expect(limited.response.status).toBe(429)
    expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await post('<x/>')).response.status).toBe(422)
  })

  it('GET answers 405', async () => {
    const r = route.loader()
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe('POST')
  })
})
