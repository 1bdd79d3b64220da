// GET /api/alerts/active — the alerts in force as a GeoJSON FeatureCollection (RFC 7946): one
// Feature per alert, its area as geometry, its texts per language in the properties. Public, CORS *.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { prisma } from '#domain/runtime.ts'
import { corsPreflight, feedBaseUrl, feedContentTypes, feedMaxAge, feedResponse, methodNotAllowed } from '#domain/public-alerts/feed-response.ts'
import { activeAlertsGeoJson } from '#domain/public-alerts/public-feeds.ts'

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (request.method === 'OPTIONS') return corsPreflight()
  const doc = await activeAlertsGeoJson({ prisma: prisma(), baseUrl: feedBaseUrl(request, context.publicUrl) })
  return feedResponse({ request, body: doc.body, contentType: feedContentTypes.geojson, lastModified: doc.lastModified, maxAgeSeconds: feedMaxAge.list })
}

export const action = () => methodNotAllowed()
