// GET /feeds/cap/{identifier}.xml — one public alert as CAP 1.2 XML (OASIS schema). Any Actual,
// Public alert of the territory, also an updated, cancelled or expired one (later messages refer
// to it); anything else — an exercise, a draft, an unknown or malformed identifier — is 404.
// The identifier arrives percent-decoded; it is only ever compared, never put in a path or query.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { prisma } from '#domain/runtime.ts'
import { corsPreflight, feedContentTypes, feedMaxAge, feedNotFound, feedResponse, methodNotAllowed } from '#domain/public-alerts/feed-response.ts'
import { capAlertDocument } from '#domain/public-alerts/public-feeds.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  if (request.method === 'OPTIONS') return corsPreflight()
  const file = params.file ?? ''
  if (!file.endsWith('.xml')) return feedNotFound()
  const doc = await capAlertDocument({ prisma: prisma(), identifier: file.slice(0, -'.xml'.length) })
  if (!doc) return feedNotFound()
  return feedResponse({ request, body: doc.body, contentType: feedContentTypes.cap, lastModified: doc.lastModified, maxAgeSeconds: feedMaxAge.message })
}

export const action = () => methodNotAllowed()
