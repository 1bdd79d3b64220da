// GET /api/shelters — every shelter of the territory as a GeoJSON FeatureCollection (RFC 7946) of
// public fields: name, kind, address, status, capacity now, free places, accessibility, pets,
// amenities. No contacts, procedures, occupancy ledger or QR tokens. Public, CORS *, ETag.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { corsPreflight, feedContentTypes, feedResponse, methodNotAllowed } from '#domain/public-alerts/feed-response.ts'
import { prisma } from '#domain/runtime.ts'
import { publicSheltersGeoJson } from '#domain/shelters/public-shelters-geojson.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'

/** free places change by the minute in a crisis: a short cache */
const MAX_AGE_SECONDS = 30

export async function loader({ request }: LoaderFunctionArgs) {
  if (request.method === 'OPTIONS') return corsPreflight()
  const territory = await getDefaultTerritory({ prisma: prisma() })
  const doc = territory ? await publicSheltersGeoJson({ prisma: prisma(), territoryId: territory.id }) : { type: 'FeatureCollection', features: [] }
  return feedResponse({ request, body: JSON.stringify(doc), contentType: feedContentTypes.geojson, lastModified: null, maxAgeSeconds: MAX_AGE_SECONDS })
}

export const action = () => methodNotAllowed()
