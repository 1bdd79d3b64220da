// What the resident pages read: the territory, its named areas, and the public alerts in force
// (domain/public-alerts) turned into plain, translated-once views — the info block in the reader's
// language (fallback lv → en), the area as GeoJSON. A *.server.ts facade, so that route modules
// (which reach the browser bundle) never import notify/.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { PolygonalGeometry, Position } from '#domain/geo/types.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import { loadPublicAlert } from '#domain/public-alerts/load-public-alert.ts'
import { loadPublicAlerts } from '#domain/public-alerts/load-public-alerts.ts'
import { namedAreaPlaces } from '#domain/subscriptions/named-area-places.ts'
import { getDefaultTerritory, type TerritorySummary } from '#domain/territory/get-territory.ts'
import { listNamedAreas } from '#domain/territory/list-named-areas.ts'
import { alertAreaGeometry } from '#notify/cap/alert-area.ts'
import { capTimeToMs } from '#notify/cap/cap-time.ts'
import { appLanguageOf, pickInfo } from '#notify/cap/languages.ts'
import { capSeverities, type CapAlert, type CapValuePair } from '#notify/cap/types.ts'
import { feedPaths } from '#notify/feeds/feed-urls.ts'
import type { Language } from '~/i18n'
import type { AlertView, PublicTerritory } from './types'

const NAMED_AREA_GEOCODE = 'SARGS_AREA'

type Db = PrismaClient

function territoryView(t: TerritorySummary): PublicTerritory {
  return { id: t.id, name: t.name, demo: t.demo, boundary: t.boundary }
}

async function namedAreaGeometries(prisma: Db, territoryId: string, alerts: CapAlert[]): Promise<Map<string, PolygonalGeometry>> {
  const named = new Map<string, PolygonalGeometry>()
  if (!alerts.some((a) => a.info.some((i) => i.area.some((x) => x.geocode.length > 0)))) return named
  const rows = await prisma.namedArea.findMany({ where: { territoryId }, select: { id: true, geometry: true } })
  for (const row of rows) named.set(row.id, asPolygonal(row.geometry))
  return named
}

const epochOrNull = (value: string | undefined) => (value ? capTimeToMs(value) : null)

/** One alert for a reader of `language`: its info block (fallback lv → en → first) and its area. */
export function alertView(alert: CapAlert, language: Language, named: Map<string, PolygonalGeometry>, supersededAt: Date | null = null): AlertView {
  const info = pickInfo(alert, [language])
  const resolve = (g: CapValuePair) => (g.valueName === NAMED_AREA_GEOCODE ? (named.get(g.value) ?? null) : null)
  const severity = capSeverities.find((s) => alert.info.some((i) => i.severity === s)) ?? 'Unknown'
  const expires = alert.info.map((i) => epochOrNull(i.expires))
  return {
    identifier: alert.identifier,
    url: feedPaths.alertPage(alert.identifier),
    capUrl: feedPaths.capAlert(alert.identifier),
    sender: info?.senderName ?? alert.sender,
    sentMs: capTimeToMs(alert.sent),
    msgType: alert.msgType,
    severity,
    urgency: info?.urgency ?? 'Unknown',
    certainty: info?.certainty ?? 'Unknown',
    language: (info && appLanguageOf(info.language)) ?? null,
    languageTag: info?.language ?? null,
    event: info?.event ?? '',
    headline: info?.headline ?? info?.event ?? alert.identifier,
    description: info?.description ?? '',
    instruction: info?.instruction ?? '',
    areas: info?.area.map((a) => a.areaDesc) ?? [],
    web: info?.web ?? null,
    contact: info?.contact ?? null,
    onsetMs: epochOrNull(info?.onset ?? info?.effective),
    expiresMs: expires.some((e) => e === null) ? null : Math.max(...(expires as number[])),
    geometry: alertAreaGeometry(alert, resolve),
    supersededAtMs: supersededAt ? supersededAt.getTime() : null,
  }
}

export type ActiveAlertsPage = { territory: PublicTerritory | null; alerts: AlertView[]; loadedAtMs: number }

export async function loadActiveAlertsPage(options: { prisma: Db; language: Language; now?: Date }): Promise<ActiveAlertsPage> {
  const now = options.now ?? new Date()
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) return { territory: null, alerts: [], loadedAtMs: now.getTime() }
  const { alerts } = await loadPublicAlerts({ prisma: options.prisma, territoryId: territory.id, now, limit: 100 })
  const named = await namedAreaGeometries(options.prisma, territory.id, alerts.map((a) => a.alert))
  return {
    territory: territoryView(territory),
    alerts: alerts.map((a) => alertView(a.alert, options.language, named)),
    loadedAtMs: now.getTime(),
  }
}

export type AlertPage = { territory: PublicTerritory; alert: AlertView; expired: boolean; loadedAtMs: number }

export async function loadAlertPage(options: { prisma: Db; identifier: string; language: Language; now?: Date }): Promise<AlertPage | null> {
  const now = options.now ?? new Date()
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) return null
  const found = await loadPublicAlert({ prisma: options.prisma, territoryId: territory.id, identifier: options.identifier })
  if (!found) return null
  const named = await namedAreaGeometries(options.prisma, territory.id, [found.alert])
  const alert = alertView(found.alert, options.language, named, found.supersededAt)
  return {
    territory: territoryView(territory),
    alert,
    expired: alert.expiresMs !== null && alert.expiresMs <= now.getTime(),
    loadedAtMs: now.getTime(),
  }
}

export type NamedAreaChoice = { id: string; name: string; places: Position[]; geometry: PolygonalGeometry }

export type SubscribePage = { territory: PublicTerritory | null; areas: NamedAreaChoice[] }

/** The subscribe page: the territory and its named areas, each with the sample points it is stored as. */
export async function loadSubscribePage(options: { prisma: Db }): Promise<SubscribePage> {
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) return { territory: null, areas: [] }
  const areas = await listNamedAreas({ prisma: options.prisma, territoryId: territory.id })
  return {
    territory: territoryView(territory),
    areas: areas.map((a) => ({ id: a.id, name: a.name, places: namedAreaPlaces(a.geometry), geometry: a.geometry })),
  }
}
