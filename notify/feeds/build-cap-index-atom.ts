// /feeds/cap.atom: the CAP feed index, one entry per alert linking to /feeds/cap/{identifier}.xml
// (the form CAP aggregators read).
import { formatCapTime } from '#notify/cap/cap-time.ts'
import { pickInfo } from '#notify/cap/languages.ts'
import { capNamespace, type AppLanguage, type CapAlert } from '#notify/cap/types.ts'
import { atomXml } from './atom.ts'
import { capAlertUrl, feedPaths, feedUrl } from './feed-urls.ts'
import { selectCapIndexAlerts } from './select-alerts.ts'

export type BuildCapIndexAtomOptions = {
  alerts: CapAlert[]
  now: Date
  baseUrl: string
  title: string
  authorName: string
  /** the language of entry titles (fallback lv → en → first) */
  language?: AppLanguage
}

export function buildCapIndexAtom(options: BuildCapIndexAtomOptions): string {
  const alerts = selectCapIndexAlerts({ alerts: options.alerts, now: options.now })
  const self = feedUrl(options.baseUrl, feedPaths.capIndexAtom)
  const language = options.language ?? 'lv'
  return atomXml({
    id: self,
    title: options.title,
    updated: alerts.length ? alerts[0].sent : formatCapTime(options.now),
    authorName: options.authorName,
    links: [{ rel: 'self', type: 'application/atom+xml', href: self }],
    entries: alerts.map((alert) => {
      const info = pickInfo(alert, language)
      const href = capAlertUrl(options.baseUrl, alert.identifier)
      return {
        id: href,
        title: info?.headline ?? info?.event ?? `${alert.msgType} ${alert.identifier}`,
        updated: alert.sent,
        lang: info?.language,
        authorName: info?.senderName ?? alert.sender,
        links: [{ rel: 'alternate', type: 'application/cap+xml', href }],
        categories: [
          { term: alert.msgType, scheme: `${capNamespace}:msgType` },
          ...(info ? [{ term: info.severity, scheme: `${capNamespace}:severity` }] : []),
        ],
        summary: info?.event,
      }
    }),
  })
}
