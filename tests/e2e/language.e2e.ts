// Switching the language lv → en → ru in the signed-in shell; the choice is remembered across
// reloads and new pages, and it wins over the browser's own language.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { hydrated, launchChromium, pageTracker, waitForLive } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

let app: RunningApp
let browser: Browser
let operator: TestSession
const pages = pageTracker(() => browser)

beforeAll(async () => {
  ;[app, browser] = await Promise.all([startApp(), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms`)
  operator = await createSignedInUser((await app.database()).prisma, 'OPERATOR', { name: 'Marta Kļaviņa' })
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const mapLabel = { lv: 'Karte', en: 'Map', ru: 'Карта' }
const signOutLabel = { lv: 'Iziet', en: 'Sign out', ru: 'Выйти' }

async function expectLanguage(page: Page, lng: 'lv' | 'en' | 'ru') {
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lng)
  await expect.poll(() => page.getByTestId('nav-map').textContent()).toBe(mapLabel[lng])
  expect(await page.getByTestId('sign-out').textContent()).toBe(signOutLabel[lng])
  expect(await page.getByTestId(`lang-${lng}`).getAttribute('aria-pressed')).toBe('true')
}

describe('language', () => {
  it('switches lv → en → ru and remembers the choice after a reload', async () => {
    // a browser that asks for Latvian: the default
    const { page, context } = await pages.open({ cookies: [browserCookie(operator, app.url)], locale: 'lv-LV' })
    await page.goto(`${app.url}/`)
    await expectLanguage(page, 'lv')
    await waitForLive(page)

    await (await hydrated(page.getByTestId('lang-en'))).click()
    await expectLanguage(page, 'en')
    // still on the same screen
    expect(new URL(page.url()).pathname).toBe('/')

    await (await hydrated(page.getByTestId('lang-ru'))).click()
    await expectLanguage(page, 'ru')
    // the dashboard's own texts follow, with Russian plurals
    await expect.poll(() => page.getByTestId('incident-count').textContent()).toMatch(/происшестви/)

    await page.reload()
    await expectLanguage(page, 'ru')

    // another page of the same browser, on another screen
    const second = await context.newPage()
    await second.goto(`${app.url}/incidents`)
    await expect.poll(() => second.locator('html').getAttribute('lang')).toBe('ru')
  })

  it('follows the browser language until a choice is made', async () => {
    const { page } = await pages.open({ cookies: [browserCookie(operator, app.url)], locale: 'en-GB' })
    await page.goto(`${app.url}/`)
    await expectLanguage(page, 'en')
    await (await hydrated(page.getByTestId('lang-lv'))).click()
    await expectLanguage(page, 'lv')
    await page.reload()
    await expectLanguage(page, 'lv')
  })

  it('works on the sign-in page before signing in', async () => {
    const { page } = await pages.open({ locale: 'lv-LV' })
    await page.goto(`${app.url}/login`)
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('lv')
    await (await hydrated(page.getByTestId('lang-ru'))).click()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ru')
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.reload()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ru')
    expect(await page.getByTestId('login-submit').textContent()).toBe('Продолжить')
  })
})
