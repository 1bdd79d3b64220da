// A stored draft checked again for its preview (time passes: an expiry may now lie in the past):
// the validated alert, or the errors per composer field — the channels too, when given (a draft
// saved before a channel was withdrawn from the composer names one it no longer offers).
import { isAppError } from '#domain/errors.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { appLanguageOf } from '#notify/cap/languages.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import type { AlertIdentityFields } from './compose-alert.ts'
import { composerFieldOf, parseComposerChannels } from './composer-fields.ts'
import { NAMED_AREA_GEOCODE } from './issue-cap-alert.ts'

type Payload = { info?: { language?: string; area?: { geocode?: { valueName: string }[] }[] }[] }

export function validateDraftPayload(options: {
  payload: unknown
  identity: AlertIdentityFields
  boundary: PolygonalGeometry
  /** the draft's channels */
  channels?: unknown
}): { alert: CapAlert; errors: null } | { alert: null; errors: Record<string, string> } {
  const channelError = options.channels === undefined ? null : parseComposerChannels(options.channels).error
  try {
    const alert = validateAlert({ input: { ...(options.payload as object), ...options.identity }, boundary: options.boundary })
    return channelError ? { alert: null, errors: { channels: channelError } } : { alert, errors: null }
  } catch (error) {
    if (!isAppError(error) || !error.fields) throw error
    const info = (options.payload as Payload).info ?? []
    const languages = info.map((i) => appLanguageOf(i.language ?? '') ?? 'lv')
    const areas = info[0]?.area ?? []
    const drawn = areas.findIndex((a) => !(a.geocode ?? []).some((g) => g.valueName === NAMED_AREA_GEOCODE))
    const errors: Record<string, string> = channelError ? { channels: channelError } : {}
    for (const [path, key] of Object.entries(error.fields)) errors[composerFieldOf(path, languages, drawn >= 0 ? drawn : null)] ??= key
    return { alert: null, errors }
  }
}
