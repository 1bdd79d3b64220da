// Progress, delivery report, CSV export, alerts list and dead letters on the real ledger, on PGlite
// and PostgreSQL: a real dispatcher sends to the fake push service (with faults that give every
// kind of result), plus rows put in the states a running dispatcher leaves behind (claimed,
// waiting for a retry, cancelled by an Update).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertStatus } from '#generated/prisma/enums.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { generateVapidKeys, WebPushAdapter } from '#notify/channels/web-push.ts'
import { Dispatcher, type ChannelRoute } from '#notify/dispatch/dispatcher.ts'
import { ExerciseSink } from '#notify/dispatch/exercise-sink.ts'
import { webPushRoute } from '#notify/dispatch/web-push-route.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { csvCell, deliveryReportCsv } from './delivery-report-csv.ts'
import { getAlertProgress } from './get-alert-progress.ts'
import { listAlerts } from './list-alerts.ts'
import { listDeadLetters } from './list-dead-letters.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'
import { listDeliveryReport, recipientPseudonym, redactDetail, type ReportRow } from './list-delivery-report.ts'
import { deliveryState } from '#tests/support/delivery-state.ts'

const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }
const INSIDE: [number, number] = [23.72, 56.65]
const TERRITORY = randomUUID()

function capAlert(identifier: string, status: AlertStatus, headlines: [string, string, string]): CapAlert {
  const info = (language: string, headline: string) => ({
    language, category: ['Met'], event: 'Plūdi', responseType: [], urgency: 'Immediate', severity: 'Severe',
    certainty: 'Observed', eventCode: [], parameter: [], resource: [], headline,
    area: [{ areaDesc: 'Jelgava', polygon: [], circle: [], geocode: [] }],
  })
  return {
    identifier, sender: 'sargs@jelgava.lv', sent: '2026-11-22T10:00:00+02:00', status, msgType: 'Alert', scope: 'Public',
    code: [], references: [],
    info: [info('lv-LV', headlines[0]), info('en-GB', headlines[1]), info('ru-RU', headlines[2])],
  } as unknown as CapAlert
}

async function decode(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number; bytes: Uint8Array }> {
  const parts: Uint8Array[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    bytes.set(p, at)
    at += p.length
  }
  return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), chunks: parts.length, bytes }
}

/** A small RFC 4180 reader (quoted cells, doubled quotes, CRLF) to check what a spreadsheet reads. */
function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === delimiter) {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  if (cell !== '' || row.length) rows.push([...row, cell])
  return rows
}

describe('csvCell', () => {
  it('neutralises formulas, quotes delimiters, quotes and line breaks, keeps plain text and numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")', ',')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell('+1 555', ';')).toBe(`'+1 555`)
    expect(csvCell('-2+3', ';')).toBe(`'-2+3`)
    expect(csvCell('@SUM(A1)', ';')).toBe(`'@SUM(A1)`)
    expect(csvCell('\t=1', ';')).toBe(`'\t=1`)
    expect(csvCell('\r=1', ';')).toBe(`"'\r=1"`)
    expect(csvCell('a;b', ';')).toBe('"a;b"')
    expect(csvCell('a;b', ',')).toBe('a;b')
    expect(csvCell('line\nbreak', ',')).toBe('"line\nbreak"')
    expect(csvCell('Plūdu brīdinājums', ',')).toBe('Plūdu brīdinājums')
    expect(csvCell(410, ',')).toBe('410')
    expect(csvCell(null, ',')).toBe('')
  })

  it('redacts every URL in a provider detail to its origin, and pseudonyms are short and stable', () => {
    expect(redactDetail('201 https://push.example:8443/m/abc?x=1 ok')).toBe('201 https://push.example:8443/… ok')
    expect(redactDetail('network: getaddrinfo ENOTFOUND push.example')).toBe('network: getaddrinfo ENOTFOUND push.example')
    expect(redactDetail(null)).toBeNull()
    expect(recipientPseudonym('webpush', 'a')).toMatch(/^[0-9a-f]{10}$/)
    expect(recipientPseudonym('webpush', 'a')).toBe(recipientPseudonym('webpush', 'a'))
    expect(recipientPseudonym('webpush', 'a')).not.toBe(recipientPseudonym('webpush', 'b'))
  })
})

describeEachBackend('deliveries: progress, report, CSV, list, dead letters', (backend) => {
  const db = useTestDatabase(backend, 'all')
  let push: FakePushService
  const vapidKeys = generateVapidKeys()
  let alertId = ''
  let exerciseId = ''
  const subs: { rowId: string; id: string; endpoint: string }[] = []

  beforeAll(async () => {
    push = await startFakePushService()
    push.expectVapidKey(vapidKeys.publicKey)
    const prisma = db().prisma
    for (let i = 0; i < 12; i++) subs.push(await subscribe(prisma))
  }, 120_000)
  afterAll(async () => push?.close())

  async function subscribe(prisma: PrismaClient) {
    const sub = push.createSubscription()
    const row = await prisma.pushSubscription.create({
      data: {
        endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, languages: ['lv'], minSeverity: 'Minor',
        places: [INSIDE], minLng: INSIDE[0], maxLng: INSIDE[0], minLat: INSIDE[1], maxLat: INSIDE[1],
      },
    })
    return { rowId: row.id, id: sub.id, endpoint: sub.endpoint }
  }

  function dispatcher() {
    const adapter = new WebPushAdapter({ vapid: { subject: 'mailto:alerts@jelgava.example', ...vapidKeys }, dispatcher: push.dispatcher })
    return new Dispatcher({
      prisma: db().prisma,
      routes: [webPushRoute(adapter) as ChannelRoute<unknown>],
      exerciseSink: new ExerciseSink(),
      batchSize: 50,
      sendTimeoutMs: 15_000,
      retry: { maxAttempts: 2, backoff: { baseMs: 5, capMs: 10 } },
    })
  }

  async function issue(status: AlertStatus, headlines: [string, string, string]) {
    const identifier = `urn:sargs:test:${randomUUID()}`
    const issued = await issueAlert(db().prisma, {
      identifier, status, msgType: 'Alert', territoryId: TERRITORY, payload: capAlert(identifier, status, headlines),
      severity: 'Severe', area: AREA, idempotencyKey: randomUUID(),
    })
    return issued.id
  }

  it('counts every state per channel: sent, failed (410), dead (5xx until the last attempt), pending, sending, retrying, cancelled', async () => {
    const prisma = db().prisma
    // 0: gone (410) → FAILED, subscription deleted; 1: always 503 → DEAD after 2 attempts;
    // 2: 503 once, then accepted → SENT with two attempts; the rest accepted
    push.fault(subs[0].id, { kind: 'status', status: 410, body: 'push subscription has unsubscribed or expired' })
    push.fault(subs[1].id, { kind: 'status', status: 503, body: '=cmd|calc' })
    push.fault(subs[2].id, { kind: 'status', status: 503 }, 1)
    const d = dispatcher()
    alertId = await issue('Actual', ['Plūdu brīdinājums', 'Flood warning', 'Предупреждение о наводнении'])
    const before = await getAlertProgress({ prisma, alertId })
    expect(before).toMatchObject({ fanout: 'running', complete: false, exercise: false, total: { targeted: 0, finished: 0 } })
    expect(before.channels.map((c) => c.channel)).toEqual(['webpush'])
    await d.drain({ timeoutMs: 30_000 })

    const done = await getAlertProgress({ prisma, alertId })
    expect(done.fanout).toBe('done')
    expect(done.complete).toBe(true)
    const web = done.channels[0]
    expect(web).toMatchObject({ channel: 'webpush', targeted: 12, sent: 10, failed: 1, dead: 1, pending: 0, cancelled: 0, finished: 12, delivered: null })
    expect(web.ratePerSecond).toBeGreaterThan(0)
    expect(done.total).toMatchObject({ targeted: 12, sent: 10, failed: 1, dead: 1, delivered: null })

    // the states a running dispatcher and an Update leave behind, made by hand on two more rows each
    const extra = await Promise.all(Array.from({ length: 5 }, () => subscribe(prisma)))
    const rows = [
      { key: extra[0].rowId, status: 'PENDING', attempts: 0 },
      { key: extra[1].rowId, status: 'PENDING', attempts: 1 }, // waiting for a retry
      { key: extra[2].rowId, status: 'SENDING', attempts: 1 }, // claimed right now
      { key: extra[3].rowId, status: 'CANCELLED', attempts: 0 },
      { key: extra[4].rowId, status: 'CANCELLED', attempts: 0 },
    ] as const
    for (const r of rows) {
      await prisma.delivery.create({
        data: { alertId, channel: 'webpush', recipientKey: r.key, idempotencyKey: `${alertId}:webpush:${r.key}`, ...deliveryState(r.status), attempts: r.attempts },
      })
    }
    const mixed = await getAlertProgress({ prisma, alertId })
    expect(mixed.complete).toBe(false)
    expect(mixed.channels[0]).toMatchObject({ targeted: 17, sent: 10, failed: 1, dead: 1, pending: 3, sending: 1, retrying: 1, cancelled: 2, finished: 14 })
    await prisma.delivery.updateMany({ where: { alertId, status: { in: ['PENDING', 'SENDING'] } }, data: deliveryState('CANCELLED') })
    expect((await getAlertProgress({ prisma, alertId })).channels[0]).toMatchObject({ pending: 0, cancelled: 5, finished: 17 })

    await expect(getAlertProgress({ prisma, alertId: randomUUID() })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('an exercise alert says its sends went to the exercise sink', async () => {
    const prisma = db().prisma
    exerciseId = await issue('Exercise', ['Mācības', 'Exercise', 'Учения'])
    await dispatcher().drain({ timeoutMs: 30_000 })
    const progress = await getAlertProgress({ prisma, alertId: exerciseId })
    expect(progress).toMatchObject({ exercise: true, complete: true, status: 'Exercise' })
    expect(progress.total.sent).toBeGreaterThanOrEqual(10)
    const report = await listDeliveryReport({ prisma, alertId: exerciseId, limit: 1000 })
    expect(report.rows.every((r) => r.attempts.every((a) => a.result === 'exercise'))).toBe(true)
  })

  it('the report lists every recipient × channel with every attempt, pseudonymously, page by page', async () => {
    const prisma = db().prisma
    const all: ReportRow[] = []
    let after: string | null = null
    let pages = 0
    do {
      const page: Awaited<ReturnType<typeof listDeliveryReport>> = await listDeliveryReport({ prisma, alertId, after, limit: 5 })
      all.push(...page.rows)
      after = page.next
      pages++
    } while (after)
    expect(pages).toBe(4)
    expect(all).toHaveLength(17)
    expect(new Set(all.map((r) => r.id)).size).toBe(17)
    // every attempt in the ledger is in the report: the attempt rows and the accepted sends (decision 023)
    const history = await attemptHistory(prisma, { alertId })
    expect(history.filter((a) => a.result === 'sent').length).toBe(await prisma.delivery.count({ where: { alertId, sentAt: { not: null } } }))
    expect(all.reduce((n, r) => n + r.attempts.length, 0)).toBe(history.length)

    const row = (subRowId: string) => all.find((r) => r.recipient === recipientPseudonym('webpush', subRowId))!
    const gone = row(subs[0].rowId)
    expect(gone).toMatchObject({ status: 'FAILED', service: null })
    expect(gone.attempts).toEqual([expect.objectContaining({ attempt: 1, result: 'permanent', httpStatus: 410 })])
    expect(gone.attempts[0].detail).toContain('unsubscribed')
    const dead = row(subs[1].rowId)
    expect(dead.status).toBe('DEAD')
    expect(dead.attempts.map((a) => [a.attempt, a.result, a.httpStatus])).toEqual([[1, 'retry', 503], [2, 'dead', 503]])
    const retried = row(subs[2].rowId)
    expect(retried.status).toBe('SENT')
    expect(retried.attempts.map((a) => [a.attempt, a.result, a.httpStatus])).toEqual([[1, 'retry', 503], [2, 'sent', 201]])
    expect(retried.service).toBe(new URL(push.origin).host)
    // the push service's message URL is cut to its origin; no endpoint anywhere in the report
    expect(retried.attempts[1].detail).toBe(`${push.origin}/…`)
    const serialised = JSON.stringify(all)
    for (const s of subs) {
      expect(serialised).not.toContain(s.endpoint)
      expect(serialised).not.toContain(s.rowId)
    }
    expect(await listDeliveryReport({ prisma, alertId, statuses: ['DEAD'] })).toMatchObject({ rows: [{ status: 'DEAD' }], next: null })
    await expect(listDeliveryReport({ prisma, alertId: randomUUID() })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(listDeliveryReport({ prisma, alertId, after: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('the CSV has a BOM, a header in the language asked for, one line per attempt, neutralised cells, and streams page by page', async () => {
    const prisma = db().prisma
    const { text, chunks, bytes } = await decode(deliveryReportCsv({ prisma, alertId, language: 'lv', pageSize: 4 }))
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(chunks).toBeGreaterThanOrEqual(1 + Math.ceil(17 / 4)) // header, then one chunk per page
    const rows = parseCsv(text.slice(1), ';')
    expect(rows[0][0]).toBe('Brīdinājums')
    expect(rows[0]).toHaveLength(10)
    const history = await attemptHistory(prisma, { alertId })
    const withoutAttempts = await prisma.delivery.count({ where: { alertId, id: { notIn: [...new Set(history.map((a) => a.deliveryId))] } } })
    expect(rows.length - 1).toBe(history.length + withoutAttempts)
    expect(rows.slice(1).every((r) => r.length === 10)).toBe(true)
    // the provider's body "=cmd|calc" would be a formula in a spreadsheet: neutralised
    const dead = rows.find((r) => r[7] === 'dead')!
    expect(dead[9]).toBe("'503 =cmd|calc".replace("'", '')) // starts with "503": not a formula, kept as is
    expect(rows.some((r) => r.some((c) => /^[=+@]/.test(c)))).toBe(false)
    expect(rows.slice(1).every((r) => r[6] === '' || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r[6]))).toBe(true)
    for (const s of subs) expect(text).not.toContain(s.endpoint)

    const en = await decode(deliveryReportCsv({ prisma, alertId, language: 'en' }))
    expect(parseCsv(en.text.slice(1), ',')[0][0]).toBe('Alert')
    const ru = await decode(deliveryReportCsv({ prisma, alertId, language: 'ru' }))
    expect(parseCsv(ru.text.slice(1), ';')[0][0]).toBe('Оповещение')

    // pull-based: reading the first chunk reads no page of the ledger yet
    const reader = deliveryReportCsv({ prisma, alertId, language: 'en', pageSize: 2 }).getReader()
    const first = await reader.read()
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(first.value).startsWith('\uFEFFAlert,')).toBe(true)
    await reader.cancel()

    const missing = deliveryReportCsv({ prisma, alertId: randomUUID(), language: 'en' }).getReader()
    await expect(missing.read()).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('formula-looking identifiers and details are neutralised in the CSV', async () => {
    const prisma = db().prisma
    const identifier = `=HYPERLINK("http://evil","x")`
    const issued = await issueAlert(prisma, {
      identifier, status: 'Test', msgType: 'Alert', territoryId: randomUUID(), payload: capAlert(identifier, 'Test', ['a', 'b', 'c']),
      severity: 'Minor', area: AREA, idempotencyKey: randomUUID(),
    })
    const delivery = await prisma.delivery.create({
      data: { alertId: issued.id, channel: 'webpush', recipientKey: 'r1', idempotencyKey: `${issued.id}:webpush:r1`, ...deliveryState('FAILED'), attempts: 1 },
    })
    await prisma.deliveryAttempt.create({ data: { deliveryId: delivery.id, attempt: 1, result: 'permanent', httpStatus: 400, detail: '@SUM(1+1);"x"\nline' } })
    const { text } = await decode(deliveryReportCsv({ prisma, alertId: issued.id, language: 'lv' }))
    const rows = parseCsv(text.slice(1), ';')
    expect(rows).toHaveLength(2)
    expect(rows[1][0]).toBe(`'=HYPERLINK("http://evil","x")`)
    expect(rows[1][9]).toBe(`'@SUM(1+1);"x"\nline`)
  })

  it('lists issued alerts newest first with headlines per language and a summary, and the drafts that wait', async () => {
    const prisma = db().prisma
    await prisma.alertDraft.create({ data: { territoryId: TERRITORY, state: 'AWAITING_APPROVAL', payload: { status: 'Actual', msgType: 'Alert', info: [{ language: 'lv-LV', headline: 'Vētra' }] }, submittedAt: new Date() } })
    await prisma.alertDraft.create({ data: { territoryId: TERRITORY, state: 'DRAFT', source: 'CAP_API', payload: { info: [{ language: 'en-GB', event: 'Storm' }] } } })
    await prisma.alertDraft.create({ data: { territoryId: TERRITORY, state: 'DRAFT', payload: { info: [] } } }) // someone's own draft: not listed
    await prisma.alertDraft.create({ data: { territoryId: randomUUID(), state: 'AWAITING_APPROVAL', payload: {} } }) // another territory
    const list = await listAlerts({ prisma, territoryId: TERRITORY })
    expect(list.alerts.map((a) => a.id)).toEqual([exerciseId, alertId])
    expect(list.alerts[1]).toMatchObject({
      status: 'Actual', msgType: 'Alert', severity: 'Severe', fanoutDone: true,
      headlines: { lv: 'Plūdu brīdinājums', en: 'Flood warning', ru: 'Предупреждение о наводнении' },
      summary: { targeted: 17, sent: 10, failed: 1, dead: 1, cancelled: 5, pending: 0 },
    })
    expect(list.older).toBeNull()
    expect(list.drafts.map((d) => [d.state, d.source, d.headlines])).toEqual([
      ['DRAFT', 'CAP_API', { en: 'Storm' }],
      ['AWAITING_APPROVAL', 'COMPOSER', { lv: 'Vētra' }],
    ])
    const first = await listAlerts({ prisma, territoryId: TERRITORY, take: 1 })
    expect(first.alerts.map((a) => a.id)).toEqual([exerciseId])
    expect(first.older).toBe(exerciseId)
    const second = await listAlerts({ prisma, territoryId: TERRITORY, take: 1, before: first.older })
    expect(second.alerts.map((a) => a.id)).toEqual([alertId])
    expect(second.older).toBeNull()
  })

  it('lists dead letters (given up, or refused for good) newest first, pseudonymously, with the alert headline', async () => {
    const prisma = db().prisma
    const page = await listDeadLetters({ prisma, limit: 200 })
    const mine = page.rows.filter((r) => r.alertId === alertId)
    // newest (highest delivery id) first
    expect(mine.map((r) => BigInt(r.id))).toEqual(mine.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? 1 : -1)))
    const dead = mine.find((r) => r.status === 'DEAD')!
    const failed = mine.find((r) => r.status === 'FAILED')!
    expect(mine).toHaveLength(2)
    expect(dead).toMatchObject({ recipient: recipientPseudonym('webpush', subs[1].rowId), channel: 'webpush', attempts: 2, lastHttpStatus: 503, headlines: { lv: 'Plūdu brīdinājums', en: 'Flood warning' } })
    expect(dead.lastError).toContain('2 attempts')
    expect(failed).toMatchObject({ recipient: recipientPseudonym('webpush', subs[0].rowId), attempts: 1, lastHttpStatus: 410 })
    const serialised = JSON.stringify(page.rows)
    for (const s of subs) expect(serialised).not.toContain(s.rowId)
    const first = await listDeadLetters({ prisma, limit: 1 })
    expect(first.rows).toHaveLength(1)
    const second = await listDeadLetters({ prisma, limit: 1, before: first.next })
    expect(second.rows[0].id).not.toBe(first.rows[0].id)
    await expect(listDeadLetters({ prisma, before: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})

