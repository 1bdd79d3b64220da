// /api/alerts/active: the active alerts as a GeoJSON FeatureCollection (RFC 7946), one Feature per
// alert; its geometry joins every polygon and circle of every area (circles as 64-gons), and its
// properties carry the texts per language for the public map.
import { alertAreaGeometry, type AlertAreaGeometry, type ResolveGeocode } from '#notify/cap/alert-area.ts'
import { appLanguageOf } from '#notify/cap/languages.ts'
import { capSeverities, type CapAlert, type CapSeverity } from '#notify/cap/types.ts'
import { capAlertUrl } from './feed-urls.ts'
import { alertExpiresMs, selectActiveAlerts } from './select-alerts.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'

export type ActiveAlertInfo = {
  language: string
  appLanguage: string | null
  event: string
  headline?: string
  description?: string
  instruction?: string
  severity: CapSeverity
  urgency: string
  certainty: string
  onset?: string
  expires?: string
  areaDesc: string[]
}

export type ActiveAlertFeature = {
  type: 'Feature'
  id: string
  geometry: AlertAreaGeometry | null
  properties: {
    identifier: string
    sender: string
    sent: string
    msgType: string
    status: string
    /** the most severe of the info blocks */
    severity: CapSeverity
    expires: string | null
    capUrl: string
    info: ActiveAlertInfo[]
  }
}

export type ActiveAlertsCollection = { type: 'FeatureCollection'; features: ActiveAlertFeature[] }

export type BuildActiveAlertsGeoJsonOptions = {
  alerts: CapAlert[]
  now: Date
  baseUrl: string
  /** geometry of a geocode (e.g. a named area of the territory); null when unknown */
  resolveGeocode?: ResolveGeocode
}

export function buildActiveAlertsGeoJson(options: BuildActiveAlertsGeoJsonOptions): ActiveAlertsCollection {
  const alerts = selectActiveAlerts({ alerts: options.alerts, now: options.now })
  return {
    type: 'FeatureCollection',
    features: alerts.map((alert) => {
      const expires = alertExpiresMs(alert)
      const severity = capSeverities.find((s) => alert.info.some((i) => i.severity === s)) ?? 'Unknown'
      return {
        type: 'Feature',
        id: alert.identifier,
        geometry: alertAreaGeometry(alert, options.resolveGeocode),
        properties: {
          identifier: alert.identifier,
          sender: alert.sender,
          sent: alert.sent,
          msgType: alert.msgType,
          status: alert.status,
          severity,
          expires: expires === undefined ? null : formatCapTime(expires),
          capUrl: capAlertUrl(options.baseUrl, alert.identifier),
          info: alert.info.map((i) => ({
            language: i.language,
            appLanguage: appLanguageOf(i.language),
            event: i.event,
            headline: i.headline,
            description: i.description,
            instruction: i.instruction,
            severity: i.severity,
            urgency: i.urgency,
            certainty: i.certainty,
            onset: i.onset,
            expires: i.expires,
            areaDesc: i.area.map((a) => a.areaDesc),
          })),
        },
      }
    }),
  }
}
