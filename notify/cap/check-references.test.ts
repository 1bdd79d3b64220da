// Reliability matrix row 20: Update/Cancel referring to an unknown or expired alert → 422/409 with
// the reason per reference.
import { describe, expect, it } from 'vitest'
import { AppError } from '#domain/errors.ts'
import { jelgavaTerritory } from './cap-arbitraries.ts'
import { checkReferences, type ReferencedAlert } from './check-references.ts'
import { capErrors } from './types.ts'
import { validateAlert } from './validate-alert.ts'

const boundary = jelgavaTerritory.boundary
const now = new Date('2026-11-22T12:00:00+02:00')
const original: ReferencedAlert = {
  sender: 'sargs@jelgava.lv',
  identifier: 'A-1',
  sent: '2026-11-22T10:00:00+02:00',
  status: 'Actual',
  msgType: 'Alert',
  expiresMs: Date.parse('2026-11-23T10:00:00+02:00'),
  cancelled: false,
}

function cancel(references: string[], status = 'Actual') {
  return validateAlert({
    boundary,
    input: { identifier: 'A-2', sender: 'sargs@jelgava.lv', sent: '2026-11-22T11:00:00+02:00', status, msgType: 'Cancel', scope: 'Public', references },
  })
}

function outcome(references: string[], found: ReferencedAlert[], status = 'Actual') {
  try {
    checkReferences({ alert: cancel(references, status), found, now })
    return 'ok'
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return { status: error.status, fields: error.fields }
  }
}

const ref = (identifier = 'A-1', sent = '2026-11-22T10:00:00+02:00') => `sargs@jelgava.lv,${identifier},${sent}`

describe('checkReferences', () => {
  it('accepts references to known alerts in force (the sent time may be written in another offset)', () => {
    expect(outcome([ref()], [original])).toBe('ok')
    expect(outcome([ref('A-1', '2026-11-22T08:00:00Z')], [original])).toBe('ok')
  })

  it('422 for unknown alerts, a different sent time, another realm (exercise vs real) or a later alert', () => {
    expect(outcome([ref(), ref('NOPE-1')], [original])).toEqual({ status: 422, fields: { 'references.1': capErrors.referenceUnknown } })
    expect(outcome([ref('A-1', '2026-11-22T10:00:01+02:00')], [original])).toEqual({ status: 422, fields: { 'references.0': capErrors.referenceSentMismatch } })
    expect(outcome([ref()], [original], 'Exercise')).toEqual({ status: 422, fields: { 'references.0': capErrors.referenceStatusMismatch } })
    expect(outcome([ref('A-1', '2026-11-22T11:30:00+02:00')], [{ ...original, sent: '2026-11-22T11:30:00+02:00' }])).toEqual({
      status: 422,
      fields: { 'references.0': capErrors.referenceNotEarlier },
    })
  })

  it('409 for alerts already cancelled or expired', () => {
    expect(outcome([ref()], [{ ...original, cancelled: true }])).toEqual({ status: 409, fields: { 'references.0': capErrors.referenceCancelled } })
    expect(outcome([ref()], [{ ...original, expiresMs: Date.parse('2026-11-22T11:59:59+02:00') }])).toEqual({
      status: 409,
      fields: { 'references.0': capErrors.referenceExpired },
    })
    expect(outcome([ref()], [{ ...original, expiresMs: undefined }])).toBe('ok')
  })

  it('reports 422 before 409 when both occur', () => {
    expect(outcome([ref(), ref('NOPE-1')], [{ ...original, cancelled: true }])).toEqual({ status: 422, fields: { 'references.1': capErrors.referenceUnknown } })
  })
})
