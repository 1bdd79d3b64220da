// GET /feeds/cap.atom — the CAP index aggregators read: one entry per alert in force (and per
// Cancel of the last day), each linking to /feeds/cap/{identifier}.xml. ?lng=en|ru picks the
// language of the titles (default lv).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { prisma } from '#domain/runtime.ts'
import { corsPreflight, feedBaseUrl, feedContentTypes, feedLanguage, feedMaxAge, feedResponse, methodNotAllowed } from '#domain/public-alerts/feed-response.ts'
import { capIndexFeed } from '#domain/public-alerts/public-feeds.ts'
import { createI18n } from '~/utils/i18n.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (request.method === 'OPTIONS') return corsPreflight()
  const language = feedLanguage(request)
  const t = (await createI18n(language)).getFixedT(language, 'public')
  const doc = await capIndexFeed({
    prisma: prisma(),
    baseUrl: feedBaseUrl(request, context.publicUrl),
    language,
    texts: (territory) => ({ title: t('feeds.capIndexTitle', { territory }) }),
  })
  return feedResponse({ request, body: doc.body, contentType: feedContentTypes.atom, lastModified: doc.lastModified, maxAgeSeconds: feedMaxAge.list })
}

export const action = () => methodNotAllowed()
