// The resident pages in Chromium: active alerts as map + list, one alert, subscribe and the
// 72-hour kit, in lv/en/ru — first with JavaScript switched off (everything readable, the map an
// SVG, the language switch a plain form), then with it (MapLibre over the SVG, the service worker
// registered and keeping the pages for offline reading), with screenshots of every screen in
// every language. Also against the booted app: the web app manifest and icons, the service worker
// script, and the public API's rate limit, which a spoofed X-Forwarded-For does not get around.
import crypto from 'node:crypto'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { userActor } from '#domain/auth/actor.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { newAlertIdentity } from '#domain/alerts/new-alert-identity.ts'
import { SUBSCRIBE_IP } from '#domain/subscriptions/limits.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { launchChromium, pageTracker, screenshot } from '#tests/support/browser.ts'
import { createSignedInUser } from '#tests/support/sessions.ts'

let app: RunningApp
let browser: Browser
let prisma: PrismaClient
const pages = pageTracker(() => browser)
const issued: Record<'flood' | 'storm', string> = { flood: '', storm: '' }

const flood = {
  'lv-LV': { headline: 'Plūdi Pasta salā: nebrauciet pāri Driksai', description: 'Lielupes līmenis ceļas; Pasta salas ceļi applūst.', instruction: 'Neiebrauciet applūdušos ceļos. Pārvietojiet auto uz augstāku vietu.' },
  'en-GB': { headline: 'Flooding on Pasta sala: do not cross the Driksa', description: 'The Lielupe is rising; roads on Pasta sala are flooding.', instruction: 'Do not drive into flooded roads. Move cars to higher ground.' },
  'ru-RU': { headline: 'Наводнение на Паста-сала: не переезжайте Дриксу', description: 'Уровень Лиелупе растёт; дороги на Паста-сала затоплены.', instruction: 'Не въезжайте на затопленные дороги. Переставьте машины повыше.' },
}
const storm = {
  'lv-LV': { headline: 'Vētra Miezītē: nostipriniet priekšmetus', description: 'Vēja brāzmas līdz 25 m/s.', instruction: 'Palieciet telpās, nostipriniet balkonos esošos priekšmetus.' },
  'en-GB': { headline: 'Storm in Miezīte: secure loose objects', description: 'Gusts up to 25 m/s.', instruction: 'Stay indoors and secure objects on balconies.' },
}

async function issue(texts: Record<string, { headline: string; description: string; instruction: string }>, severity: 'Severe' | 'Moderate', area: Record<string, unknown>): Promise<string> {
  const territory = await prisma.territory.findFirstOrThrow({ include: { namedAreas: true } })
  const identity = await newAlertIdentity({ prisma, territoryId: territory.id })
  const now = Date.now()
  const alert: CapAlert = validateAlert({
    boundary: territory.boundary as never,
    input: {
      ...identity,
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      info: Object.entries(texts).map(([language, text]) => ({
        language,
        category: ['Met'],
        event: { 'lv-LV': severity === 'Severe' ? 'Plūdi' : 'Vētra', 'en-GB': severity === 'Severe' ? 'Flood' : 'Storm', 'ru-RU': 'Наводнение' }[language],
        urgency: 'Immediate',
        severity,
        certainty: 'Observed',
        onset: formatCapTime(now),
        expires: formatCapTime(now + 6 * 3600_000),
        ...text,
        area: [area],
      })),
    },
  })
  const admin = await createSignedInUser(prisma, 'COMMISSION_MEMBER')
  const result = await issueCapAlert({ prisma, alert, actor: userActor(admin.user), idempotencyKey: crypto.randomUUID() })
  return result.identifier
}

beforeAll(async () => {
  ;[app, browser] = await Promise.all([startApp(), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms`)
  prisma = (await app.database()).prisma
  const miezite = await prisma.namedArea.findFirstOrThrow({ where: { name: 'Miezīte' } })
  issued.flood = await issue(flood, 'Severe', {
    areaDesc: 'Pasta sala',
    polygon: ['56.6555,23.7135 56.6575,23.7265 56.6505,23.7300 56.6480,23.7150 56.6555,23.7135'],
  })
  issued.storm = await issue(storm, 'Moderate', { areaDesc: 'Miezīte', geocode: [{ valueName: 'SARGS_AREA', value: miezite.id }] })
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** A browser context with JavaScript switched off, offline except for the app. */
async function noScriptPage(locale = 'lv-LV'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false, locale, viewport: { width: 1100, height: 900 }, timezoneId: 'Europe/Riga' })
  await context.route((url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1', (route) => route.abort('internetdisconnected'))
  return { context, page: await context.newPage() }
}

describe('resident pages without JavaScript', () => {
  it('list the active alerts on an SVG map and in a list, in the chosen language', async () => {
    const { context, page } = await noScriptPage()
    try {
      await page.goto(`${app.url}/public`)
      expect(await page.locator('html').getAttribute('lang')).toBe('lv')
      const items = page.getByTestId('alert-item')
      expect(await items.count()).toBe(2)
      // newest first: the storm was issued after the flood
      expect(await items.nth(0).getByTestId('alert-link').textContent()).toBe(storm['lv-LV'].headline)
      expect(await items.nth(1).getByTestId('alert-link').textContent()).toBe(flood['lv-LV'].headline)
      expect(await items.nth(1).getByTestId('severity').textContent()).toBe('Augsta bīstamība')
      // the map says something without JavaScript: the territory and both alert areas (the named area resolved)
      const svg = page.getByTestId('public-map-svg')
      expect(await svg.getAttribute('aria-label')).toContain('Jelgava')
      expect(await page.getByTestId('svg-alert-area').count()).toBe(2)
      expect(await page.getByTestId('public-map-canvas').count()).toBe(0)

      // the language switch is a plain form: it works without JavaScript and stays on the page
      await page.getByTestId('lang-ru').click()
      await page.waitForURL(`${app.url}/public`)
      expect(await page.locator('html').getAttribute('lang')).toBe('ru')
      expect(await items.nth(1).getByTestId('alert-link').textContent()).toBe(flood['ru-RU'].headline)
      // the storm has no Russian text: Latvian (lv → en fallback), and its page says so
      expect(await items.nth(0).getByTestId('alert-link').textContent()).toBe(storm['lv-LV'].headline)

      await items.nth(1).getByTestId('alert-link').click()
      await page.waitForURL(`${app.url}/alerts/${encodeURIComponent(issued.flood)}`)
      expect(await page.getByTestId('alert-headline').textContent()).toBe(flood['ru-RU'].headline)
      expect(await page.getByTestId('alert-instruction').textContent()).toBe(flood['ru-RU'].instruction)
      expect(await page.getByTestId('alert-description').textContent()).toBe(flood['ru-RU'].description)
      expect(await page.getByTestId('alert-areas').textContent()).toBe('Pasta sala')
      expect(await page.getByTestId('alert-expires').textContent()).toMatch(/\d{2}:\d{2}/)
      expect(await page.getByTestId('svg-alert-area').count()).toBe(1)
      expect(await page.getByTestId('language-fallback').count()).toBe(0)

      await page.goto(`${app.url}/alerts/${encodeURIComponent(issued.storm)}`)
      expect(await page.getByTestId('alert-headline').textContent()).toBe(storm['lv-LV'].headline)
      expect(await page.getByTestId('language-fallback').textContent()).toContain('Latviešu')

      // ?lng= (what a notification opens) wins over the remembered choice for that page
      await page.goto(`${app.url}/alerts/${encodeURIComponent(issued.flood)}?lng=en`)
      expect(await page.getByTestId('alert-headline').textContent()).toBe(flood['en-GB'].headline)

      const missing = await page.goto(`${app.url}/alerts/no-such-alert`)
      expect(missing?.status()).toBe(404)
      expect(await page.getByTestId('error-page').getAttribute('data-status')).toBe('404')
    } finally {
      await context.close()
    }
  })

  it('show the 72-hour kit, and on the subscribe page say that notifications need JavaScript', async () => {
    const { context, page } = await noScriptPage('en-GB')
    try {
      await page.goto(`${app.url}/prepare`)
      expect(await page.getByTestId('water-rule').textContent()).toContain('3 litres per person per day')
      for (const id of ['water', 'food', 'medicine', 'power', 'documents', 'clothing', 'plan']) {
        expect(await page.getByTestId(`prepare-${id}`).locator('li').count(), id).toBeGreaterThanOrEqual(3)
      }
      expect(await page.getByTestId('prepare-documents').textContent()).toMatch(/Cash/)
      expect(await page.getByTestId('prepare-power').textContent()).toMatch(/radio/)
      await page.goto(`${app.url}/subscribe`)
      expect(await page.getByTestId('subscribe-noscript').isVisible()).toBe(true)
      expect(await page.getByTestId('subscribe-submit').isDisabled()).toBe(true)
    } finally {
      await context.close()
    }
  })
})

describe('resident pages with JavaScript', () => {
  it('enhance the map with MapLibre, register the service worker, and look right in lv, en and ru', { timeout: 240_000 }, async () => {
    const { page, context } = await pages.open({ viewport: { width: 1200, height: 860 } })
    for (const lng of ['lv', 'en', 'ru'] as const) {
      await page.goto(`${app.url}/public?lng=${lng}`)
      await page.locator('[data-testid=public-map-canvas][data-ready=true]').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('alert-item').count()).toBe(2)
      await screenshot(page, `public-alerts-${lng}`)

      await page.goto(`${app.url}/alerts/${encodeURIComponent(issued.flood)}?lng=${lng}`)
      await page.locator('[data-testid=public-map-canvas][data-ready=true]').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('alert-headline').textContent()).toBe(flood[({ lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' } as const)[lng]].headline)
      await screenshot(page, `public-alert-${lng}`)

      await page.goto(`${app.url}/subscribe?lng=${lng}`)
      await page.locator('[data-testid=public-map-canvas][data-ready=true]').waitFor({ timeout: 30_000 })
      await expect.poll(() => page.getByTestId('subscribe-submit').isEnabled()).toBe(true)
      await screenshot(page, `public-subscribe-${lng}`)

      await page.goto(`${app.url}/prepare?lng=${lng}`)
      await screenshot(page, `public-prepare-${lng}`)
    }
    // the service worker controls the resident pages (scope /), allowed by the CSP
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
    expect(scope).toBe(`${app.url}/`)

    // offline: the pages seen are still readable from the service worker's cache
    await page.goto(`${app.url}/public?lng=en`)
    await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true)
    await page.goto(`${app.url}/alerts/${encodeURIComponent(issued.flood)}?lng=en`)
    await context.setOffline(true)
    try {
      await page.reload()
      expect(await page.getByTestId('alert-headline').textContent()).toBe(flood['en-GB'].headline)
      await page.goto(`${app.url}/public?lng=en`)
      expect(await page.getByTestId('alert-item').count()).toBe(2)
    } finally {
      await context.setOffline(false)
    }
  })

  it('a small screen (phone): map above the list', async () => {
    const { page } = await pages.open({ viewport: { width: 390, height: 844 } })
    await page.goto(`${app.url}/public?lng=lv`)
    await page.locator('[data-testid=public-map-canvas][data-ready=true]').waitFor({ timeout: 30_000 })
    await screenshot(page, 'public-alerts-phone-lv')
    await page.goto(`${app.url}/subscribe?lng=lv`)
    await screenshot(page, 'public-subscribe-phone-lv')
  })
})

describe('the installable app and the public API on the booted app', () => {
  it('serves the manifest with PNG icons and the service worker script', async () => {
    const manifest = await fetch(`${app.url}/manifest.webmanifest`)
    expect(manifest.status).toBe(200)
    const body = (await manifest.json()) as { start_url: string; scope: string; display: string; icons: { src: string; sizes: string; type: string; purpose: string }[] }
    expect(body).toMatchObject({ start_url: '/public', scope: '/', display: 'standalone' })
    expect(body.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable')).toBe(true)
    for (const icon of body.icons) {
      const res = await fetch(`${app.url}${icon.src}`)
      expect(res.status, icon.src).toBe(200)
      const bytes = Buffer.from(await res.arrayBuffer())
      if (icon.type === 'image/png') {
        expect(bytes.subarray(1, 4).toString()).toBe('PNG')
        const [w, h] = icon.sizes.split('x').map(Number)
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([w, h])
      }
    }
    const sw = await fetch(`${app.url}/sw.js`)
    expect(sw.status).toBe(200)
    expect(sw.headers.get('content-type')).toMatch(/javascript/)
    expect(await sw.text()).toContain("addEventListener('push'")
    const page = await fetch(`${app.url}/public`)
    expect(await page.text()).toContain('rel="manifest" href="/manifest.webmanifest"')
  })

  it('refuses a foreign Origin, and rate-limits per address: a spoofed X-Forwarded-For does not help', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${app.url}/api/push/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ endpoint: 'https://push.example.net/x', keys: {}, places: [] }),
      })
    const foreign = await post({ origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)
    let last: Response | undefined
    for (let i = 0; i <= SUBSCRIBE_IP.limit; i += 1) {
      last = await post({ origin: app.url, 'x-forwarded-for': `203.0.113.${i % 250}` })
      if (i < SUBSCRIBE_IP.limit) expect(last.status).toBe(422)
      await last.arrayBuffer()
    }
    expect(last!.status).toBe(429)
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
    const key = await fetch(`${app.url}/api/push/vapid-public-key`)
    expect(key.status).toBe(200)
    expect(((await key.json()) as { publicKey: string }).publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/)
  })
})
