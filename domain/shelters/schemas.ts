// Input schemas of the shelter functions (shared by forms, CSV rows and scripts). Messages are
// i18n keys; parseShelterInput turns a refusal into AppError INVALID_INPUT with one key per field.
import { z } from 'zod'
import { AppError } from '#domain/errors.ts'
import { shelterErrors } from './shelter-errors.ts'

export const shelterKinds = ['CATEGORY_I', 'CATEGORY_II', 'CATEGORY_III', 'SHORT_STAY', 'EVACUATION_POINT', 'WARMING_COOLING_CENTRE'] as const
export const shelterStatuses = ['STANDBY', 'OPENING', 'OPEN', 'FULL', 'CLOSED'] as const
export const householdNeeds = ['WHEELCHAIR', 'MEDICATION', 'OXYGEN', 'INFANT', 'PET', 'DIET', 'OTHER'] as const
export const amenityFields = ['powerBackup', 'water', 'heating', 'beds', 'firstAid'] as const
export const accessibilityFields = ['stepFree', 'accessibleToilet'] as const
export const flagFields = [...accessibilityFields, 'petsAllowed', ...amenityFields] as const

const TRUE = new Set(['true', 'on', '1', 'yes', 'y', 'x', 'jā', 'ja', 'да', 'д'])
const FALSE = new Set(['false', 'off', '0', 'no', 'n', 'nē', 'ne', 'нет', 'н'])

/** Checkbox ("on" or absent), CSV (yes/no in lv, en, ru) or a boolean. */
export const flag = z.preprocess((value) => {
  if (value === undefined || value === null || value === '') return false
  if (typeof value === 'boolean') return value
  const text = String(value).trim().toLowerCase()
  if (TRUE.has(text)) return true
  if (FALSE.has(text)) return false
  return value
}, z.boolean({ invalid_type_error: shelterErrors.boolean }))

const text = (max: number) => z.string({ required_error: shelterErrors.required }).trim().min(1, shelterErrors.required).max(max, shelterErrors.tooLong)
const optionalText = (max: number) => z.string().trim().max(max, shelterErrors.tooLong).optional().default('')
const count = z.coerce.number({ invalid_type_error: shelterErrors.capacity }).int(shelterErrors.capacity).min(0, shelterErrors.capacity).max(100_000, shelterErrors.capacity)

export const shelterInputSchema = z
  .object({
    code: text(40).pipe(z.string().regex(/^[\p{L}\p{N}._/-]+$/u, shelterErrors.invalid)),
    name: text(200),
    kind: z.enum(shelterKinds, { errorMap: () => ({ message: shelterErrors.kind }) }),
    address: text(300),
    lat: z.coerce.number({ required_error: shelterErrors.required, invalid_type_error: shelterErrors.coordinates }).min(-90, shelterErrors.coordinates).max(90, shelterErrors.coordinates),
    lng: z.coerce.number({ required_error: shelterErrors.required, invalid_type_error: shelterErrors.coordinates }).min(-180, shelterErrors.coordinates).max(180, shelterErrors.coordinates),
    capacityDay: count,
    capacityNight: count,
    stepFree: flag,
    accessibleToilet: flag,
    petsAllowed: flag,
    powerBackup: flag,
    water: flag,
    heating: flag,
    beds: flag,
    firstAid: flag,
    responsibleName: optionalText(200),
    responsiblePhone: optionalText(50),
    responsibleEmail: optionalText(200).refine((v) => v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), shelterErrors.invalid),
    openingProcedure: optionalText(4000),
  })
  .refine((s) => s.capacityDay + s.capacityNight > 0, { path: ['capacityDay'], message: shelterErrors.capacity })
export type ShelterInput = z.output<typeof shelterInputSchema>
export const shelterFields = Object.keys(shelterInputSchema._def.schema.shape) as (keyof ShelterInput)[]

export const statusChangeSchema = z.object({
  status: z.enum(['STANDBY', 'OPENING', 'OPEN', 'CLOSED'], { errorMap: () => ({ message: shelterErrors.transition }) }),
  incidentId: z.string().uuid(shelterErrors.incidentRequired).optional(),
  note: optionalText(500),
})

export const occupancySchema = z.object({
  direction: z.enum(['IN', 'OUT'], { errorMap: () => ({ message: shelterErrors.invalid }) }),
  people: z.coerce.number({ invalid_type_error: shelterErrors.invalid }).int(shelterErrors.invalid).min(1, shelterErrors.invalid).max(500, shelterErrors.invalid),
  /** households (only when switched on): check a household in (IN) or out (OUT, householdId) */
  householdLabel: optionalText(80),
  householdId: z.string().uuid(shelterErrors.invalid).optional(),
  needs: z
    .preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(householdNeeds, { errorMap: () => ({ message: shelterErrors.invalid }) })).max(householdNeeds.length))
    .default([]),
  note: optionalText(200),
})

export const inspectionSchema = z.object({
  inspectedAt: z.coerce.date({ invalid_type_error: shelterErrors.invalid, required_error: shelterErrors.required }),
  inspectorName: text(200),
  findings: optionalText(4000),
  /** one defect per line */
  defects: z
    .preprocess((v) => (typeof v === 'string' ? v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : v ?? []), z.array(z.string().max(500, shelterErrors.tooLong)).max(50, shelterErrors.tooLong))
    .default([]),
})

export const defectTaskSchema = z.object({
  incidentId: z.string({ required_error: shelterErrors.incidentRequired }).uuid(shelterErrors.incidentRequired),
})

/** Parses with one of the schemas above; a refusal is INVALID_INPUT with one key per field. */
export function parseShelterInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return result.data
  throw new AppError('INVALID_INPUT', 'Invalid input', { fields: shelterFieldErrors(result.error) })
}

export function shelterFieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form')
    if (key in fields) continue
    if (/^(shelters|errors):/.test(issue.message)) fields[key] = issue.message
    else if (issue.code === 'invalid_type' && issue.received === 'undefined') fields[key] = shelterErrors.required
    else if (issue.code === 'too_big') fields[key] = shelterErrors.tooLong
    else fields[key] = shelterErrors.invalid
  }
  return fields
}
