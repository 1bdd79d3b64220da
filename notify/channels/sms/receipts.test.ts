import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  mergePartReceipts,
  parseHttpGatewayReceipt,
  signReceipt,
  verifyReceiptSignature,
  type HttpGatewayReceipt,
  type MessageReceiptState,
  type PartStatus,
} from './receipts.ts'

const receipt = (part: number, status: PartStatus, at: string, extra: Partial<HttpGatewayReceipt> = {}): HttpGatewayReceipt => ({
  id: 'gw-1',
  reference: 'alert-1:sms:r1',
  part,
  parts: 3,
  status,
  at,
  ...(status === 'failed' ? { error: { code: 'undeliverable', message: 'absent subscriber' } } : {}),
  ...extra,
})

const fold = (receipts: HttpGatewayReceipt[]) => receipts.reduce<MessageReceiptState | undefined>((s, r) => mergePartReceipts(s, r), undefined)

describe('mergePartReceipts', () => {
  it('is delivered only when every part is delivered, and pending before', () => {
    let state = mergePartReceipts(undefined, receipt(2, 'delivered', '2026-12-04T10:00:02.000Z'))
    expect(state.status).toBe('pending')
    state = mergePartReceipts(state, receipt(1, 'delivered', '2026-12-04T10:00:01.000Z'))
    expect(state.status).toBe('pending')
    state = mergePartReceipts(state, receipt(3, 'sent', '2026-12-04T10:00:00.500Z'))
    expect(state.status).toBe('pending')
    state = mergePartReceipts(state, receipt(3, 'delivered', '2026-12-04T10:00:03.000Z'))
    expect(state).toMatchObject({ status: 'delivered', parts: 3, lastAt: '2026-12-04T10:00:03.000Z' })
  })

  it('keeps a failed part failed when a later "delivered" for the same part arrives', () => {
    const failed = mergePartReceipts(undefined, receipt(2, 'failed', '2026-12-04T10:00:01.000Z'))
    const after = mergePartReceipts(failed, receipt(2, 'delivered', '2026-12-04T10:05:00.000Z'))
    expect(after.byPart[2]).toEqual({ status: 'failed', at: '2026-12-04T10:00:01.000Z', error: { code: 'undeliverable', message: 'absent subscriber' } })
    expect(after.status).toBe('failed')
    const all = fold([receipt(1, 'delivered', '2026-12-04T10:00:00.000Z'), receipt(3, 'delivered', '2026-12-04T10:00:00.000Z')].concat([receipt(2, 'failed', '2026-12-04T10:00:01.000Z')]))
    expect(all!.status).toBe('failed')
  })

  it('refuses a receipt of another message (the caller looked up the wrong state)', () => {
    const state = mergePartReceipts(undefined, receipt(1, 'sent', '2026-12-04T10:00:00.000Z'))
    expect(() => mergePartReceipts(state, receipt(1, 'sent', '2026-12-04T10:00:00.000Z', { id: 'gw-2' }))).toThrow(/another message/)
  })

  // reliability matrix row 14
  it('gives the same final state for any permutation and duplication of the receipts', () => {
    const times = ['2026-12-04T10:00:00.000Z', '2026-12-04T10:00:01.000Z', '2026-12-04T10:00:02.000Z']
    const one = (parts: number) =>
      fc.record({
        part: fc.integer({ min: 1, max: parts }),
        status: fc.constantFrom<PartStatus>('queued', 'sent', 'delivered', 'failed'),
        at: fc.constantFrom(...times),
        code: fc.constantFrom('undeliverable', 'expired', 'rejected'),
      }).map(({ part, status, at, code }): HttpGatewayReceipt => ({
        id: 'gw-1', reference: 'ref', part, parts, status, at,
        ...(status === 'failed' ? { error: { code } } : {}),
      }))
    const scenario = fc.integer({ min: 1, max: 5 }).chain((parts) =>
      fc.array(one(parts), { minLength: 1, maxLength: 20 }).chain((receipts) =>
        fc.tuple(
          fc.constant(receipts),
          fc.shuffledSubarray(receipts, { minLength: receipts.length, maxLength: receipts.length }),
          fc.array(fc.nat(receipts.length - 1), { maxLength: 10 }),
        ),
      ),
    )
    fc.assert(
      fc.property(scenario, ([receipts, shuffled, duplicates]) => {
        const reference = fold(receipts)!
        const noisy = [...shuffled]
        for (const i of duplicates) noisy.splice(i % (noisy.length + 1), 0, receipts[i])
        expect(fold(noisy)).toEqual(reference)
        // an error part is never overwritten
        const failedParts = new Set(receipts.filter((r) => r.status === 'failed').map((r) => r.part))
        for (const part of failedParts) expect(reference.byPart[part].status).toBe('failed')
        const allDelivered = Array.from({ length: reference.parts }, (_, i) => i + 1).every((p) => receipts.some((r) => r.part === p && r.status === 'delivered'))
        expect(reference.status).toBe(failedParts.size > 0 ? 'failed' : allDelivered ? 'delivered' : 'pending')
      }),
      { numRuns: 500 },
    )
  })
})

describe('parseHttpGatewayReceipt', () => {
  const good = { id: 'gw-1', reference: 'a:sms:r', part: 1, parts: 2, status: 'failed', error: { code: 'expired', message: 'validity period' }, at: '2026-12-04T12:00:00+02:00' }

  it('reads a receipt from the raw body and normalises the time to UTC', () => {
    expect(parseHttpGatewayReceipt(JSON.stringify(good))).toEqual({
      ok: true,
      receipt: { ...good, at: '2026-12-04T10:00:00.000Z' },
    })
    expect(parseHttpGatewayReceipt(Buffer.from(JSON.stringify({ ...good, status: 'delivered', error: null })))).toMatchObject({ ok: true, receipt: { status: 'delivered' } })
  })

  it('names the field that is wrong', () => {
    const cases: [unknown, string][] = [
      ['{not json', 'body'],
      [[1, 2], 'body'],
      [{ ...good, id: '' }, 'id'],
      [{ ...good, reference: 7 }, 'reference'],
      [{ ...good, parts: 0 }, 'parts'],
      [{ ...good, part: 3 }, 'part'],
      [{ ...good, part: 1.5 }, 'part'],
      [{ ...good, status: 'DELIVRD' }, 'status'],
      [{ ...good, at: 'yesterday' }, 'at'],
      [{ ...good, at: undefined }, 'at'],
      [{ ...good, error: { message: 'x' } }, 'error.code'],
      [{ ...good, error: { code: 'x', message: 5 } }, 'error.message'],
    ]
    for (const [body, field] of cases) expect(parseHttpGatewayReceipt(body), field).toMatchObject({ ok: false, field })
  })
})

describe('verifyReceiptSignature', () => {
  const body = JSON.stringify({ id: 'gw-1', status: 'delivered' })
  it('accepts the HMAC-SHA256 of the exact body with the shared secret', () => {
    const header = signReceipt(body, 'shared-secret')
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/)
    expect(verifyReceiptSignature(body, header, 'shared-secret')).toBe(true)
    expect(verifyReceiptSignature(Buffer.from(body), [header], 'shared-secret')).toBe(true)
  })
  it('refuses another body, another secret, a missing, truncated or malformed header', () => {
    const header = signReceipt(body, 'shared-secret')
    expect(verifyReceiptSignature(body + ' ', header, 'shared-secret')).toBe(false)
    expect(verifyReceiptSignature(body, header, 'other-secret')).toBe(false)
    expect(verifyReceiptSignature(body, undefined, 'shared-secret')).toBe(false)
    expect(verifyReceiptSignature(body, header.slice(0, -2), 'shared-secret')).toBe(false)
    expect(verifyReceiptSignature(body, header.replace('sha256=', 'sha1='), 'shared-secret')).toBe(false)
    expect(verifyReceiptSignature(body, header, '')).toBe(false)
  })
})
