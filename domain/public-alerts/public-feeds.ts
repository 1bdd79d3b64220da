// The public feeds' documents, built from the database with the pure builders of notify/feeds:
// /feeds/alerts.atom, /feeds/cap.atom, /api/alerts/active and /feeds/cap/{identifier}.xml. Each
// answer carries the instant it last changed, for Last-Modified (feed-response.ts).
//
// The feed's clock: the builders take `now` for their expiry check and for an empty feed's
// <updated>. The loaders already selected what is in force at the real `now`, so the builders get
// the list's last change instead — an alert in force now was also in force then — and an unchanged
// list gives byte-identical documents (a stable ETag), also when it is empty.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import type { CapValuePair, AppLanguage } from '#notify/cap/types.ts'
import { toXml } from '#notify/cap/to-xml.ts'
import { buildActiveAlertsGeoJson } from '#notify/feeds/build-active-alerts-geojson.ts'
import { buildAlertsAtom } from '#notify/feeds/build-alerts-atom.ts'
import { buildCapIndexAtom } from '#notify/feeds/build-cap-index-atom.ts'
import { loadPublicAlert } from './load-public-alert.ts'
import { loadPublicAlerts, type PublicAlerts } from './load-public-alerts.ts'

/** Geocode valueName for a named area of the territory (issue-cap-alert.ts NAMED_AREA_GEOCODE). */
const NAMED_AREA_GEOCODE = 'SARGS_AREA'

type Db = Pick<PrismaClient, '$queryRawUnsafe' | 'alert' | 'territory' | 'namedArea'>

export type FeedDocument = { body: string; lastModified: Date | null }

type FeedOptions = {
  prisma: Db
  /** public base URL, e.g. https://sargs.jelgava.lv */
  baseUrl: string
  now?: Date
}

/** The feed's texts, translated by the caller, given the territory's name. */
export type FeedTexts = (territory: string) => { title: string; subtitle?: string }

type Loaded = PublicAlerts & { territoryName: string; territoryId: string | null; clock: Date }

async function load(options: FeedOptions, include: 'in-force' | 'cap-index'): Promise<Loaded> {
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) return { alerts: [], lastModified: null, territoryName: 'Sargs', territoryId: null, clock: new Date(0) }
  const loaded = await loadPublicAlerts({ prisma: options.prisma, territoryId: territory.id, now: options.now, include })
  // the feed's clock (see the header): the list's last change; for a feed that never had an
  // alert, when the territory was set up
  const clock =
    loaded.lastModified ??
    (await options.prisma.territory.findUnique({ where: { id: territory.id }, select: { createdAt: true } }))?.createdAt ??
    new Date(0)
  return { ...loaded, territoryName: territory.name, territoryId: territory.id, clock }
}

/** /feeds/alerts.atom: one entry per alert in force and language. */
export async function alertsAtomFeed(options: FeedOptions & { texts: FeedTexts; language: AppLanguage }): Promise<FeedDocument> {
  const loaded = await load(options, 'in-force')
  const texts = options.texts(loaded.territoryName)
  const body = buildAlertsAtom({
    alerts: loaded.alerts.map((a) => a.alert),
    now: loaded.clock,
    baseUrl: options.baseUrl,
    title: texts.title,
    subtitle: texts.subtitle,
    authorName: loaded.territoryName,
    lang: options.language,
  })
  return { body, lastModified: loaded.lastModified }
}

/** /feeds/cap.atom: the CAP index (alerts in force and recent Cancels), titles in `language`. */
export async function capIndexFeed(options: FeedOptions & { texts: FeedTexts; language: AppLanguage }): Promise<FeedDocument> {
  const loaded = await load(options, 'cap-index')
  const body = buildCapIndexAtom({
    alerts: loaded.alerts.map((a) => a.alert),
    now: loaded.clock,
    baseUrl: options.baseUrl,
    title: options.texts(loaded.territoryName).title,
    authorName: loaded.territoryName,
    language: options.language,
  })
  return { body, lastModified: loaded.lastModified }
}

/** /api/alerts/active: GeoJSON FeatureCollection of the alerts in force. */
export async function activeAlertsGeoJson(options: FeedOptions): Promise<FeedDocument> {
  const loaded = await load(options, 'in-force')
  const named = new Map<string, PolygonalGeometry>()
  if (loaded.territoryId && loaded.alerts.some((a) => a.alert.info.some((i) => i.area.some((x) => x.geocode.length > 0)))) {
    const rows = await options.prisma.namedArea.findMany({ where: { territoryId: loaded.territoryId }, select: { id: true, geometry: true } })
    for (const row of rows) named.set(row.id, asPolygonal(row.geometry))
  }
  const resolveGeocode = (g: CapValuePair) => (g.valueName === NAMED_AREA_GEOCODE ? (named.get(g.value) ?? null) : null)
  const collection = buildActiveAlertsGeoJson({
    alerts: loaded.alerts.map((a) => a.alert),
    now: loaded.clock,
    baseUrl: options.baseUrl,
    resolveGeocode,
  })
  return { body: JSON.stringify(collection), lastModified: loaded.lastModified }
}

/** /feeds/cap/{identifier}.xml: one public alert as CAP 1.2 XML; null when there is none. */
export async function capAlertDocument(options: { prisma: Db; identifier: string }): Promise<FeedDocument | null> {
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) return null
  const found = await loadPublicAlert({ prisma: options.prisma, territoryId: territory.id, identifier: options.identifier })
  if (!found) return null
  return { body: toXml(found.alert), lastModified: found.issuedAt }
}
