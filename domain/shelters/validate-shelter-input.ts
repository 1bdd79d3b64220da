// One shelter's fields, checked the same way for a form and a CSV row: the schema, then the place
// inside the territory (with the usual tolerance). Returns the input or the errors per field.
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { isInsideTerritory } from '#domain/geo/validate-area.ts'
import { shelterErrors } from './shelter-errors.ts'
import { shelterFieldErrors, shelterInputSchema, type ShelterInput } from './schemas.ts'

export type ShelterInputCheck = { ok: true; input: ShelterInput } | { ok: false; fields: Record<string, string> }

export function validateShelterInput(raw: unknown, boundary: PolygonalGeometry): ShelterInputCheck {
  const result = shelterInputSchema.safeParse(raw ?? {})
  if (!result.success) return { ok: false, fields: shelterFieldErrors(result.error) }
  const input = result.data
  const round7 = (n: number) => Math.round(n * 1e7) / 1e7
  input.lat = round7(input.lat)
  input.lng = round7(input.lng)
  if (!isInsideTerritory({ type: 'Point', coordinates: [input.lng, input.lat] }, boundary)) {
    return { ok: false, fields: { lat: shelterErrors.outsideTerritory, lng: shelterErrors.outsideTerritory } }
  }
  return { ok: true, input }
}
