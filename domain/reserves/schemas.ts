// Input schemas for the reserves functions, shared by the server and the forms (browser-safe:
// zod and type-only imports). Messages are i18n keys (namespace reserves).
import { z } from 'zod'
import type { ReserveCategory, ReserveNormBasis } from '#generated/prisma/enums.ts'
import { calendarDay } from './calendar-day.ts'
import { reserveErrors as e } from './reserve-errors.ts'

export const reserveCategories = [
  'WATER',
  'FOOD',
  'SHELTER',
  'HYGIENE',
  'MEDICAL',
  'ENERGY',
  'FLOOD_PROTECTION',
  'OTHER',
] as const satisfies readonly ReserveCategory[]
export const normBases = ['PERSON_DAY', 'PERSON'] as const satisfies readonly ReserveNormBasis[]
export const writeOffReasons = ['EXPIRED', 'DAMAGED', 'LOST'] as const
export type WriteOffReason = (typeof writeOffReasons)[number]
/** issue targets: kind + id + label; shelters join when the shelter registry exists */
export const issueTargetKinds = ['incident', 'shelter', 'recipient'] as const
export type IssueTargetKind = (typeof issueTargetKinds)[number]
export const reserveUnits = ['l', 'kg', 'pcs', 'set', 'ration', 'pack', 'm'] as const

export const reserveLimits = { quantityMax: 100_000_000, textMax: 500, noteMax: 2000, linesMax: 50 } as const

const id = z.string({ required_error: e.required, invalid_type_error: e.required }).trim().uuid(e.invalid)
const text = (max: number = reserveLimits.textMax) => z.string({ invalid_type_error: e.invalid }).trim().max(max, e.invalid)
const requiredText = (max: number = reserveLimits.textMax) =>
  z.string({ required_error: e.required, invalid_type_error: e.required }).trim().min(1, e.required).max(max, e.invalid)
/** a whole positive number of the item's unit (forms send strings) */
export const quantitySchema = z.coerce
  .number({ invalid_type_error: e.quantity, required_error: e.quantity })
  .int(e.quantity)
  .positive(e.quantity)
  .max(reserveLimits.quantityMax, e.quantity)
const countSchema = z.coerce.number({ invalid_type_error: e.quantity }).int(e.quantity).min(0, e.quantity).max(reserveLimits.quantityMax, e.quantity)
const optionalDay = z
  .union([z.string(), z.date(), z.null(), z.undefined()])
  .transform((value, ctx) => {
    if (value === null || value === undefined || value === '') return null
    const day = calendarDay(value instanceof Date ? value.toISOString().slice(0, 10) : value, 'UTC')
    if (!day) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: e.date })
      return z.NEVER
    }
    return day
  })
const optionalInstant = z.union([z.date(), z.string().datetime({ offset: true }), z.undefined()]).transform((v) =>
  v === undefined ? undefined : new Date(v),
)
const explicitLots = z
  .array(z.object({ lotId: id, quantity: quantitySchema }))
  .max(reserveLimits.linesMax, e.invalid)
  .optional()

export const receiveSchema = z.object({
  warehouseId: id,
  itemId: id,
  quantity: quantitySchema,
  /** "YYYY-MM-DD"; from the item's shelf life when absent */
  expiresOn: optionalDay,
  source: requiredText(),
  batchCode: text(100).default(''),
  receivedAt: optionalInstant,
  note: text(reserveLimits.noteMax).default(''),
})

export const issueTargetSchema = z.object({
  kind: z.enum(issueTargetKinds, { errorMap: () => ({ message: e.invalid }) }),
  /** incident or shelter id; absent for a named recipient */
  id: z.string().trim().uuid(e.invalid).optional().or(z.literal('').transform(() => undefined)),
  /** a named recipient's name (and organisation); filled from the incident/shelter otherwise */
  label: text(200).optional(),
})

export const issueLineSchema = z.object({
  warehouseId: id,
  itemId: id,
  quantity: quantitySchema,
  /** explicit lots; FIFO by soonest expiry when absent */
  lots: explicitLots,
})

export const issueSchema = z.object({
  target: issueTargetSchema,
  lines: z.array(issueLineSchema).min(1, e.required).max(reserveLimits.linesMax, e.invalid),
  note: text(reserveLimits.noteMax).default(''),
  occurredAt: optionalInstant,
})

export const transferSchema = z.object({
  fromWarehouseId: id,
  toWarehouseId: id,
  itemId: id,
  quantity: quantitySchema,
  lots: explicitLots,
  note: text(reserveLimits.noteMax).default(''),
  occurredAt: optionalInstant,
})

export const writeOffSchema = z.object({
  lotId: id,
  quantity: quantitySchema,
  reason: z.enum(writeOffReasons, { errorMap: () => ({ message: e.reason }) }),
  note: text(reserveLimits.noteMax).default(''),
  occurredAt: optionalInstant,
})

export const stocktakeSchema = z.object({
  warehouseId: id,
  counts: z.array(z.object({ lotId: id, counted: countSchema })).min(1, e.nothingCounted).max(1000, e.invalid),
  note: text(reserveLimits.noteMax).default(''),
  occurredAt: optionalInstant,
})

const longitude = z.coerce.number({ invalid_type_error: e.location }).min(-180, e.location).max(180, e.location)
const latitude = z.coerce.number({ invalid_type_error: e.location }).min(-90, e.location).max(90, e.location)

export const warehouseSchema = z.object({
  name: requiredText(200),
  address: requiredText(300),
  lng: longitude,
  lat: latitude,
  responsibleName: text(200).default(''),
  responsiblePhone: text(50).default(''),
  responsibleEmail: z.union([z.literal(''), z.string().trim().email(e.invalid)]).default(''),
  active: z.boolean().default(true),
})

export const reserveItemSchema = z
  .object({
    code: z.string({ required_error: e.required }).trim().toUpperCase().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, e.invalid),
    nameLv: requiredText(200),
    nameEn: requiredText(200),
    nameRu: requiredText(200),
    category: z.enum(reserveCategories, { errorMap: () => ({ message: e.invalid }) }),
    unit: z.enum(reserveUnits, { errorMap: () => ({ message: e.invalid }) }),
    shelfLifeDays: z.coerce.number().int(e.invalid).positive(e.invalid).max(36_500, e.invalid).nullable().default(null),
    expiryWarningDays: z.coerce.number().int(e.invalid).min(0, e.invalid).max(3650, e.invalid).default(30),
    normQuantity: z.coerce.number({ invalid_type_error: e.invalid }).positive(e.invalid).max(1_000_000, e.invalid).nullable().default(null),
    normBasis: z.enum(normBases, { errorMap: () => ({ message: e.invalid }) }).nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if ((v.normQuantity === null) !== (v.normBasis === null)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['normBasis'], message: e.required })
    }
  })

export const minimumLevelSchema = z.object({ warehouseId: id, itemId: id, quantity: countSchema })
