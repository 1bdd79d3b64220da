// What staff see after Issue, in Chromium against the real app: an operator's alert goes out to
// subscribers at the fake push service, sent by the app's own dispatcher (in-process, trusting the
// fake's certificate through NODE_EXTRA_CA_CERTS); the progress page, opened while the channel is
// paused, follows the sending live — without a reload — up to 100 %; the report lists every
// attempt and downloads as CSV. Screenshots of the list, the progress page, the report and the
// dead letters in lv, en and ru.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { userActor } from '#domain/auth/actor.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { composeAlert, demoTerritory, subscribe, type Subscriber } from '#notify/dispatch/fixtures/engine-support.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { hydrated, launchChromium, pageTracker, screenshotDir, waitForLive } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'
import { deliveryState } from '#tests/support/delivery-state.ts'

const languages = ['lv', 'en', 'ru'] as const
const SUBSCRIBERS = 40

let app: RunningApp
let browser: Browser
let push: FakePushService
let prisma: PrismaClient
let operator: TestSession
let caDir = ''
let alertId = ''
const subscribers: Subscriber[] = []
const pages = pageTracker(() => browser)

async function fullScreenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

beforeAll(async () => {
  push = await startFakePushService()
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-push-ca-'))
  fs.writeFileSync(path.join(caDir, 'ca.pem'), push.ca)
  ;[app, browser] = await Promise.all([startApp({ env: { NODE_EXTRA_CA_CERTS: path.join(caDir, 'ca.pem'), PUSH_SERVICE_HOSTS: '127.0.0.1' }, timeoutMs: 240_000 }), launchChromium()])
  prisma = (await app.database()).prisma
  operator = await createSignedInUser(prisma, 'OPERATOR', { name: 'Jānis Ozols' })
}, 300_000)

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await push?.close()
  if (caDir) fs.rmSync(caDir, { recursive: true, force: true })
})

describe('alert delivery progress', () => {
  it('the progress page follows the sending live to 100 % and the report downloads as CSV', async () => {
    const territory = await demoTerritory(prisma)
    for (let i = 0; i < SUBSCRIBERS; i++) subscribers.push(await subscribe(prisma, push, { languages: [languages[i % 3]] }))
    push.fault(subscribers[0].id, { kind: 'status', status: 410, body: 'push subscription has unsubscribed or expired' })
    push.fault(subscribers[1].id, { kind: 'status', status: 503 }, 1)
    push.fault(subscribers[2].id, { kind: 'status', status: 503 }, 1)
    // web push paused (as a provider's Retry-After does): the page is open before anything is sent
    await prisma.channelPause.upsert({
      where: { channel: 'webpush' },
      create: { channel: 'webpush', pausedUntil: new Date(Date.now() + 3600_000), reason: 'e2e: wait for the page' },
      update: { pausedUntil: new Date(Date.now() + 3600_000), reason: 'e2e: wait for the page' },
    })
    const alert = await composeAlert(prisma, territory, { headline: 'Plūdu brīdinājums Lielupes krastā' })
    const issued = await issueCapAlert({ prisma, alert, actor: userActor(operator.user), idempotencyKey: `e2e-${alert.identifier}` })
    alertId = issued.id

    const { page } = await pages.open({ cookies: [browserCookie(operator, app.url)] })
    await page.goto(`${app.url}/alerts/${alertId}/progress?lng=lv`)
    await waitForLive(page)
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true))
    const panel = page.getByTestId('progress')
    // the fan-out runs while sending is paused: every recipient targeted, nothing answered yet
    await expect.poll(() => page.getByTestId('progress-webpush-targeted').getAttribute('data-value')).toBe(String(SUBSCRIBERS))
    expect(await panel.getAttribute('data-complete')).toBe('false')
    expect(await page.getByTestId('progress-webpush').getAttribute('data-percent')).toBe('0')
    expect(await page.getByTestId('progress-webpush-pending').getAttribute('data-value')).toBe(String(SUBSCRIBERS))

    // watch every percentage the page shows from now on
    await page.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { __percents: string[] }).__percents = seen
      const target = document.querySelector('[data-testid=progress-webpush]')!
      new MutationObserver(() => {
        const p = target.getAttribute('data-percent')!
        if (seen.at(-1) !== p) seen.push(p)
      }).observe(target, { attributes: true, attributeFilter: ['data-percent'] })
    })
    await prisma.channelPause.delete({ where: { channel: 'webpush' } })
    await page.locator('[data-testid=progress][data-complete=true]').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('progress-webpush').getAttribute('data-percent')).toBe('100')
    const value = async (key: string) => Number(await page.getByTestId(`progress-webpush-${key}`).getAttribute('data-value'))
    expect({ targeted: await value('targeted'), sent: await value('sent'), failed: await value('failed'), pending: await value('pending') }).toEqual({
      targeted: SUBSCRIBERS, sent: SUBSCRIBERS - 1, failed: 1, pending: 0,
    })
    // web push has no delivery receipt: "delivered" is not reported, not a copy of "sent"
    expect(await page.getByTestId('progress-webpush-delivered').textContent()).toContain('netiek ziņots')
    const percents = await page.evaluate(() => (window as unknown as { __percents: string[] }).__percents)
    expect(percents.at(-1)).toBe('100')
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
    expect(push.accepted).toBe(SUBSCRIBERS - 1)

    // the report: a row per recipient, every attempt (the two retried ones have two)
    await page.reload()
    await page.getByTestId('report-table').waitFor()
    expect(await page.getByTestId('report-row').count()).toBe(SUBSCRIBERS)
    // the accepted sends (on the deliveries) and the two retries (attempt rows), as the report reads them
    const attempts = (await attemptHistory(prisma, { alertId })).length
    expect(attempts).toBe(SUBSCRIBERS + 2)
    expect(await page.getByTestId('report-attempt').count()).toBe(attempts)
    expect(await page.locator('[data-testid=report-attempt][data-result=retry]').count()).toBe(2)
    const html = await page.content()
    for (const s of subscribers) expect(html).not.toContain(s.endpoint)

    // the CSV download
    const downloading = page.waitForEvent('download')
    await (await hydrated(page.getByTestId('report-download'))).click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^sargs-delivery-report-.+\.csv$/)
    const bytes = fs.readFileSync((await download.path())!)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n')
    expect(lines[0].split(';')[0]).toBe('Brīdinājums')
    expect(lines).toHaveLength(1 + attempts)
    expect(lines.filter((l) => l.includes(';retry;503;'))).toHaveLength(2)
    expect(lines.filter((l) => l.includes(';permanent;410;'))).toHaveLength(1)
  })

  it('shows the alerts list, the progress page, the report and the dead letters in every language', async () => {
    expect(alertId).not.toBe('')
    // a dead letter as the dispatcher leaves one after its last attempt (the app's dispatcher gives
    // up only after 8 attempts spread over minutes): on a Test alert of its own
    const territory = await demoTerritory(prisma)
    const test = await composeAlert(prisma, territory, { headline: 'Sirēnu pārbaude' })
    const testAlert = await issueCapAlert({ prisma, alert: { ...test, status: 'Test' }, actor: userActor(operator.user), idempotencyKey: `e2e-${test.identifier}` })
    await expect.poll(async () => (await prisma.alert.findUniqueOrThrow({ where: { id: testAlert.id } })).fanoutDoneAt !== null).toBe(true)
    const dead = await prisma.delivery.create({
      data: { alertId: testAlert.id, channel: 'webpush', recipientKey: 'gone-subscription', idempotencyKey: `${testAlert.id}:webpush:gone-subscription`, ...deliveryState('DEAD'), attempts: 8, lastError: '8 attempts; last: 503 Service Unavailable' },
    })
    for (let n = 1; n <= 8; n++) {
      await prisma.deliveryAttempt.create({ data: { deliveryId: dead.id, attempt: n, result: n === 8 ? 'dead' : 'retry', httpStatus: 503, detail: '503 Service Unavailable' } })
    }

    const { page } = await pages.open({ cookies: [browserCookie(operator, app.url)] })
    await page.setViewportSize({ width: 1280, height: 900 })
    for (const lng of languages) {
      await page.goto(`${app.url}/alerts?lng=${lng}`)
      await page.getByTestId('alerts-table').waitFor()
      expect(await page.getByTestId('alert-row').count()).toBeGreaterThanOrEqual(2)
      await waitForLive(page)
      await fullScreenshot(page, `alerts-list-${lng}`)

      await page.goto(`${app.url}/alerts/${alertId}/progress?lng=${lng}`)
      await page.locator('[data-testid=progress][data-complete=true]').waitFor()
      await waitForLive(page)
      await fullScreenshot(page, `alert-progress-${lng}`)
      await page.getByTestId('report-table').scrollIntoViewIfNeeded()
      await page.screenshot({ path: path.join(screenshotDir, `alert-report-${lng}.png`) })

      await page.goto(`${app.url}/alerts/dead-letters?lng=${lng}`)
      await page.getByTestId('dead-letters-table').waitFor()
      // the 410 of the first test (refused for good) and this one (given up)
      expect(await page.getByTestId('dead-letter-row').count()).toBe(2)
      await fullScreenshot(page, `alert-dead-letters-${lng}`)
    }
    // the navigation leads to the alerts
    await page.goto(`${app.url}/?lng=en`)
    await (await hydrated(page.getByTestId('nav-alerts'))).click()
    await page.waitForURL(`${app.url}/alerts`)
  })
})
