// Validation of an alert as the composer, the API or the CAP XML reader submits it: a plain object
// in the shape of CapAlert (times as zoned ISO strings, polygons/circles as CAP strings). Returns a
// normalised CapAlert or throws AppError INVALID_INPUT whose `fields` name every wrong field by
// path (`identifier`, `info.0.expires`, `info.1.area.0.polygon.0`) with a message key.
import { z } from 'zod'
import { AppError, isAppError } from '#domain/errors.ts'
import { geoErrors, geoLimits, type PolygonalGeometry } from '#domain/geo/types.ts'
import { circleToPolygon, isInsideTerritory, validatePolygonShape } from '#domain/geo/validate-area.ts'
import { capPolygonToGeoJson, formatCapCircle, formatCapPolygon, parseCapCircle, parseCapPolygon } from './cap-geometry.ts'
import { capTimeToMs, formatCapTime, parseCapTime } from './cap-time.ts'
import {
  capCategories,
  capCertainties,
  capDefaultLanguage,
  capErrors,
  capLimits,
  capMsgTypes,
  capResponseTypes,
  capScopes,
  capSeverities,
  capStatuses,
  capUrgencies,
  type CapAlert,
  type CapReference,
} from './types.ts'

export type ValidateAlertOptions = {
  /** the submitted alert (unknown: anything may arrive) */
  input: unknown
  /** the territory boundary every polygon and circle must lie in */
  boundary: PolygonalGeometry
  /** how far (metres) an area may reach beyond the boundary; default geoLimits.territoryToleranceM */
  toleranceM?: number
}

// C0 controls other than tab/newline/return, U+FFFE/U+FFFF and lone surrogates cannot be written as XML.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
/** identifier, sender: visible ASCII without space, comma, < or & (CAP 1.2 §3.2.1) */
const TOKEN = /^[!-~]+$/
const TOKEN_FORBIDDEN = /[,<&]/
const LANGUAGE = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

const blankToUndefined = (v: unknown) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v)
const oneToMany = (v: unknown) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v])
const numeric = (v: unknown) => (typeof v === 'string' && DECIMAL.test(v.trim()) ? Number(v.trim()) : v)

const text = (max: number) =>
  z
    .string({ required_error: capErrors.required, invalid_type_error: capErrors.invalid })
    .trim()
    .min(1, capErrors.empty)
    .max(max, capErrors.tooLong)
    .refine((s) => !NOT_XML_CHAR.test(s), capErrors.invalidCharacters)

/** Optional text: null or whitespace-only counts as absent. */
const optionalText = (max: number) => z.preprocess(blankToUndefined, text(max).optional())

const token = (max: number, key: string) =>
  z
    .string({ required_error: capErrors.required, invalid_type_error: capErrors.invalid })
    .min(1, capErrors.required)
    .max(max, capErrors.tooLong)
    .refine((s) => TOKEN.test(s) && !TOKEN_FORBIDDEN.test(s), key)

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    errorMap: (_issue, ctx) => ({ message: ctx.data === undefined ? capErrors.required : capErrors.unknownValue }),
  })
}

const manyOf = <T extends z.ZodTypeAny>(item: T, max: number) =>
  z.preprocess(oneToMany, z.array(item).max(max, capErrors.tooMany))

const time = z.unknown().transform((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: capErrors.required })
    return z.NEVER
  }
  const r = parseCapTime(value)
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.key })
    return z.NEVER
  }
  return formatCapTime(r.ms)
})
const optionalTime = z.preprocess(blankToUndefined, time.optional())

const valuePair = z.object({
  valueName: text(capLimits.shortTextMax),
  value: text(capLimits.shortTextMax),
})

const url = z
  .string({ invalid_type_error: capErrors.invalid })
  .max(2000, capErrors.tooLong)
  .refine((s) => {
    try {
      const u = new URL(s)
      return (u.protocol === 'https:' || u.protocol === 'http:') && !NOT_XML_CHAR.test(s) && !/\s/.test(s)
    } catch {
      return false
    }
  }, capErrors.urlInvalid)
const optionalUrl = z.preprocess(blankToUndefined, url.optional())

const decimal = z.preprocess(
  numeric,
  z.number({ invalid_type_error: capErrors.invalid }).finite(capErrors.invalid).min(-1e9, capErrors.invalid).max(1e9, capErrors.invalid),
)

function parseReference(value: unknown): CapReference | null {
  let sender: unknown, identifier: unknown, sent: unknown
  if (typeof value === 'string') {
    const parts = value.split(',')
    if (parts.length !== 3) return null
    ;[sender, identifier, sent] = parts
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    ;({ sender, identifier, sent } = value as Record<string, unknown>)
  } else return null
  const ok = (s: unknown) => typeof s === 'string' && s.length <= capLimits.identifierMax && TOKEN.test(s) && !TOKEN_FORBIDDEN.test(s)
  if (!ok(sender) || !ok(identifier)) return null
  const t = parseCapTime(sent)
  if (!t.ok) return null
  return { sender: sender as string, identifier: identifier as string, sent: formatCapTime(t.ms) }
}

const reference = z.unknown().transform((value, ctx) => {
  const ref = parseReference(value)
  if (!ref) {
    ctx.addIssue({ code: 'custom', message: capErrors.referenceInvalid })
    return z.NEVER
  }
  return ref
})
/** CAP writes references as whitespace-separated "sender,identifier,sent" triples. */
const references = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : oneToMany(v)),
  z.array(reference).max(capLimits.referencesMax, capErrors.tooMany),
)

function geometrySchemas(boundary: PolygonalGeometry, toleranceM: number) {
  const polygon = z.string({ invalid_type_error: capErrors.polygonFormat }).transform((value, ctx) => {
    const points = parseCapPolygon(value)
    if (!points) {
      ctx.addIssue({ code: 'custom', message: capErrors.polygonFormat })
      return z.NEVER
    }
    try {
      const shape = validatePolygonShape(capPolygonToGeoJson(points), 'polygon')
      if (!isInsideTerritory(shape, boundary, toleranceM)) {
        ctx.addIssue({ code: 'custom', message: geoErrors.areaOutsideTerritory })
        return z.NEVER
      }
    } catch (error) {
      if (!isAppError(error)) throw error
      ctx.addIssue({ code: 'custom', message: error.fields?.polygon ?? geoErrors.areaInvalid })
      return z.NEVER
    }
    return formatCapPolygon(points)
  })
  const circle = z.string({ invalid_type_error: capErrors.circleFormat }).transform((value, ctx) => {
    const c = parseCapCircle(value)
    if (!c) {
      ctx.addIssue({ code: 'custom', message: capErrors.circleFormat })
      return z.NEVER
    }
    const radiusKm = Math.round(c.radiusKm * 1e4) / 1e4
    if (!(radiusKm > 0) || radiusKm > capLimits.radiusKmMax) {
      ctx.addIssue({ code: 'custom', message: geoErrors.radiusInvalid })
      return z.NEVER
    }
    if (!isInsideTerritory(circleToPolygon([c.lon, c.lat], radiusKm * 1000), boundary, toleranceM)) {
      ctx.addIssue({ code: 'custom', message: geoErrors.areaOutsideTerritory })
      return z.NEVER
    }
    return formatCapCircle({ ...c, radiusKm })
  })
  return { polygon, circle }
}

function alertSchema(boundary: PolygonalGeometry, toleranceM: number) {
  const { polygon, circle } = geometrySchemas(boundary, toleranceM)
  const area = z
    .object({
      areaDesc: text(capLimits.areaDescMax),
      polygon: manyOf(polygon, capLimits.polygonsPerAreaMax),
      circle: manyOf(circle, capLimits.circlesPerAreaMax),
      geocode: manyOf(valuePair, capLimits.pairsMax),
      altitude: decimal.optional(),
      ceiling: decimal.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.polygon.length + a.circle.length + a.geocode.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['polygon'], message: capErrors.areaEmpty })
      }
      if (a.ceiling !== undefined && a.altitude === undefined) {
        ctx.addIssue({ code: 'custom', path: ['ceiling'], message: capErrors.ceilingWithoutAltitude })
      } else if (a.ceiling !== undefined && a.altitude !== undefined && a.ceiling < a.altitude) {
        ctx.addIssue({ code: 'custom', path: ['ceiling'], message: capErrors.ceilingBelowAltitude })
      }
    })

  const resource = z.object({
    resourceDesc: text(capLimits.shortTextMax),
    mimeType: text(capLimits.shortTextMax),
    size: z.preprocess(numeric, z.number({ invalid_type_error: capErrors.invalid }).int(capErrors.invalid).nonnegative(capErrors.invalid).max(Number.MAX_SAFE_INTEGER, capErrors.invalid)).optional(),
    uri: optionalUrl,
    derefUri: optionalText(capLimits.derefUriMax),
    digest: optionalText(capLimits.shortTextMax),
  })

  const info = z.object({
    language: z.preprocess(
      (v) => blankToUndefined(v) ?? capDefaultLanguage,
      z.string({ invalid_type_error: capErrors.languageInvalid }).max(35, capErrors.languageInvalid).regex(LANGUAGE, capErrors.languageInvalid),
    ),
    category: z.preprocess(oneToMany, z.array(enumOf(capCategories)).min(1, capErrors.categoryRequired).max(capCategories.length, capErrors.tooMany)),
    event: text(capLimits.eventMax),
    responseType: manyOf(enumOf(capResponseTypes), capResponseTypes.length),
    urgency: enumOf(capUrgencies),
    severity: enumOf(capSeverities),
    certainty: enumOf(capCertainties),
    audience: optionalText(capLimits.shortTextMax),
    eventCode: manyOf(valuePair, capLimits.pairsMax),
    effective: optionalTime,
    onset: optionalTime,
    expires: optionalTime,
    senderName: optionalText(capLimits.shortTextMax),
    headline: optionalText(capLimits.headlineMax),
    description: optionalText(capLimits.descriptionMax),
    instruction: optionalText(capLimits.instructionMax),
    web: optionalUrl,
    contact: optionalText(capLimits.shortTextMax),
    parameter: manyOf(valuePair, capLimits.pairsMax),
    resource: manyOf(resource, capLimits.resourcesMax),
    area: manyOf(area, capLimits.areaMax),
  })

  return z
    .object({
      identifier: token(capLimits.identifierMax, capErrors.identifierInvalid),
      sender: token(capLimits.senderMax, capErrors.senderInvalid),
      sent: time,
      status: enumOf(capStatuses),
      msgType: enumOf(capMsgTypes),
      source: optionalText(capLimits.shortTextMax),
      scope: enumOf(capScopes),
      restriction: optionalText(capLimits.shortTextMax),
      addresses: optionalText(capLimits.noteMax),
      code: manyOf(text(capLimits.shortTextMax), capLimits.pairsMax),
      note: optionalText(capLimits.noteMax),
      references,
      incidents: optionalText(capLimits.shortTextMax),
      info: manyOf(info, capLimits.infoMax),
    })
}

// Building the schema costs more than using it: one per boundary object and tolerance.
const schemas = new WeakMap<PolygonalGeometry, Map<number, ReturnType<typeof alertSchema>>>()

function schemaFor(boundary: PolygonalGeometry, toleranceM: number) {
  let byTolerance = schemas.get(boundary)
  if (!byTolerance) schemas.set(boundary, (byTolerance = new Map()))
  let schema = byTolerance.get(toleranceM)
  if (!schema) byTolerance.set(toleranceM, (schema = alertSchema(boundary, toleranceM)))
  return schema
}

/** Rules across fields, once every field is valid on its own. */
function crossCheck(alert: CapAlert): Record<string, string> {
  const fields: Record<string, string> = {}
  const issue = (path: (string | number)[], message: string) => {
    fields[path.join('.')] ??= message
  }
  if (alert.scope === 'Restricted' && !alert.restriction) issue(['restriction'], capErrors.restrictionRequired)
  if (alert.scope === 'Private' && !alert.addresses) issue(['addresses'], capErrors.addressesRequired)
  if (alert.msgType !== 'Alert' && alert.references.length === 0) issue(['references'], capErrors.referencesRequired)
  alert.references.forEach((ref, i) => {
    if (ref.identifier === alert.identifier && ref.sender === alert.sender) issue(['references', i], capErrors.referenceToSelf)
  })
  // What goes to residents says what happens, where: an Alert or Update needs its text and area.
  const needsContent = alert.msgType === 'Alert' || alert.msgType === 'Update'
  if (needsContent && alert.info.length === 0) issue(['info'], capErrors.infoRequired)
  const sent = capTimeToMs(alert.sent)
  const languages = new Set<string>()
  alert.info.forEach((info, i) => {
    const lang = info.language.toLowerCase()
    if (languages.has(lang)) issue(['info', i, 'language'], capErrors.languageDuplicate)
    languages.add(lang)
    if (needsContent) {
      if (!info.headline) issue(['info', i, 'headline'], capErrors.required)
      if (!info.description) issue(['info', i, 'description'], capErrors.required)
      if (info.area.length === 0) issue(['info', i, 'area'], capErrors.areaRequired)
    }
    if (info.expires) {
      const expires = capTimeToMs(info.expires)
      if (expires <= sent) issue(['info', i, 'expires'], capErrors.expiresBeforeSent)
      else if (info.onset && expires <= capTimeToMs(info.onset)) issue(['info', i, 'expires'], capErrors.expiresBeforeOnset)
      else if (info.effective && expires <= capTimeToMs(info.effective)) {
        issue(['info', i, 'expires'], capErrors.expiresBeforeEffective)
      }
    }
  })
  return fields
}

/** The message key for one zod issue (ours are the issue's message; zod's own codes are mapped). */
function keyOf(issue: z.ZodIssue): string {
  if (issue.message.startsWith('alerts:') || issue.message.startsWith('incidents:')) return issue.message
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? capErrors.required : capErrors.invalid
    case 'too_big':
      return issue.type === 'array' ? capErrors.tooMany : capErrors.tooLong
    case 'too_small':
      return capErrors.empty
    default:
      return capErrors.invalid
  }
}

function invalid(fields: Record<string, string>): never {
  throw new AppError('INVALID_INPUT', `Invalid alert: ${Object.keys(fields).join(', ')}`, { fields })
}

/** Validates and normalises an alert. Throws AppError INVALID_INPUT with a key per wrong field. */
export function validateAlert(options: ValidateAlertOptions): CapAlert {
  const { input } = options
  if (input === null || typeof input !== 'object' || Array.isArray(input)) invalid({ alert: capErrors.invalid })
  let size: number
  try {
    size = Buffer.byteLength(JSON.stringify(input) ?? '', 'utf8')
  } catch {
    return invalid({ alert: capErrors.invalid })
  }
  if (size > capLimits.totalBytesMax) invalid({ alert: capErrors.alertTooLarge })

  const result = schemaFor(options.boundary, options.toleranceM ?? geoLimits.territoryToleranceM).safeParse(input)
  if (result.success) {
    const alert = result.data as CapAlert
    const fields = crossCheck(alert)
    return Object.keys(fields).length ? invalid(fields) : alert
  }
  const fields: Record<string, string> = {}
  for (const issue of result.error.issues) {
    const path = issue.path.length ? issue.path.join('.') : 'alert'
    fields[path] ??= keyOf(issue)
  }
  return invalid(fields)
}
