// The public feeds' stable URLs (issue 3: /feeds/alerts.atom, /feeds/cap.atom,
// /feeds/cap/{identifier}.xml, /api/alerts/active) and the public page of an alert.
import type { AppLanguage } from '#notify/cap/types.ts'

const trim = (baseUrl: string) => baseUrl.replace(/\/+$/, '')

export const feedPaths = {
  alertsAtom: '/feeds/alerts.atom',
  capIndexAtom: '/feeds/cap.atom',
  activeGeoJson: '/api/alerts/active',
  capAlert: (identifier: string) => `/feeds/cap/${encodeURIComponent(identifier)}.xml`,
  alertPage: (identifier: string) => `/alerts/${encodeURIComponent(identifier)}`,
} as const

export const capAlertUrl = (baseUrl: string, identifier: string) => `${trim(baseUrl)}${feedPaths.capAlert(identifier)}`

export function alertPageUrl(baseUrl: string, identifier: string, language?: AppLanguage): string {
  return `${trim(baseUrl)}${feedPaths.alertPage(identifier)}${language ? `?lng=${language}` : ''}`
}

export const feedUrl = (baseUrl: string, path: string) => `${trim(baseUrl)}${path}`
