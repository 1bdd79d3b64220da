import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createIncidentSchema,
  createTaskSchema,
  incidentErrors,
  incidentLimits,
  incidentSeverities,
  incidentTypes,
  logEntrySchema,
  toFieldErrors,
  updateIncidentSchema,
} from './schemas.ts'

const now = new Date('2026-04-10T12:00:00Z')

function errorsOf(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown) {
  const result = schema.safeParse(value)
  if (result.success) return null
  return toFieldErrors(result.error as never)
}

const validIncident = fc.record({
  title: fc.string({ minLength: 1, maxLength: incidentLimits.titleMax }).filter((s) => s.trim().length > 0),
  type: fc.constantFrom(...incidentTypes),
  severity: fc.constantFrom(...incidentSeverities),
  description: fc.string({ maxLength: 300 }),
  area: fc.constant('{"type":"Polygon","coordinates":[]}'),
})

describe('createIncidentSchema', () => {
  it('accepts generated valid input, trimming the title and defaulting the status', () => {
    fc.assert(
      fc.property(validIncident, (input) => {
        const result = createIncidentSchema.safeParse(input)
        expect(result.success).toBe(true)
        if (result.success) {
          expect(result.data.title).toBe(input.title.trim())
          expect(result.data.status).toBe('ACTIVE')
        }
      }),
    )
  })

  it('names each bad field with its key', () => {
    fc.assert(
      fc.property(
        validIncident,
        fc.oneof(
          fc.record({ field: fc.constant('title'), value: fc.constantFrom(undefined, '', '   ', 42, null), key: fc.constant(incidentErrors.titleRequired) }),
          fc.record({ field: fc.constant('title'), value: fc.string({ minLength: 201, maxLength: 400 }).filter((s) => s.trim().length > 200), key: fc.constant(incidentErrors.titleTooLong) }),
          fc.record({ field: fc.constant('type'), value: fc.string().filter((s) => !(incidentTypes as readonly string[]).includes(s)), key: fc.constant(incidentErrors.typeInvalid) }),
          fc.record({ field: fc.constant('severity'), value: fc.oneof(fc.string(), fc.constant(undefined)).filter((s) => !(incidentSeverities as readonly unknown[]).includes(s)), key: fc.constant(incidentErrors.severityInvalid) }),
          fc.record({ field: fc.constant('status'), value: fc.constantFrom('CLOSED', 'closed', 'DONE'), key: fc.constant(incidentErrors.statusInvalid) }),
          fc.record({ field: fc.constant('description'), value: fc.constant('x'.repeat(incidentLimits.descriptionMax + 1)), key: fc.constant(incidentErrors.descriptionTooLong) }),
          fc.record({ field: fc.constant('area'), value: fc.constantFrom(undefined, '', 7), key: fc.constant(incidentErrors.areaRequired) }),
        ),
        (input, bad) => {
          const errors = errorsOf(createIncidentSchema, { ...input, [bad.field]: bad.value })
          expect(errors?.[bad.field]).toBe(bad.key)
        },
      ),
    )
  })

  it('update: every field optional, CLOSED refused, empty title refused', () => {
    expect(updateIncidentSchema.safeParse({}).success).toBe(true)
    expect(errorsOf(updateIncidentSchema, { status: 'CLOSED' })).toEqual({ status: incidentErrors.statusInvalid })
    expect(errorsOf(updateIncidentSchema, { title: ' ' })).toEqual({ title: incidentErrors.titleRequired })
  })
})

describe('logEntrySchema', () => {
  const schema = logEntrySchema(now)
  const body = fc.string({ minLength: 1, maxLength: 500 }).filter((s) => s.trim().length > 0)

  it('accepts times up to five minutes ahead, with or without zone, and defaults to now', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: -10 * 24 * 3600, max: 299 }), fc.boolean(), (text, offsetS, checked) => {
        const at = new Date(now.getTime() + offsetS * 1000)
        const result = schema.safeParse({ body: text, occurredAt: at.toISOString(), significant: checked ? 'on' : undefined })
        expect(result.success).toBe(true)
        if (result.success) {
          expect(result.data.occurredAt.getTime()).toBe(at.getTime())
          expect(result.data.significant).toBe(checked)
        }
      }),
    )
    const noTime = schema.parse({ body: 'x' })
    expect(noTime.occurredAt.getTime()).toBe(now.getTime())
    expect(noTime.significant).toBe(false)
  })

  it('refuses times more than five minutes in the future', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 301, max: 10 * 365 * 24 * 3600 }), (text, aheadS) => {
        const at = new Date(now.getTime() + aheadS * 1000).toISOString()
        expect(errorsOf(schema, { body: text, occurredAt: at })).toEqual({ occurredAt: incidentErrors.occurredAtFuture })
      }),
    )
  })

  it('refuses garbage times, empty and too long bodies, bad correction ids', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => s.trim() !== '' && Number.isNaN(Date.parse(s))),
        (when) => {
          expect(errorsOf(schema, { body: 'x', occurredAt: when })?.occurredAt).toBe(incidentErrors.occurredAtInvalid)
        },
      ),
    )
    expect(errorsOf(schema, { body: '  ' })).toEqual({ body: incidentErrors.bodyRequired })
    expect(errorsOf(schema, { body: 'x'.repeat(incidentLimits.logBodyMax + 1) })).toEqual({ body: incidentErrors.bodyTooLong })
    expect(errorsOf(schema, { body: 'x', occurredAt: '1999-12-31T23:00:00Z' })).toEqual({ occurredAt: incidentErrors.occurredAtInvalid })
    expect(errorsOf(schema, { body: 'x', correctsId: 'not-a-uuid' })).toEqual({ correctsId: incidentErrors.correctsInvalid })
  })
})

describe('createTaskSchema', () => {
  it('empty assignee and due mean none; bad ones are named', () => {
    const ok = createTaskSchema.parse({ title: 'Sandbags', assigneeId: '', dueAt: '' })
    expect(ok.assigneeId).toBeNull()
    expect(ok.dueAt).toBeNull()
    expect(ok.status).toBe('OPEN')
    expect(errorsOf(createTaskSchema, { title: 'x', assigneeId: 'bob' })).toEqual({ assigneeId: incidentErrors.assigneeInvalid })
    expect(errorsOf(createTaskSchema, { title: 'x', dueAt: 'soon' })).toEqual({ dueAt: incidentErrors.dueAtInvalid })
    expect(errorsOf(createTaskSchema, { title: 'x', status: 'LATER' })).toEqual({ status: incidentErrors.taskStatusInvalid })
    expect(createTaskSchema.parse({ title: 'x', dueAt: '2026-05-01T09:00' }).dueAt?.toISOString()).toBe('2026-05-01T06:00:00.000Z')
  })
})
