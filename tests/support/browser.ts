// Debian's Chromium driven by playwright-core, for the end-to-end tests. Every page is offline
// except for the app on 127.0.0.1 (as on this project's machines), and every console error or
// uncaught page error is collected so the test can fail on it. The only allowed errors are the
// expected failures of the default basemap's tiles (OpenStreetMap) while offline.
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page } from 'playwright-core'
import { repoRoot } from './build.ts'

export const chromiumPath = '/usr/bin/chromium'
export const screenshotDir = path.join(repoRoot, 'screenshots')

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  })
}

/** Hosts of the default basemap (app/utils/map-style.ts): unreachable here, expectedly. */
const basemapHosts = new Set(['tile.openstreetmap.org'])

function isBasemapUrl(url: string | undefined): boolean {
  if (!url) return false
  try {
    const u = new URL(url)
    return u.protocol === 'https:' && basemapHosts.has(u.hostname)
  } catch {
    return false
  }
}

/**
 * The expected offline noise, and nothing else: Chromium's "Failed to load resource" for a
 * basemap tile (or the reachability probe), whose source location is that tile's URL.
 */
export function isExpectedOfflineBasemapError(message: { text: string; url?: string }): boolean {
  return /^Failed to load resource: net::ERR_/.test(message.text) && isBasemapUrl(message.url)
}

export type TrackedPage = {
  context: BrowserContext
  page: Page
  /** console errors and page errors seen so far (expected offline basemap errors excluded) */
  errors: string[]
  /** allowed errors seen: offline basemap tiles, and those a test declared with expectErrors */
  allowed: string[]
  /**
   * Declare console errors this test provokes on purpose, e.g. Chromium's "Failed to load
   * resource: ... status of 422" for a form submitted with bad input. Matched against
   * "console.error: <text> (<url>)". Keep the pattern narrow (status and path).
   */
  expectErrors: (...patterns: RegExp[]) => void
  close: () => Promise<void>
}

/** Chromium's console line for a request answered with `status` at a path (the .data fetch of a form). */
export function failedRequest(status: number, path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^console\\.error: Failed to load resource: the server responded with a status of ${status} .*\\(http://127\\.0\\.0\\.1:\\d+${escaped}(\\?[^)]*)?\\)$`)
}

/**
 * A new empty browser context with one page. Requests leaving 127.0.0.1 fail as they would
 * offline; cookies (e.g. a session made in the database) are set before the first request.
 */
export async function openPage(
  browser: Browser,
  options: {
    cookies?: Parameters<BrowserContext['addCookies']>[0]
    locale?: string
    viewport?: { width: number; height: number }
  } = {},
): Promise<TrackedPage> {
  const context = await browser.newContext({
    locale: options.locale ?? 'lv-LV',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    timezoneId: 'Europe/Riga',
  })
  if (options.cookies?.length) await context.addCookies(options.cookies)
  await context.route(
    (url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1',
    (route) => route.abort('internetdisconnected'),
  )
  const page = await context.newPage()
  const errors: string[] = []
  const allowed: string[] = []
  const expected: RegExp[] = []
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return
    const entry = { text: msg.text(), url: msg.location().url }
    const line = `console.error: ${entry.text}${entry.url ? ` (${entry.url})` : ''}`
    if (isExpectedOfflineBasemapError(entry) || expected.some((p) => p.test(line))) allowed.push(line)
    else errors.push(line)
  })
  page.on('pageerror', (error) => errors.push(`page error: ${error.stack ?? error.message}`))
  return {
    context,
    page,
    errors,
    allowed,
    expectErrors: (...patterns) => void expected.push(...patterns),
    close: () => context.close(),
  }
}

/**
 * Pages opened by one test file: `open` a page (new context), and after each test `closeAll`,
 * which closes them and returns the unexpected errors (to assert empty) after logging the
 * allowed ones, so the record shows what was let through.
 */
export function pageTracker(browser: () => Browser) {
  const pages: TrackedPage[] = []
  return {
    async open(options?: Parameters<typeof openPage>[1]): Promise<TrackedPage> {
      const tracked = await openPage(browser(), options)
      pages.push(tracked)
      return tracked
    },
    async closeAll(): Promise<string[]> {
      const open = pages.splice(0)
      const allowed = open.flatMap((p) => p.allowed)
      if (allowed.length) console.log(`allowed console errors (${allowed.length}):\n  ${allowed.join('\n  ')}`)
      const errors = open.flatMap((p) => p.errors)
      await Promise.all(open.map((p) => p.close()))
      return errors
    },
  }
}

/**
 * Wait until React has hydrated an element (it carries React's internal props), so a click on
 * it is handled by the app and not lost or sent as a plain form post mid-hydration.
 */
export async function hydrated(locator: Locator): Promise<Locator> {
  const handle = await locator.elementHandle({ timeout: 30_000 })
  if (!handle) throw new Error('element not found')
  await locator.page().waitForFunction(
    (el) => Object.keys(el as object).some((k) => k.startsWith('__reactProps$')),
    handle,
    { timeout: 30_000 },
  )
  await handle.dispose()
  return locator
}

/** Wait until a signed-in page's live indicator says connected (no "reconnecting" in screenshots). */
export async function waitForLive(page: Page): Promise<void> {
  await page.locator('[data-testid=live-indicator][data-state=connected]').waitFor({ timeout: 15_000 })
}

/** Write screenshots/<name>.png (the folder the README names). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true })
  const file = path.join(screenshotDir, `${name}.png`)
  await page.screenshot({ path: file, fullPage: false })
  return file
}
