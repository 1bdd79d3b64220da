import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countMastodon, countPostLength, countUtf16, countX, ELLIPSIS, fitText, POST_LIMITS, type SocialNetwork } from './fit-text.ts'

const LINK = 'https://sargs.jelgava.lv/alerts/0f4c2a9e-5b7d-4e1a-9c3f-2d8b6a1e7f00'

describe('counting like each network', () => {
  it('X: Latin with Latvian diacritics and Cyrillic weigh 1, CJK and the ellipsis 2, an emoji sequence 2, a URL 23', () => {
    expect(countX('Plūdi: ūdens līmenis ceļas')).toBe(26)
    expect(countX('Наводнение')).toBe(10)
    expect(countX('洪水警報')).toBe(8)
    expect(countX(ELLIPSIS)).toBe(2)
    expect(countX('👍🏽')).toBe(2)
    expect(countX('🇱🇻')).toBe(2)
    expect(countX('👨‍👩‍👧')).toBe(2)
    expect(countX(LINK)).toBe(23)
    expect(countX(`a ${LINK} b`)).toBe(27)
    // a decomposed "ā" (a + combining macron) is normalised to one code point first
    expect(countX('a\u0304')).toBe(1)
    // a bare domain becomes a t.co link on X: never counted shorter than 23
    expect(countX('jelgava.lv')).toBe(23)
  })

  it('Mastodon: grapheme clusters, each http(s) URL as 23 whatever its length', () => {
    expect(countMastodon('Plūdi')).toBe(5)
    expect(countMastodon('👨‍👩‍👧')).toBe(1)
    expect(countMastodon(LINK)).toBe(23)
    expect(countMastodon('http://a.lv')).toBe(23)
    expect(countMastodon(`Skat. ${LINK}`)).toBe(6 + 23)
    expect(countMastodon('jelgava.lv')).toBe(10)
  })

  it('Telegram and Facebook: UTF-16 code units (an emoji outside the BMP is 2)', () => {
    expect(countUtf16('Наводнение')).toBe(10)
    expect(countUtf16('👍')).toBe(2)
    expect(countPostLength('telegram', LINK)).toBe(LINK.length)
  })
})

describe('fitText', () => {
  it('leaves a post that fits as it is (headline, instruction, link on their own paragraphs)', () => {
    const result = fitText('x', { headline: 'Plūdi Jelgavā', instruction: 'Dodieties uz augstāku vietu.', link: LINK })
    expect(result).toEqual({
      text: `Plūdi Jelgavā\n\nDodieties uz augstāku vietu.\n\n${LINK}`,
      cut: false,
      fits: true,
      length: 13 + 2 + 28 + 2 + 23,
      limit: 280,
    })
  })

  it('cuts the instruction at a word boundary with an ellipsis and keeps the link whole', () => {
    const instruction = 'Nekavējoties dodieties uz augstāku vietu un sekojiet pašvaldības norādījumiem. '.repeat(6).trim()
    const result = fitText('x', { headline: 'Plūdi Jelgavā', instruction, link: LINK })
    expect(result.cut).toBe(true)
    expect(result.length).toBeLessThanOrEqual(280)
    expect(result.text.endsWith(`${ELLIPSIS}\n\n${LINK}`)).toBe(true)
    const kept = result.text.slice(0, result.text.indexOf(ELLIPSIS))
    expect(instruction.startsWith(kept.slice('Plūdi Jelgavā\n\n'.length))).toBe(true)
    // a whole word before the ellipsis: the next character of the original ends the word
    expect(instruction[kept.length - 'Plūdi Jelgavā\n\n'.length]).toMatch(/[\s.,]/)
    expect(countX(result.text)).toBe(result.length)
  })

  it('counts the cut in the network’s own way: Russian on Mastodon (graphemes), CJK on X (weight 2)', () => {
    const ru = fitText('mastodon', { headline: 'Наводнение', instruction: 'Немедленно поднимитесь выше. '.repeat(30), link: LINK })
    expect(ru.cut).toBe(true)
    expect(countMastodon(ru.text)).toBeLessThanOrEqual(500)
    expect(countMastodon(ru.text)).toBeGreaterThan(480)
    const cjk = fitText('x', { headline: '洪水警報', instruction: '高い場所へ避難してください '.repeat(20), link: LINK })
    expect(cjk.cut).toBe(true)
    expect(countX(cjk.text)).toBeLessThanOrEqual(280)
    expect(cjk.text.length - LINK.length).toBeLessThan(140) // half as many characters as Latin
  })

  it('honours an instance limit and reports when even the link cannot fit', () => {
    expect(fitText('mastodon', { headline: 'a b c d e f', link: LINK }, { limit: 30 }).text).toBe(`a b…\n\n${LINK}`)
    expect(fitText('telegram', { headline: 'x', link: LINK }, { limit: 10 })).toMatchObject({ text: LINK, cut: true, fits: false })
  })

  it('cuts a single word longer than the room where it has to', () => {
    const result = fitText('x', { headline: 'ā'.repeat(400), link: LINK })
    expect(result).toMatchObject({ cut: true, fits: true, length: 280 })
    expect(result.text).toBe(`${'ā'.repeat(280 - 23 - 2 - 2)}${ELLIPSIS}\n\n${LINK}`)
  })
})

// words of Latin with Latvian diacritics, Cyrillic, CJK and emoji; sometimes a URL in the text
const word = fc.oneof(
  fc.stringMatching(/^[a-zāčēģīķļņšūž]{1,12}$/),
  fc.stringMatching(/^[а-яё]{1,12}$/),
  fc.constantFrom('洪水', '避難', '👍🏽', '🇱🇻', 'https://lvgmc.lv/brīdinājumi', 'jelgava.lv', '—', '…'),
)
const sentence = fc.array(word, { minLength: 0, maxLength: 180 }).map((words) => words.join(' '))
const link = fc.constantFrom(LINK, 'https://sargs.daugavpils.lv/a/1', `https://x.lv/${'p'.repeat(300)}`)
const network = fc.constantFrom<SocialNetwork>('mastodon', 'x', 'telegram', 'facebook')
const limit = (n: SocialNetwork) => (n === 'telegram' || n === 'facebook' ? fc.integer({ min: 320, max: 900 }) : fc.constant(POST_LIMITS[n]))
const caseArb = network.chain((n) => fc.record({ network: fc.constant(n), limit: limit(n), headline: sentence, instruction: sentence, link }))

describe('fitText properties', () => {
  it('the result always fits the limit and always contains the whole link', () => {
    fc.assert(
      fc.property(caseArb, ({ network, limit, headline, instruction, link }) => {
        const result = fitText(network, { headline, instruction, link }, { limit })
        expect(result.fits).toBe(true)
        expect(countPostLength(network, result.text)).toBe(result.length)
        expect(result.length).toBeLessThanOrEqual(limit)
        expect(result.text.endsWith(link)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('is unchanged (and says so) when it already fitted; says cut otherwise, and a cut ends in an ellipsis before the link', () => {
    fc.assert(
      fc.property(caseArb, ({ network, limit, headline, instruction, link }) => {
        const whole = [headline.trim(), instruction.trim(), link].filter(Boolean).join('\n\n')
        const result = fitText(network, { headline, instruction, link }, { limit })
        if (countPostLength(network, whole) <= limit) {
          expect(result).toMatchObject({ text: whole, cut: false })
        } else {
          expect(result.cut).toBe(true)
          expect(result.text === link || result.text.endsWith(`${ELLIPSIS}\n\n${link}`)).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('a cut keeps a prefix of the original text (nothing is rewritten)', () => {
    fc.assert(
      fc.property(caseArb, ({ network, limit, headline, instruction, link }) => {
        const body = [headline.trim(), instruction.trim()].filter(Boolean).join('\n\n')
        const result = fitText(network, { headline, instruction, link }, { limit })
        if (!result.cut || result.text === link) return
        const kept = result.text.slice(0, result.text.length - link.length - 2 - ELLIPSIS.length)
        expect(body.startsWith(kept)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
