// From the composer's form values to a validated CAP alert: one info block per language that has
// text (Latvian always), the shared fields copied into each, the areas (named areas of the
// territory as a CAP geocode plus their polygons, and the drawn area as a polygon or circle with
// the operator's label), the operator's SMS text of a language as the block's CAP parameter
// SARGS_SMS, and the channels chosen. Validation is notify/cap validateAlert; its field paths are
// mapped back to the composer's inputs, so each error shows next to the input it is about.
import { AppError, isAppError } from '#domain/errors.ts'
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'
import { parseDateTimeInput } from '#domain/incidents/datetime.ts'
import { circleToCap, geoJsonToCapPolygon } from '#notify/cap/cap-geometry.ts'
import { capTimeToMs, formatCapTime } from '#notify/cap/cap-time.ts'
import { capErrors, capLanguageTags, type AppLanguage, type CapAlert } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { composerFieldOf, composerLanguages, composerTexts, defaultComposerChannels, parseComposerChannels } from './composer-fields.ts'
import { NAMED_AREA_GEOCODE } from './issue-cap-alert.ts'
import { smsTextParameters } from './sms-text.ts'

export type ComposerNamedArea = { id: string; name: string; geometry: PolygonalGeometry }
export type AlertIdentityFields = { identifier: string; sender: string; sent: string }

export type ComposeAlertOptions = {
  /** the form values (formToObject: strings, arrays for repeated names) */
  values: Record<string, unknown>
  namedAreas: ComposerNamedArea[]
  identity: AlertIdentityFields
  boundary: PolygonalGeometry
  /** the channels chosen (the form's checkbox group); absent: defaultComposerChannels */
  channels?: unknown
}

export type ComposedAlert = {
  alert: CapAlert
  /** the CAP alert without identity: what a draft stores */
  payload: Omit<CapAlert, 'identifier' | 'sender' | 'sent'>
  namedAreaIds: string[]
  /** what issuing asks the operator to type: the areas' names */
  areaName: string
  /** the channels it goes out on (names of composerChannels, at least one) */
  channels: string[]
}

const str = (v: unknown): string | undefined => {
  if (Array.isArray(v)) v = v[0]
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim())

function drawnArea(raw: string | undefined, fields: Record<string, string>): { polygon: string[]; circle: string[] } | null {
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as { type?: string; coordinates?: unknown; center?: unknown; radiusM?: unknown }
    if (value?.type === 'Polygon' && Array.isArray(value.coordinates) && Array.isArray(value.coordinates[0])) {
      return { polygon: [geoJsonToCapPolygon(value as never)], circle: [] }
    }
    if (value?.type === 'Circle' && Array.isArray(value.center) && typeof value.radiusM === 'number') {
      return { polygon: [], circle: [circleToCap(value.center as [number, number], value.radiusM)] }
    }
  } catch {
    // fall through
  }
  fields.area = 'incidents:errors.areaInvalid'
  return null
}

function time(raw: string | undefined, field: string, fields: Record<string, string>): string | undefined {
  if (!raw) return undefined
  const date = parseDateTimeInput(raw)
  if (!date) {
    fields[field] = capErrors.timeInvalid
    return undefined
  }
  return formatCapTime(date)
}

function outerRings(geometry: PolygonalGeometry): Position[][] {
  return (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates).map((rings) => rings[0])
}

/** The area name typed to confirm issuing: the areas' descriptions, in order, joined. */
export function areaNameOf(alert: Pick<CapAlert, 'info'>): string {
  const names = alert.info[0]?.area.map((a) => a.areaDesc) ?? []
  return [...new Set(names)].join(', ')
}

/** Throws AppError INVALID_INPUT whose fields are composer inputs (lv.headline, expires, area …). */
export function composeAlert(options: ComposeAlertOptions): ComposedAlert {
  const { values } = options
  const fields: Record<string, string> = {}

  const byId = new Map(options.namedAreas.map((a) => [a.id, a]))
  const namedAreaIds = [...new Set(list(values.namedAreaIds))]
  const areas: Record<string, unknown>[] = []
  for (const id of namedAreaIds) {
    const named = byId.get(id)
    if (!named) {
      fields.namedAreaIds = 'alerts:errors.unknownNamedArea'
      continue
    }
    areas.push({
      areaDesc: named.name,
      polygon: outerRings(named.geometry).map((ring) => geoJsonToCapPolygon({ type: 'Polygon', coordinates: [ring] })),
      circle: [],
      geocode: [{ valueName: NAMED_AREA_GEOCODE, value: named.id }],
    })
  }
  const drawn = drawnArea(str(values.area), fields)
  let drawnAreaIndex: number | null = null
  if (drawn) {
    drawnAreaIndex = areas.length
    areas.push({ areaDesc: str(values.areaLabel), ...drawn, geocode: [] })
  } else if (str(values.areaLabel) && namedAreaIds.length === 0 && !fields.area) {
    // a label without a drawn area: the operator forgot to draw
    fields.area = 'alerts:errors.areaRequired'
  }

  const onset = time(str(values.onset), 'onset', fields)
  const expires = time(str(values.expires), 'expires', fields)
  // an SMS text alone does not make a language: it is a shorter form of the block's texts
  const hasText = (language: AppLanguage) => composerTexts.some((t) => str(values[`${language}.${t}`]))
  const languages = composerLanguages.filter((language) => language === 'lv' || hasText(language))
  for (const language of composerLanguages) {
    if (!languages.includes(language) && str(values[`${language}.sms`])) fields[`${language}.sms`] = 'alerts:errors.smsWithoutTexts'
  }
  const msgType = str(values.msgType) ?? 'Alert'
  const chosen = parseComposerChannels(options.channels === undefined ? defaultComposerChannels : options.channels)
  if (chosen.error) fields.channels = chosen.error

  const payload = {
    status: str(values.status),
    msgType,
    scope: 'Public',
    note: str(values.note),
    code: [],
    references: list(values.references),
    info: languages.map((language) => ({
      language: capLanguageTags[language],
      category: list(values.category),
      event: str(values[`${language}.event`]),
      responseType: list(values.responseType),
      urgency: str(values.urgency),
      severity: str(values.severity),
      certainty: str(values.certainty),
      eventCode: [],
      onset,
      expires,
      headline: str(values[`${language}.headline`]),
      description: str(values[`${language}.description`]),
      instruction: str(values[`${language}.instruction`]),
      parameter: smsTextParameters(str(values[`${language}.sms`])),
      resource: [],
      area: areas,
    })),
  }

  // the cross-field rules validateAlert checks only once every field is valid on its own: checked
  // here too, so the operator sees every problem at once
  if (msgType === 'Alert' || msgType === 'Update') {
    for (const info of payload.info) {
      const language = languages[payload.info.indexOf(info)]
      if (!info.headline) fields[`${language}.headline`] ??= capErrors.required
      if (!info.description) fields[`${language}.description`] ??= capErrors.required
    }
  }
  if (expires && !fields.expires) {
    const expiresMs = capTimeToMs(expires)
    if (expiresMs <= capTimeToMs(options.identity.sent)) fields.expires = capErrors.expiresBeforeSent
    else if (onset && expiresMs <= capTimeToMs(onset)) fields.expires = capErrors.expiresBeforeOnset
  }

  let alert: CapAlert | null = null
  try {
    alert = validateAlert({ input: { ...payload, ...options.identity }, boundary: options.boundary })
  } catch (error) {
    if (!isAppError(error) || error.code !== 'INVALID_INPUT') throw error
    for (const [path, key] of Object.entries(error.fields ?? {})) {
      // the identity is ours, not the operator's: never blame a field for it
      const field = composerFieldOf(path, languages, drawnAreaIndex)
      fields[field] ??= key
    }
  }
  if (!alert || Object.keys(fields).length) {
    throw new AppError('INVALID_INPUT', `Invalid alert: ${Object.keys(fields).join(', ')}`, { fields })
  }
  const { identifier: _i, sender: _s, sent: _t, ...rest } = alert
  return { alert, payload: rest, namedAreaIds, areaName: areaNameOf(alert), channels: chosen.channels }
}
