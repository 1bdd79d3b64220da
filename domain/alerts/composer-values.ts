// The composer's values for a stored alert or draft payload (the reverse of composeAlert): to
// edit a draft, and to start an Update, Cancel or all-clear from the alert it refers to. The
// channels are not in the CAP: the draft (or the alert) carries them beside it.
import { toLocalInputValue } from '#domain/incidents/datetime.ts'
import { capPolygonToGeoJson, parseCapCircle, parseCapPolygon } from '#notify/cap/cap-geometry.ts'
import { parseCapTime } from '#notify/cap/cap-time.ts'
import { appLanguageOf } from '#notify/cap/languages.ts'
import type { CapArea, CapInfo, CapReference } from '#notify/cap/types.ts'
import type { ComposerValues, GroupPicks } from './composer-fields.ts'
import { NAMED_AREA_GEOCODE } from './issue-cap-alert.ts'
import { smsTextParameter } from '#notify/dispatch/render-sms.ts'

type PayloadLike = {
  status?: string
  msgType?: string
  note?: string
  references?: (CapReference | string)[]
  info?: Partial<CapInfo>[]
}

const localTime = (value: string | undefined) => {
  if (!value) return undefined
  const r = parseCapTime(value)
  return r.ok ? toLocalInputValue(new Date(r.ms)) : undefined
}

export const referenceText = (r: CapReference | string) => (typeof r === 'string' ? r : `${r.sender},${r.identifier},${r.sent}`)

/** The drawn area (the first area that is not a named area) as the map's DrawnArea JSON. */
function drawnOf(areas: Partial<CapArea>[]): { area?: string; areaLabel?: string } {
  const drawn = areas.find((a) => !(a.geocode ?? []).some((g) => g.valueName === NAMED_AREA_GEOCODE))
  if (!drawn) return {}
  const polygon = drawn.polygon?.[0] ? parseCapPolygon(drawn.polygon[0]) : null
  if (polygon) return { area: JSON.stringify(capPolygonToGeoJson(polygon)), areaLabel: drawn.areaDesc }
  const circle = drawn.circle?.[0] ? parseCapCircle(drawn.circle[0]) : null
  if (circle) {
    return {
      area: JSON.stringify({ type: 'Circle', center: [circle.lon, circle.lat], radiusM: Math.round(circle.radiusKm * 1000 * 10) / 10 }),
      areaLabel: drawn.areaDesc,
    }
  }
  return { areaLabel: drawn.areaDesc }
}

export function composerValuesOf(payload: PayloadLike, channels?: string[], picks?: GroupPicks): ComposerValues {
  const info = payload.info ?? []
  const first = info[0] ?? {}
  const areas = (first.area ?? []) as Partial<CapArea>[]
  const values: ComposerValues = {
    status: payload.status,
    msgType: payload.msgType,
    note: payload.note,
    references: (payload.references ?? []).map(referenceText),
    category: first.category ?? [],
    responseType: first.responseType ?? [],
    urgency: first.urgency,
    severity: first.severity,
    certainty: first.certainty,
    onset: localTime(first.onset),
    expires: localTime(first.expires),
    namedAreaIds: areas.flatMap((a) => (a.geocode ?? []).filter((g) => g.valueName === NAMED_AREA_GEOCODE).map((g) => g.value)),
    ...drawnOf(areas),
    ...(channels ? { channels } : {}),
    ...(picks ?? {}),
  }
  for (const block of info) {
    const language = appLanguageOf(block.language ?? '')
    if (!language) continue
    values[`${language}.event`] = block.event
    values[`${language}.headline`] = block.headline
    values[`${language}.description`] = block.description
    values[`${language}.instruction`] = block.instruction
    values[`${language}.sms`] = smsTextParameter({ parameter: block.parameter ?? [] })
  }
  return values
}
