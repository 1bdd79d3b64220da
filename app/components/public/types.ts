// Plain data of the resident pages (browser-safe: what the loaders hand to the components).
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'

export type PublicTerritory = { id: string; name: string; demo: boolean; boundary: PolygonalGeometry }

export type AlertSeverityName = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown'

export type AlertView = {
  identifier: string
  /** /alerts/{identifier} */
  url: string
  /** /feeds/cap/{identifier}.xml */
  capUrl: string
  sender: string
  sentMs: number
  msgType: string
  /** the most severe of the info blocks */
  severity: AlertSeverityName
  urgency: string
  certainty: string
  /** the app language of the info block shown (null: a language we do not speak) */
  language: 'lv' | 'en' | 'ru' | null
  languageTag: string | null
  event: string
  headline: string
  description: string
  instruction: string
  areas: string[]
  web: string | null
  contact: string | null
  onsetMs: number | null
  /** null: it names no expiry */
  expiresMs: number | null
  geometry: PolygonalGeometry | null
  supersededAtMs: number | null
}

export type PlaceChoice = { label: string; kind: 'point' | 'area' | 'location'; places: Position[] }
