// /feeds/alerts.atom: one entry per active alert and language, with stable ids and xml:lang.
import { appLanguageOf } from '#notify/cap/languages.ts'
import { capNamespace, type CapAlert } from '#notify/cap/types.ts'
import { atomXml, type AtomEntry } from './atom.ts'
import { alertPageUrl, capAlertUrl, feedPaths, feedUrl } from './feed-urls.ts'
import { selectActiveAlerts } from './select-alerts.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'

export type BuildAlertsAtomOptions = {
  /** candidate alerts (validated); the active ones are selected here */
  alerts: CapAlert[]
  now: Date
  /** public base URL, e.g. https://sargs.jelgava.lv */
  baseUrl: string
  /** translated by the caller (the feed's language is `lang`) */
  title: string
  subtitle?: string
  /** the publisher, e.g. the municipality's name */
  authorName: string
  lang?: string
}

/** The stable id of an alert's entry in one language. */
export const alertEntryId = (baseUrl: string, alert: CapAlert, language: string) =>
  `${capAlertUrl(baseUrl, alert.identifier)}#${language}`

export function alertEntries(alert: CapAlert, baseUrl: string): AtomEntry[] {
  return alert.info.map((info) => {
    const appLanguage = appLanguageOf(info.language) ?? undefined
    const body = [info.description, info.instruction].filter(Boolean).join('\n\n')
    return {
      id: alertEntryId(baseUrl, alert, info.language),
      title: info.headline ?? info.event,
      updated: alert.sent,
      published: alert.sent,
      lang: info.language,
      authorName: info.senderName ?? alert.sender,
      links: [
        { rel: 'alternate', type: 'text/html', hreflang: info.language, href: alertPageUrl(baseUrl, alert.identifier, appLanguage) },
        { rel: 'related', type: 'application/cap+xml', href: capAlertUrl(baseUrl, alert.identifier) },
      ],
      categories: [
        ...info.category.map((term) => ({ term, scheme: `${capNamespace}:category` })),
        { term: info.severity, scheme: `${capNamespace}:severity` },
        { term: info.urgency, scheme: `${capNamespace}:urgency` },
        { term: info.certainty, scheme: `${capNamespace}:certainty` },
      ],
      summary: info.headline ? info.event : undefined,
      content: body || undefined,
    }
  })
}

export function buildAlertsAtom(options: BuildAlertsAtomOptions): string {
  const alerts = selectActiveAlerts({ alerts: options.alerts, now: options.now })
  const self = feedUrl(options.baseUrl, feedPaths.alertsAtom)
  return atomXml({
    id: self,
    title: options.title,
    subtitle: options.subtitle,
    updated: alerts.length ? alerts[0].sent : formatCapTime(options.now),
    lang: options.lang,
    authorName: options.authorName,
    links: [
      { rel: 'self', type: 'application/atom+xml', href: self },
      { rel: 'alternate', type: 'application/atom+xml', href: feedUrl(options.baseUrl, feedPaths.capIndexAtom) },
    ],
    entries: alerts.flatMap((a) => alertEntries(a, options.baseUrl)),
  })
}
