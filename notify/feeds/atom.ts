// Small Atom 1.0 (RFC 4287) writer shared by the alert feeds.
import { escapeXml } from '#notify/cap/to-xml.ts'

export type AtomLink = { href: string; rel?: string; type?: string; hreflang?: string }
export type AtomEntry = {
  id: string
  title: string
  updated: string
  published?: string
  lang?: string
  authorName: string
  links: AtomLink[]
  categories: { term: string; scheme?: string; label?: string }[]
  summary?: string
  content?: string
}
export type AtomFeed = {
  id: string
  title: string
  subtitle?: string
  updated: string
  lang?: string
  authorName: string
  links: AtomLink[]
  entries: AtomEntry[]
}

const attrs = (values: Record<string, string | undefined>) =>
  Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v!)}"`)
    .join('')

const text = (indent: string, tag: string, value: string | undefined, extra: Record<string, string> = {}) =>
  value === undefined ? '' : `${indent}<${tag}${attrs(extra)}>${escapeXml(value)}</${tag}>\n`

const links = (indent: string, list: AtomLink[]) =>
  list.map((l) => `${indent}<link${attrs({ rel: l.rel, type: l.type, hreflang: l.hreflang, href: l.href })}/>\n`).join('')

function entryXml(e: AtomEntry): string {
  const i = '    '
  return (
    `  <entry${attrs({ 'xml:lang': e.lang })}>\n` +
    text(i, 'id', e.id) +
    text(i, 'title', e.title) +
    text(i, 'updated', e.updated) +
    text(i, 'published', e.published) +
    `${i}<author><name>${escapeXml(e.authorName)}</name></author>\n` +
    links(i, e.links) +
    e.categories.map((c) => `${i}<category${attrs({ term: c.term, scheme: c.scheme, label: c.label })}/>\n`).join('') +
    text(i, 'summary', e.summary) +
    text(i, 'content', e.content, { type: 'text' }) +
    '  </entry>\n'
  )
}

/** The feed as an Atom document. */
export function atomXml(feed: AtomFeed): string {
  const i = '  '
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<feed xmlns="http://www.w3.org/2005/Atom"${attrs({ 'xml:lang': feed.lang })}>\n` +
    text(i, 'id', feed.id) +
    text(i, 'title', feed.title) +
    text(i, 'subtitle', feed.subtitle) +
    text(i, 'updated', feed.updated) +
    `${i}<author><name>${escapeXml(feed.authorName)}</name></author>\n` +
    links(i, feed.links) +
    feed.entries.map(entryXml).join('') +
    '</feed>\n'
  )
}
