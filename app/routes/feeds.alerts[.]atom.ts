// GET /feeds/alerts.atom — public Atom feed: one entry per alert in force and language (lv, en, ru).
// ?lng=en|ru translates the feed's own title; entries always carry every language.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { prisma } from '#domain/runtime.ts'
import { corsPreflight, feedBaseUrl, feedContentTypes, feedLanguage, feedMaxAge, feedResponse, methodNotAllowed } from '#domain/public-alerts/feed-response.ts'
import { alertsAtomFeed } from '#domain/public-alerts/public-feeds.ts'
import { createI18n } from '~/utils/i18n.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (request.method === 'OPTIONS') return corsPreflight()
  const language = feedLanguage(request)
  const t = (await createI18n(language)).getFixedT(language, 'public')
  const doc = await alertsAtomFeed({
    prisma: prisma(),
    baseUrl: feedBaseUrl(request, context.publicUrl),
    language,
    texts: (territory) => ({ title: t('feeds.alertsTitle', { territory }), subtitle: t('feeds.alertsSubtitle') }),
  })
  return feedResponse({ request, body: doc.body, contentType: feedContentTypes.atom, lastModified: doc.lastModified, maxAgeSeconds: feedMaxAge.list })
}

export const action = () => methodNotAllowed()
