// Issue 4, SMS for residents — the screens, in Chromium against the booted app and the fake SMS
// gateway (tests/fakes/sms-gateway.ts, real HTTP on 127.0.0.1). A resident chooses a place, enters
// a phone number on /subscribe, reads the code from the SMS the gateway received, confirms, and sees
// the unsubscribe link; the subscription is in the database. The link (GET) only explains; the
// button ends the subscription. Also: a wrong code and a landline number show their errors next to
// the field; the whole flow works with JavaScript switched off; an unknown link says so (404).
// Screenshots of every new screen in lv, en and ru (screenshots/sms-*.png).
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot } from '#tests/support/browser.ts'

let app: RunningApp
let browser: Browser
let gateway: FakeSmsGateway
let prisma: PrismaClient
const pages = pageTracker(() => browser)

const TOKEN = 'e2e-sms-gateway-token'
const RECEIPT_SECRET = 'e2e-sms-receipt-secret-0123'

beforeAll(async () => {
  gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: TOKEN }, receiptSecret: RECEIPT_SECRET })
  ;[app, browser] = await Promise.all([
    startApp({ env: { SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: TOKEN, SMS_RECEIPT_SECRET: RECEIPT_SECRET, SMS_SENDER_ID: 'Sargs' } }),
    launchChromium(),
  ])
  console.log(`app ready in ${app.startupMs} ms`)
  prisma = (await app.database()).prisma
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await gateway?.close()
})

/** The six-digit code in the latest SMS the gateway received for this number. */
async function codeSentTo(number: string, after = 0): Promise<string> {
  const find = () => gateway.received.filter((m) => m.to === number && m.at >= after && /\b\d{6}\b/.test(m.text)).at(-1)
  await expect.poll(() => find(), { timeout: 20_000 }).toBeDefined()
  return /\b(\d{6})\b/.exec(find()!.text)![1]
}

/** What a test expects on the screen, per language. */
const texts = {
  lv: { codeSent: 'Mēs nosūtījām 6 ciparu kodu uz numuru', stopped: 'Jūs vairs nesaņemsiet brīdinājumus īsziņā', wrong: 'Nepareizs kods', codeSms: 'jūsu apstiprinājuma kods' },
  en: { codeSent: 'We sent a 6-digit code to', stopped: 'You will not get SMS alerts any more', wrong: 'Wrong code', codeSms: 'your confirmation code' },
  ru: { codeSent: 'Мы отправили 6-значный код на номер', stopped: 'Вы больше не будете получать предупреждения по SMS', wrong: 'Неверный код', codeSms: 'ваш код подтверждения' },
} as const

/** Open /subscribe, pick the named area "Centrs" and wait until the page is interactive. */
async function openSubscribe(page: Page, lng: string) {
  await page.goto(`${app.url}/subscribe?lng=${lng}`)
  await page.locator('[data-testid=public-map-canvas][data-ready=true]').waitFor({ timeout: 30_000 })
  await page.locator('details.named-areas summary').click()
  await (await hydrated(page.getByTestId('area-Centrs'))).check()
  await expect.poll(() => page.getByTestId('chosen-places').locator('li').count()).toBe(1)
}

/** Bring the two ways (push, SMS) into view for a screenshot. */
async function showChannels(page: Page) {
  await page.getByTestId('channel-sms').evaluate((el) => el.closest('fieldset')!.scrollIntoView({ block: 'start' }))
}

/** The element's text with non-breaking spaces (the masked number is kept on one line) as spaces. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ')
}

async function sendCode(page: Page, phone: string) {
  await page.getByTestId('sms-phone').fill(phone)
  await (await hydrated(page.getByTestId('sms-send-code'))).click()
}

describe('SMS subscription on /subscribe', () => {
  it('a resident subscribes a number with the code from the SMS and unsubscribes by the link — in lv, en and ru', { timeout: 300_000 }, async () => {
    const numbers = { lv: '+37120000101', en: '+37120000202', ru: '+37120000303' } as const
    for (const lng of ['lv', 'en', 'ru'] as const) {
      const number = numbers[lng]
      // the browser's language decides the stop page's language (the link in the SMS has none)
      const { page } = await pages.open({ locale: { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' }[lng], viewport: { width: 1200, height: 900 } })
      await openSubscribe(page, lng)
      // the push option and the SMS option side by side
      expect(await page.getByTestId('channel-push').isVisible()).toBe(true)
      await showChannels(page)
      await screenshot(page, `sms-subscribe-phone-${lng}`)

      // the number as people type it: without +371, with spaces
      const started = Date.now()
      await sendCode(page, `${number.slice(4, 8)} ${number.slice(8)}`)
      const sent = page.getByTestId('sms-code-sent')
      await sent.waitFor({ timeout: 20_000 })
      const masked = `+371 2••••${number.slice(-3)}`
      expect(await sent.textContent()).toContain(texts[lng].codeSent)
      expect(await textOf(sent)).toContain(masked)
      // the number is never in a URL, and the page does not show it in full
      expect(page.url()).toBe(`${app.url}/subscribe?lng=${lng}`)
      expect(await page.locator('body').textContent()).not.toContain(number.slice(4))
      const code = await codeSentTo(number, started)
      // the code SMS is in the page's language (the first chosen language)
      expect(gateway.received.filter((m) => m.to === number).at(-1)!.text).toContain(texts[lng].codeSms)
      await showChannels(page)
      await screenshot(page, `sms-subscribe-code-${lng}`)

      await page.getByTestId('sms-code').fill(code)
      await page.getByTestId('sms-confirm').click()
      const done = page.getByTestId('sms-subscribed')
      await done.waitFor({ timeout: 20_000 })
      expect(await textOf(done)).toContain(masked)
      const stopUrl = (await page.getByTestId('sms-stop-link').getAttribute('href'))!
      expect(stopUrl).toMatch(new RegExp(`^${app.url.replace(/\./g, '\\.')}/sms/stop/[A-Za-z0-9_-]{20,64}$`))
      expect(stopUrl).not.toContain(number.slice(1))
      await showChannels(page)
      await screenshot(page, `sms-subscribe-done-${lng}`)

      // the subscription: the number, the place of Centrs, the page's language, all alerts
      const stored = await prisma.smsSubscription.findUniqueOrThrow({ where: { phone: number } })
      expect(stored).toMatchObject({ languages: [lng], minSeverity: 'Minor' })
      expect((stored.places as unknown[]).length).toBeGreaterThanOrEqual(1)
      // the confirmation SMS carries the same link
      await expect.poll(() => gateway.received.some((m) => m.to === number && m.text.includes(stopUrl)), { timeout: 20_000 }).toBe(true)

      // the link only explains: opening it (as a link scanner would) keeps the subscription
      await page.goto(stopUrl)
      await page.getByTestId('sms-stop-submit').waitFor()
      expect(await page.getByTestId('sms-stop-page').getAttribute('data-state')).toBe('active')
      expect(await prisma.smsSubscription.count({ where: { phone: number } })).toBe(1)
      await screenshot(page, `sms-stop-${lng}`)
      await (await hydrated(page.getByTestId('sms-stop-submit'))).click()
      const stopped = page.getByTestId('sms-stopped')
      await stopped.waitFor({ timeout: 20_000 })
      expect(await stopped.textContent()).toContain(texts[lng].stopped)
      expect(await prisma.smsSubscription.count({ where: { phone: number } })).toBe(0)
      await screenshot(page, `sms-stopped-${lng}`)
    }
  })

  it('a wrong code and a landline number are shown next to their field', { timeout: 120_000 }, async () => {
    const { page, expectErrors } = await pages.open({ viewport: { width: 1200, height: 900 } })
    expectErrors(failedRequest(422, '/subscribe.data'))
    await openSubscribe(page, 'en')

    // a Latvian landline (6…) cannot receive SMS
    await sendCode(page, '6700 0000')
    const phoneError = page.getByTestId('sms-phone-error')
    await phoneError.waitFor({ timeout: 20_000 })
    expect(await phoneError.textContent()).toBe('This is not a mobile number: only a mobile phone can receive SMS.')
    expect(await page.getByTestId('sms-phone').getAttribute('aria-invalid')).toBe('true')
    await showChannels(page)
    await screenshot(page, 'sms-subscribe-phone-error-en')

    const number = '+37120000404'
    const started = Date.now()
    await sendCode(page, number)
    await page.getByTestId('sms-code-sent').waitFor({ timeout: 20_000 })
    const code = await codeSentTo(number, started)
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    await page.getByTestId('sms-code').fill(wrong)
    await page.getByTestId('sms-confirm').click()
    const codeError = page.getByTestId('sms-code-error')
    await codeError.waitFor({ timeout: 20_000 })
    expect(await codeError.textContent()).toBe('Wrong code. Enter the 6 digits from the SMS.')
    expect(await textOf(page.getByTestId('sms-code-sent'))).toContain('+371 2••••404')
    expect(await prisma.smsSubscription.count({ where: { phone: number } })).toBe(0)
    await showChannels(page)
    await screenshot(page, 'sms-subscribe-wrong-code-en')

    // the right code still works after a wrong one
    await page.getByTestId('sms-code').fill(code)
    await page.getByTestId('sms-confirm').click()
    await page.getByTestId('sms-subscribed').waitFor({ timeout: 20_000 })
    expect(await prisma.smsSubscription.count({ where: { phone: number } })).toBe(1)
  })

  it('a fourth code to one number within the hour is refused with the rate-limit message', { timeout: 120_000 }, async () => {
    const { page, expectErrors } = await pages.open({ viewport: { width: 1200, height: 900 } })
    expectErrors(failedRequest(429, '/subscribe.data'))
    await openSubscribe(page, 'lv')
    const number = '+37120000606'
    // three codes an hour to one number (domain: smsSubscriptionLimits.perNumber)
    for (let i = 0; i < 3; i += 1) {
      await sendCode(page, number)
      await page.getByTestId('sms-code-sent').waitFor({ timeout: 20_000 })
      await page.getByTestId('sms-restart').click()
      await page.getByTestId('sms-phone').waitFor({ timeout: 20_000 })
    }
    await sendCode(page, number)
    const notice = page.getByTestId('sms-notice')
    await notice.waitFor({ timeout: 20_000 })
    expect(await notice.getAttribute('data-notice')).toBe('rateLimited')
    // the per-number window is an hour: the wait is said in minutes
    expect(await notice.textContent()).toMatch(/^Pārāk daudz mēģinājumu ar šo numuru\. Mēģiniet vēlreiz pēc \d+ min\.$/)
    expect(gateway.received.filter((m) => m.to === number)).toHaveLength(3)
    await showChannels(page)
    await screenshot(page, 'sms-subscribe-rate-limited-lv')
  })

  it('an unknown or used unsubscribe link says so politely, with 404', async () => {
    const { page, expectErrors } = await pages.open({ locale: 'ru-RU' })
    expectErrors(failedRequest(404, '/sms/stop/no-such-token-0123456789'))
    const response = await page.goto(`${app.url}/sms/stop/no-such-token-0123456789`)
    expect(response?.status()).toBe(404)
    expect(await page.getByTestId('sms-stop-unknown').textContent()).toBe('Эта ссылка больше не действует: подписка уже отменена или заменена более новой.')
    expect(await page.getByTestId('sms-stop-submit').count()).toBe(0)
    await screenshot(page, 'sms-stop-unknown-ru')
  })
})

describe('a server without an SMS provider', () => {
  it('shows the SMS option as not available, with the reason, and its action refuses (409)', { timeout: 120_000 }, async () => {
    const plain = await startApp()
    try {
      const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1200, height: 900 } })
      await context.route((url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1', (route) => route.abort('internetdisconnected'))
      const page = await context.newPage()
      await page.goto(`${plain.url}/subscribe`)
      expect(await page.getByTestId('sms-unavailable').textContent()).toBe(
        'SMS alerts are not available on this server. Use notifications in the browser, or read the active alerts on this site.',
      )
      expect(await page.getByTestId('sms-phone').count()).toBe(0)
      await showChannels(page)
      await screenshot(page, 'sms-subscribe-unavailable-en')
      await context.close()
      const res = await fetch(`${plain.url}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: plain.url },
        body: new URLSearchParams({ intent: 'sms-code', phone: '+37120000707' }),
      })
      expect(res.status).toBe(409)
    } finally {
      await plain.stop()
    }
  })
})

describe('SMS subscription without JavaScript', () => {
  async function noScriptPage(locale: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled: false, locale, viewport: { width: 1100, height: 900 }, timezoneId: 'Europe/Riga' })
    await context.route((url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1', (route) => route.abort('internetdisconnected'))
    return { context, page: await context.newPage() }
  }

  it('works with plain form posts: a named area, the number, the code, and the stop button', { timeout: 120_000 }, async () => {
    const { context, page } = await noScriptPage('lv-LV')
    try {
      const number = '+37120000505'
      await page.goto(`${app.url}/subscribe`)
      expect(await page.getByTestId('subscribe-noscript').textContent()).toContain('Brīdinājumus īsziņā var pasūtīt arī bez JavaScript')
      // a wrong choice first: no place → the places error, the number kept in the field
      await page.getByTestId('sms-phone').fill('20000505')
      await page.getByTestId('sms-send-code').click()
      await page.getByTestId('places-error').waitFor()
      expect(await page.getByTestId('places-error').textContent()).toBe('Izvēlieties vismaz vienu vietu.')
      expect(await page.getByTestId('sms-phone').inputValue()).toBe('20000505')

      await page.locator('details.named-areas summary').click()
      await page.getByTestId('area-Centrs').check()
      await page.getByTestId('severity-Severe').check()
      const started = Date.now()
      await page.getByTestId('sms-send-code').click()
      await page.getByTestId('sms-code-sent').waitFor()
      expect(await textOf(page.getByTestId('sms-code-sent'))).toContain('+371 2••••505')
      expect(page.url()).toBe(`${app.url}/subscribe`)
      const code = await codeSentTo(number, started)
      await page.getByTestId('sms-code').fill(code)
      await page.getByTestId('sms-confirm').click()
      await page.getByTestId('sms-subscribed').waitFor()
      const stored = await prisma.smsSubscription.findUniqueOrThrow({ where: { phone: number } })
      expect(stored).toMatchObject({ languages: ['lv'], minSeverity: 'Severe' })
      expect((stored.places as unknown[]).length).toBeGreaterThanOrEqual(1)

      const stopUrl = (await page.getByTestId('sms-stop-link').getAttribute('href'))!
      await page.goto(stopUrl)
      expect(await prisma.smsSubscription.count({ where: { phone: number } })).toBe(1)
      await page.getByTestId('sms-stop-submit').click()
      await page.getByTestId('sms-stopped').waitFor()
      expect(await prisma.smsSubscription.count({ where: { phone: number } })).toBe(0)
      // the same link again: already used
      await page.goto(stopUrl)
      expect(await page.getByTestId('sms-stop-unknown').isVisible()).toBe(true)
    } finally {
      await context.close()
    }
  })
})
