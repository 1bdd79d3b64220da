// First run on an empty installation: setup of the first administrator with a TOTP second
// factor, then signing in with password + TOTP; a TOTP code works once.
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot } from '#tests/support/browser.ts'
import { nextTotpCode, totpCode } from '#tests/support/totp.ts'

const admin = { name: 'Anna Bērziņa', email: 'anna.berzina@jelgava.lv', password: 'zaļš ezers pie Lielupes' }
const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let browser: Browser
const pages = pageTracker(() => browser)
let totpSecret = ''
let signInCode = ''

const newPage = () => pages.open()

beforeAll(async () => {
  ;[app, browser] = await Promise.all([startApp(), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms (cold start, embedded database, demo seed)`)
})

afterEach(async () => {
  // console errors and page errors fail the test that caused them
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('first run', () => {
  it('leads every page to setup while there is no user', async () => {
    const { page } = await newPage()
    await page.goto(`${app.url}/`)
    await expect.poll(() => new URL(page.url()).pathname).toBe('/setup')
    // the page runs under the enforced CSP: its scripts carry the nonce of this response
    const document = await page.goto(`${app.url}/setup`)
    const csp = (await document?.allHeaders())?.['content-security-policy'] ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce, csp).toBeTruthy()
    expect(csp).toContain("frame-ancestors 'none'")
    const scripts = await page.locator('script').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce))
    expect(scripts.length).toBeGreaterThan(0)
    expect(new Set(scripts)).toEqual(new Set([nonce]))
    await page.goto(`${app.url}/login`)
    await expect.poll(() => new URL(page.url()).pathname).toBe('/setup')
    for (const lng of languages) {
      await page.goto(`${app.url}/setup?lng=${lng}`)
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lng)
      await page.getByTestId('setup-form').waitFor()
      await screenshot(page, `setup-${lng}`)
    }
  })

  it('refuses a bad setup form with a message per field and creates nothing', async () => {
    const { page, expectErrors } = await newPage()
    expectErrors(failedRequest(422, '/setup.data'))
    await page.goto(`${app.url}/setup?lng=en`)
    await page.getByLabel('E-mail').fill('not an address')
    await page.getByLabel('New password').fill('short')
    await page.getByLabel('Repeat the password').fill('different')
    await (await hydrated(page.getByTestId('setup-submit'))).click()
    await page.getByTestId('password-error').waitFor()
    await expect.poll(() => page.getByTestId('email-error').isVisible()).toBe(true)
    expect(await page.getByTestId('name-error').isVisible()).toBe(true)
    expect(new URL(page.url()).pathname).toBe('/setup')
    const db = await app.database()
    expect(await db.prisma.user.count()).toBe(0)
  })

  it('creates the first administrator and enrols TOTP from the manual key', async () => {
    const { page, expectErrors } = await newPage()
    expectErrors(failedRequest(422, '/enrol.data'))
    await page.goto(`${app.url}/`)
    await page.getByTestId('setup-form').waitFor()
    await page.locator('input[name=name]').fill(admin.name)
    await page.locator('input[name=email]').fill(admin.email)
    await page.locator('input[name=password]').fill(admin.password)
    await page.locator('input[name=confirm]').fill(admin.password)
    await (await hydrated(page.getByTestId('setup-submit'))).click()

    await page.waitForURL((url) => url.pathname === '/enrol')
    await page.getByTestId('totp-qr').waitFor()
    expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    totpSecret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '')
    expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/)
    for (const lng of languages) {
      await page.goto(`${app.url}/enrol?lng=${lng}`)
      await page.getByTestId('enrol-form').waitFor()
      // the key stays the same while the enrolment is pending
      expect(((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '')).toBe(totpSecret)
      await screenshot(page, `enrol-${lng}`)
    }

    // a wrong code is refused and nothing is enrolled
    await page.locator('input[name=code]').fill(String((Number(totpCode(totpSecret)) + 1) % 1_000_000).padStart(6, '0'))
    await (await hydrated(page.getByTestId('enrol-submit'))).click()
    await page.getByTestId('code-error').waitFor()
    expect(new URL(page.url()).pathname).toBe('/enrol')

    await page.locator('input[name=code]').fill(totpCode(totpSecret))
    await (await hydrated(page.getByTestId('enrol-submit'))).click()
    await page.waitForURL((url) => url.pathname === '/')
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(admin.name)

    const db = await app.database()
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: admin.email } })
    expect(user.role).toBe('ADMINISTRATOR')
    expect(user.totpSecret).toBe(totpSecret)
    expect(user.passwordHash).not.toContain(admin.password)
  })

  it('has no setup page once an administrator exists', async () => {
    const res = await fetch(`${app.url}/setup`, { redirect: 'manual' })
    expect(res.status).toBe(404)
  })

  it('signs in with password and TOTP', async () => {
    const { page, expectErrors } = await newPage()
    expectErrors(failedRequest(401, '/login.data'))
    await page.goto(`${app.url}/`)
    await page.waitForURL((url) => url.pathname === '/login')
    for (const lng of languages) {
      await page.goto(`${app.url}/login?lng=${lng}`)
      await page.getByTestId('login-form').waitFor()
      await screenshot(page, `sign-in-${lng}`)
    }
    await page.goto(`${app.url}/login`)

    // a wrong password first: refused, no hint which part was wrong
    await page.locator('input[name=email]').fill(admin.email)
    await page.locator('input[name=password]').fill('not the password at all')
    await (await hydrated(page.getByTestId('login-submit'))).click()
    await page.getByTestId('form-error').waitFor()
    expect(new URL(page.url()).pathname).toBe('/login')

    await page.locator('input[name=email]').fill(admin.email)
    await page.locator('input[name=password]').fill(admin.password)
    await (await hydrated(page.getByTestId('login-submit'))).click()
    await page.waitForURL((url) => url.pathname === '/two-factor')
    await screenshot(page, 'two-factor-lv')

    // the enrolment code was already used: the next step's code is the one to use now
    signInCode = nextTotpCode(totpSecret)
    await page.locator('input[name=code]').fill(signInCode)
    await (await hydrated(page.getByTestId('totp-submit'))).click()
    await page.waitForURL((url) => url.pathname === '/')
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(admin.name)
  })

  it('refuses a TOTP code that was already used', async () => {
    expect(signInCode).toMatch(/^\d{6}$/)
    const { page, expectErrors } = await newPage()
    expectErrors(failedRequest(422, '/two-factor.data'))
    await page.goto(`${app.url}/login`)
    await page.locator('input[name=email]').fill(admin.email)
    await page.locator('input[name=password]').fill(admin.password)
    await (await hydrated(page.getByTestId('login-submit'))).click()
    await page.waitForURL((url) => url.pathname === '/two-factor')
    await page.locator('input[name=code]').fill(signInCode)
    await (await hydrated(page.getByTestId('totp-submit'))).click()
    await page.locator('[data-testid=code-error], [data-testid=form-error]').first().waitFor()
    expect(new URL(page.url()).pathname).toBe('/two-factor')
    // still not signed in: the app sends us back to the second factor
    await page.goto(`${app.url}/`)
    await expect.poll(() => new URL(page.url()).pathname).toBe('/two-factor')
  })
})
