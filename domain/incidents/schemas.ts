// Input schemas for incidents, log entries and tasks, shared by the server (domain functions)
// and the browser (forms). Browser-safe: zod and type-only imports, nothing from the server.
// Messages are i18n keys (namespace incidents), so a 422 carries a translatable key per field.
import { z } from 'zod'
import type {
  IncidentSeverity,
  IncidentStatus,
  IncidentType,
  TaskStatus,
} from '#generated/prisma/enums.ts'
import { parseDateTimeInput } from './datetime.ts'

// Enum values in the order the UI lists them; `satisfies` + the Exact check keep them equal to
// the Prisma enums.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const check = <T extends true>(value: T) => value

export const incidentTypes = [
  'FLOOD',
  'STORM',
  'FIRE',
  'CHEMICAL',
  'POWER_OUTAGE',
  'WATER_SUPPLY',
  'TRANSPORT',
  'EPIDEMIC',
  'OTHER',
] as const satisfies readonly IncidentType[]
export const incidentSeverities = ['MINOR', 'MODERATE', 'SEVERE', 'EXTREME'] as const satisfies readonly IncidentSeverity[]
export const incidentStatuses = ['ACTIVE', 'MONITORING', 'CLOSED'] as const satisfies readonly IncidentStatus[]
/** statuses an open incident may be set to; CLOSED only through closeIncident */
export const openIncidentStatuses = ['ACTIVE', 'MONITORING'] as const satisfies readonly IncidentStatus[]
export const taskStatuses = ['OPEN', 'IN_PROGRESS', 'DONE', 'CANCELLED'] as const satisfies readonly TaskStatus[]
check<Exact<(typeof incidentTypes)[number], IncidentType>>(true)
check<Exact<(typeof incidentSeverities)[number], IncidentSeverity>>(true)
check<Exact<(typeof incidentStatuses)[number], IncidentStatus>>(true)
check<Exact<(typeof taskStatuses)[number], TaskStatus>>(true)

export const incidentLimits = {
  titleMax: 200,
  descriptionMax: 5000,
  logBodyMax: 5000,
  /** how far in the future (ms) a log entry's time may be: clocks differ a little */
  futureToleranceMs: 5 * 60 * 1000,
  /** nothing in this system happened before this */
  earliest: Date.UTC(2000, 0, 1),
} as const

export const incidentErrors = {
  titleRequired: 'incidents:errors.titleRequired',
  titleTooLong: 'incidents:errors.titleTooLong',
  descriptionTooLong: 'incidents:errors.descriptionTooLong',
  typeInvalid: 'incidents:errors.typeInvalid',
  severityInvalid: 'incidents:errors.severityInvalid',
  statusInvalid: 'incidents:errors.statusInvalid',
  areaRequired: 'incidents:errors.areaRequired',
  bodyRequired: 'incidents:errors.bodyRequired',
  bodyTooLong: 'incidents:errors.bodyTooLong',
  occurredAtInvalid: 'incidents:errors.occurredAtInvalid',
  occurredAtFuture: 'incidents:errors.occurredAtFuture',
  correctsInvalid: 'incidents:errors.correctsInvalid',
  assigneeInvalid: 'incidents:errors.assigneeInvalid',
  dueAtInvalid: 'incidents:errors.dueAtInvalid',
  taskStatusInvalid: 'incidents:errors.taskStatusInvalid',
  noteTooLong: 'incidents:errors.noteTooLong',
  idInvalid: 'incidents:errors.idInvalid',
} as const

// --- building blocks -------------------------------------------------------------------------

/** '' and whitespace-only count as "not given" (what an empty form field sends). */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const text = (max: number, requiredKey: string, tooLongKey: string) =>
  z
    .string({ required_error: requiredKey, invalid_type_error: requiredKey })
    .trim()
    .min(1, requiredKey)
    .max(max, tooLongKey)

const optionalText = (max: number, tooLongKey: string) =>
  z.string({ invalid_type_error: tooLongKey }).trim().max(max, tooLongKey)

const enumOf = <T extends readonly [string, ...string[]]>(values: T, key: string) =>
  z.enum(values as unknown as [T[number], ...T[number][]], { errorMap: () => ({ message: key }) })

const uuid = (key: string) => z.string({ invalid_type_error: key, required_error: key }).uuid(key)

/** A checkbox: 'on' (HTML), 'true' or true mean checked; absent means unchecked. */
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean())

/** ISO date-time with zone, or a local date-time read in Europe/Riga; a Date passes through. */
const dateTime = (key: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (parseDateTimeInput(v) ?? v) : v),
    z.date({ invalid_type_error: key, required_error: key }).refine(
      (d) => !Number.isNaN(d.getTime()) && d.getTime() >= incidentLimits.earliest,
      key,
    ),
  )

/** An area or a point: a JSON string from a form, or an object; checked by domain/geo. */
const geoValue = z.union([z.string(), z.record(z.unknown())]).optional()

// --- incidents -------------------------------------------------------------------------------

export const createIncidentSchema = z.object({
  title: text(incidentLimits.titleMax, incidentErrors.titleRequired, incidentErrors.titleTooLong),
  type: enumOf(incidentTypes, incidentErrors.typeInvalid),
  severity: enumOf(incidentSeverities, incidentErrors.severityInvalid),
  status: z.preprocess(blankToUndefined, enumOf(openIncidentStatuses, incidentErrors.statusInvalid).default('ACTIVE')),
  description: z.preprocess(
    (v) => v ?? '',
    optionalText(incidentLimits.descriptionMax, incidentErrors.descriptionTooLong),
  ),
  area: z.preprocess(blankToUndefined, z.union([z.string(), z.record(z.unknown())], {
    errorMap: () => ({ message: incidentErrors.areaRequired }),
  })),
})
export type CreateIncidentInput = z.input<typeof createIncidentSchema>

/** Every field optional: what is absent stays as it is (an empty area keeps the old area). */
export const updateIncidentSchema = z.object({
  title: text(incidentLimits.titleMax, incidentErrors.titleRequired, incidentErrors.titleTooLong).optional(),
  type: z.preprocess(blankToUndefined, enumOf(incidentTypes, incidentErrors.typeInvalid).optional()),
  severity: z.preprocess(blankToUndefined, enumOf(incidentSeverities, incidentErrors.severityInvalid).optional()),
  status: z.preprocess(blankToUndefined, enumOf(openIncidentStatuses, incidentErrors.statusInvalid).optional()),
  description: optionalText(incidentLimits.descriptionMax, incidentErrors.descriptionTooLong).optional(),
  area: z.preprocess(blankToUndefined, geoValue),
})
export type UpdateIncidentInput = z.input<typeof updateIncidentSchema>

export const closeIncidentSchema = z.object({
  /** optional closing note, written to the log as a significant entry */
  note: z.preprocess(blankToUndefined, optionalText(incidentLimits.logBodyMax, incidentErrors.noteTooLong).optional()),
})
export type CloseIncidentInput = z.input<typeof closeIncidentSchema>

// --- log entries -----------------------------------------------------------------------------

/** A log entry; `now` bounds occurredAt (not more than five minutes ahead). */
export function logEntrySchema(now: Date = new Date()) {
  return z.object({
    body: text(incidentLimits.logBodyMax, incidentErrors.bodyRequired, incidentErrors.bodyTooLong),
    occurredAt: z.preprocess(
      (v) => blankToUndefined(v) ?? now,
      dateTime(incidentErrors.occurredAtInvalid).refine(
        (d) => d.getTime() <= now.getTime() + incidentLimits.futureToleranceMs,
        incidentErrors.occurredAtFuture,
      ),
    ),
    significant: checkbox,
    correctsId: z.preprocess(blankToUndefined, uuid(incidentErrors.correctsInvalid).optional()),
  })
}
export type LogEntryInput = z.input<ReturnType<typeof logEntrySchema>>

// --- tasks -----------------------------------------------------------------------------------

/** assignee: a user id, or '' / null for nobody */
const assignee = z.preprocess(
  (v) => (v === '' ? null : v),
  uuid(incidentErrors.assigneeInvalid).nullable().optional(),
)
const dueAt = z.preprocess((v) => (v === '' ? null : v), dateTime(incidentErrors.dueAtInvalid).nullable().optional())

export const createTaskSchema = z.object({
  title: text(incidentLimits.titleMax, incidentErrors.titleRequired, incidentErrors.titleTooLong),
  location: z.preprocess(blankToUndefined, geoValue),
  assigneeId: assignee,
  dueAt,
  status: z.preprocess(blankToUndefined, enumOf(taskStatuses, incidentErrors.taskStatusInvalid).default('OPEN')),
})
export type CreateTaskInput = z.input<typeof createTaskSchema>

export const updateTaskSchema = z.object({
  title: text(incidentLimits.titleMax, incidentErrors.titleRequired, incidentErrors.titleTooLong).optional(),
  location: z.preprocess(blankToUndefined, geoValue),
  assigneeId: assignee,
  dueAt,
  status: z.preprocess(blankToUndefined, enumOf(taskStatuses, incidentErrors.taskStatusInvalid).optional()),
})
export type UpdateTaskInput = z.input<typeof updateTaskSchema>

// --- errors ----------------------------------------------------------------------------------

/** The first message per top-level field: { title: 'incidents:errors.titleRequired', … }. */
export function toFieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form')
    if (!(key in fields)) fields[key] = issue.message.startsWith('incidents:') ? issue.message : 'errors:invalid'
  }
  return fields
}
