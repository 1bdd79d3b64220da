// A stored draft checked again for its preview (time passes: an expiry may now lie in the past):
// the validated alert, or the errors per composer field.
import { isAppError } from '#domain/errors.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { appLanguageOf } from '#notify/cap/languages.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import type { AlertIdentityFields } from './compose-alert.ts'
import { composerFieldOf } from './composer-fields.ts'
import { NAMED_AREA_GEOCODE } from './issue-cap-alert.ts'

type Payload = { info?: { language?: string; area?: { geocode?: { valueName: string }[] }[] }[] }

export function validateDraftPayload(options: {
  payload: unknown
  identity: AlertIdentityFields
  boundary: PolygonalGeometry
}): { alert: CapAlert; errors: null } | { alert: null; errors: Record<string, string> } {
  try {
    return { alert: validateAlert({ input: { ...(options.payload as object), ...options.identity }, boundary: options.boundary }), errors: null }
  } catch (error) {
    if (!isAppError(error) || !error.fields) throw error
    const info = (options.payload as Payload).info ?? []
    const languages = info.map((i) => appLanguageOf(i.language ?? '') ?? 'lv')
    const areas = info[0]?.area ?? []
    const drawn = areas.findIndex((a) => !(a.geocode ?? []).some((g) => g.valueName === NAMED_AREA_GEOCODE))
    const errors: Record<string, string> = {}
    for (const [path, key] of Object.entries(error.fields)) errors[composerFieldOf(path, languages, drawn >= 0 ? drawn : null)] ??= key
    return { alert: null, errors }
  }
}
