// Length rules of the four social networks, and fitting a short alert (headline, instruction,
// link) into one post. Each network counts differently (docs/decisions/017-social-networks.md):
//
//   mastodon  500 characters by default (per instance), counted in grapheme clusters, every
//             http(s) URL counts as 23 (StatusLengthValidator: URL_PLACEHOLDER_CHARS)
//   x         280 weighted characters (twitter-text config v3): code points U+0000–U+10FF,
//             U+2000–U+200D, U+2010–U+201F, U+2032–U+2037 weigh 1 (Latin with Latvian
//             diacritics, Cyrillic), everything else 2 (CJK, "…"), an emoji sequence 2; text is
//             NFC-normalised first; every URL counts as 23 (t.co)
//   telegram  4096 characters after entities parsing (we send plain text), counted in UTF-16
//             code units (never fewer than the characters a person sees)
//   facebook  63 206 characters, counted in UTF-16 code units
//
// API (pure, no I/O):
//   countPostLength(network, text)            → the network's own count
//   fitText(network, { headline, instruction, link }, { limit? })
//     → { text, cut, fits, length, limit }: `${headline}\n\n${instruction}\n\n${link}` when it
//       fits (unchanged, cut: false); otherwise headline+instruction cut at a word boundary with
//       "…" before the link (cut: true). The link is never cut. fits is false only when the
//       link alone is longer than the limit (then text is the link alone).

export type SocialNetwork = 'mastodon' | 'x' | 'telegram' | 'facebook'

export const POST_LIMITS: Record<SocialNetwork, number> = {
  mastodon: 500,
  x: 280,
  telegram: 4096,
  facebook: 63_206,
}

/** what a URL counts as on Mastodon (per instance: configuration.statuses.characters_reserved_per_url) and on X (t.co) */
export const URL_LENGTH = 23

export const ELLIPSIS = '…'
const SEPARATOR = '\n\n'

export type FitParts = { headline: string; instruction?: string; link: string }
export type FitOptions = { limit?: number }
export type FitResult = {
  /** the post as it will be sent (the composer preview shows exactly this) */
  text: string
  /** whether headline/instruction were shortened */
  cut: boolean
  /** false only when even the link alone is over the limit */
  fits: boolean
  /** the network's count of `text` */
  length: number
  limit: number
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** http(s) URLs, as Mastodon and twitter-text find them (up to whitespace) */
const URL_WITH_SCHEME = /https?:\/\/[^\s]+/giu
/** bare domains twitter-text also turns into t.co links ("jelgava.lv"); counted at least 23 on X */
const BARE_DOMAIN = /(?<![\p{L}\p{N}@./:-])(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:lv|lt|ee|eu|com|org|net|info|gov|edu|ru|ua|by|de|uk|io|me)\b(?:\/[^\s]*)?/giu

function graphemeCount(text: string): number {
  let n = 0
  for (const _ of graphemes.segment(text)) n += 1
  return n
}

/** Mastodon: grapheme clusters, each URL as 23. */
export function countMastodon(text: string, urlLength = URL_LENGTH): number {
  let length = 0
  let last = 0
  for (const match of text.matchAll(URL_WITH_SCHEME)) {
    length += graphemeCount(text.slice(last, match.index)) + urlLength
    last = match.index + match[0].length
  }
  return length + graphemeCount(text.slice(last))
}

const X_LIGHT_RANGES: readonly [number, number][] = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
]
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u

function xCodePointWeight(codePoint: number): number {
  for (const [start, end] of X_LIGHT_RANGES) if (codePoint >= start && codePoint <= end) return 1
  return 2
}

function xWeightOf(segment: string): number {
  let weight = 0
  for (const { segment: cluster } of graphemes.segment(segment)) {
    if (EMOJI.test(cluster)) {
      weight += 2
      continue
    }
    for (const char of cluster) weight += xCodePointWeight(char.codePointAt(0)!)
  }
  return weight
}

/** X: twitter-text v3 weighted length (URLs 23, bare domains at least 23). */
export function countX(text: string): number {
  const normalized = text.normalize('NFC')
  let length = 0
  let last = 0
  const urls = [...normalized.matchAll(URL_WITH_SCHEME)].map((m) => ({ start: m.index, end: m.index + m[0].length, exact: true }))
  for (const m of normalized.matchAll(BARE_DOMAIN)) {
    const start = m.index
    if (urls.some((u) => start < u.end && start + m[0].length > u.start)) continue
    urls.push({ start, end: start + m[0].length, exact: false })
  }
  urls.sort((a, b) => a.start - b.start)
  for (const url of urls) {
    length += xWeightOf(normalized.slice(last, url.start))
    // a bare domain is a URL for twitter-text only when its TLD is on its list: never count it shorter than it is
    length += url.exact ? URL_LENGTH : Math.max(URL_LENGTH, xWeightOf(normalized.slice(url.start, url.end)))
    last = url.end
  }
  return length + xWeightOf(normalized.slice(last))
}

/** Telegram and Facebook: UTF-16 code units (what JavaScript's length counts). */
export function countUtf16(text: string): number {
  return text.length
}

export function countPostLength(network: SocialNetwork, text: string): number {
  switch (network) {
    case 'mastodon':
      return countMastodon(text)
    case 'x':
      return countX(text)
    case 'telegram':
    case 'facebook':
      return countUtf16(text)
  }
}

function compose(body: string, link: string): string {
  return body ? `${body}${SEPARATOR}${link}` : link
}

/** Headline, instruction and link as one post that fits the network's limit; see the header. */
export function fitText(network: SocialNetwork, parts: FitParts, options: FitOptions = {}): FitResult {
  const limit = options.limit ?? POST_LIMITS[network]
  const count = (text: string) => countPostLength(network, text)
  const link = parts.link.trim()
  const body = [parts.headline.trim(), (parts.instruction ?? '').trim()].filter(Boolean).join(SEPARATOR)
  const whole = compose(body, link)
  const wholeLength = count(whole)
  if (wholeLength <= limit) return { text: whole, cut: false, fits: true, length: wholeLength, limit }

  const linkLength = count(link)
  if (linkLength > limit) return { text: link, cut: true, fits: false, length: linkLength, limit }

  // the longest prefix of the body (whole grapheme clusters) that fits with "…" and the link
  const clusters = [...graphemes.segment(body)].map((s) => s.segment)
  const candidate = (n: number) => compose(withEllipsis(clusters.slice(0, n).join('')), link)
  let low = 0
  let high = clusters.length - 1
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (count(candidate(mid)) <= limit) low = mid
    else high = mid - 1
  }
  const prefix = clusters.slice(0, low).join('')
  // back to a word boundary when the cut fell inside a word (a single long word is cut where it is)
  const cutInsideWord = low < clusters.length && !/\s/u.test(clusters[low]) && !/\s$/u.test(prefix)
  const boundary = cutInsideWord ? prefix.search(/\s\S*$/u) : -1
  const shortened = boundary > 0 ? prefix.slice(0, boundary) : prefix
  let text = compose(withEllipsis(shortened), link)
  if (count(text) > limit) text = compose(withEllipsis(prefix), link) // trimming never lengthens; a guard all the same
  if (count(text) > limit) text = link
  return { text, cut: true, fits: true, length: count(text), limit }
}

function withEllipsis(prefix: string): string {
  const trimmed = prefix.replace(/[\s.,;:!?–—-]+$/u, '')
  return trimmed ? `${trimmed}${ELLIPSIS}` : ''
}
