// Composing and issuing an alert in Chromium: an operator starts from a template, picks the area,
// chooses the channels (none is refused), shortens the Latvian SMS text while its encoding and
// part count follow the typing, sees the recipients per channel, what each language shows on the
// phone and the exact SMS with its parts (SMS through the fake gateway; a channel this server
// cannot send on — desk phones without any phone — is disabled with the reason before sending),
// and issues it with the area's name typed (a wrong name is refused next to the input); the issued
// CAP carries the SMS text as parameter SARGS_SMS. With approval on, the operator draws the area
// and submits; a commission member approves; the operator issues.
// Screenshots of the composer (also its channels and SMS text), the preview (also its SMS part)
// and the approval in lv, en and ru.
import type { Page } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REQUIRE_APPROVAL_SETTING } from '#domain/alerts/issue-cap-alert.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { capSchemaErrors } from '#notify/cap/cap-schema.test-support.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot, waitForLive } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let gateway: FakeSmsGateway
let browser: Browser
let prisma: PrismaClient
let operator: TestSession
let member: TestSession
let admin: TestSession
const pages = pageTracker(() => browser)

async function newPage(session: TestSession) {
  const tracked = await pages.open({ cookies: [browserCookie(session, app.url)], viewport: { width: 1440, height: 900 } })
  tracked.page.on('console', (msg) => {
    if (msg.type() === 'error' && msg.text().includes('Extra attributes')) console.log(`hydration warning on ${tracked.page.url()}`)
  })
  return tracked
}

async function mapReady(page: Page) {
  await page.locator('[data-testid=map][data-ready=true]').waitFor({ timeout: 30_000 })
  await page.locator('[data-testid=map]:not([data-basemap=loading])').waitFor({ timeout: 30_000 })
}

async function drawPolygon(page: Page, offsets: [number, number][]) {
  const box = await page.locator('[data-testid=map] canvas').first().boundingBox()
  if (!box) throw new Error('no map canvas')
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  for (const [dx, dy] of [...offsets, offsets[0]]) {
    await page.mouse.move(cx + dx, cy + dy, { steps: 4 })
    await page.mouse.click(cx + dx, cy + dy)
    await page.waitForTimeout(150)
  }
}

/** A resident subscribed for a place in the centre of Jelgava (inside the named area "Centrs"). */
async function subscribeInCentre(languagesWanted: string[]) {
  const centre = await prisma.namedArea.findFirstOrThrow({ where: { name: 'Centrs' } })
  const ring = (centre.geometry as { coordinates: [number, number][][] }).coordinates[0]
  const lng = ring.slice(0, -1).reduce((s, p) => s + p[0], 0) / (ring.length - 1)
  const lat = ring.slice(0, -1).reduce((s, p) => s + p[1], 0) / (ring.length - 1)
  await prisma.pushSubscription.create({
    data: {
      endpoint: `https://push.example/${Math.random().toString(36).slice(2)}`,
      p256dh: 'k', auth: 'a', languages: languagesWanted, minSeverity: 'Minor', places: [[lng, lat]],
      minLng: lng, maxLng: lng, minLat: lat, maxLat: lat,
    },
  })
}

beforeAll(async () => {
  gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 'compose-token' } })
  ;[app, browser] = await Promise.all([startApp({ env: { SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: 'compose-token', SMS_SENDER_ID: 'Sargs' } }), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms`)
  prisma = (await app.database()).prisma
  admin = await createSignedInUser(prisma, 'ADMINISTRATOR', { name: 'Ilze Kalniņa' })
  operator = await createSignedInUser(prisma, 'OPERATOR', { name: 'Jānis Ozols' })
  member = await createSignedInUser(prisma, 'COMMISSION_MEMBER', { name: 'Pēteris Liepa' })
  await subscribeInCentre(['lv'])
  await subscribeInCentre(['ru', 'lv'])
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await gateway?.close()
})

describe('composing and issuing an alert', () => {
  it('an operator composes from a template, sees counts and previews, and issues with the area name typed', { timeout: 300_000 }, async () => {
    const { page, expectErrors } = await newPage(operator)
    expectErrors(/^console\.error: Failed to load resource: the server responded with a status of 422 .*\/alerts\/drafts\/[\w-]+\.data/, failedRequest(422, '/alerts/new.data'))
    await page.goto(`${app.url}/alerts/new?lng=lv`)
    await mapReady(page)
    // the template picker (a GET form) fills every language
    await page.locator('#template-id').selectOption('flood')
    await page.locator('#template-area').fill('Centrs')
    await (await hydrated(page.getByTestId('template-apply'))).click()
    await expect.poll(() => page.locator('input[name="lv.headline"]').inputValue()).toBe('Plūdu draudi: Centrs')
    expect(await page.locator('input[name="ru.headline"]').inputValue()).toBe('Угроза наводнения: Centrs')
    await page.getByTestId('named-area').and(page.locator(`[value="${(await prisma.namedArea.findFirstOrThrow({ where: { name: 'Centrs' } })).id}"]`)).check()

    // channels: web push and SMS by default; with none chosen the form says so next to the choice
    expect(await page.getByTestId('channel-webpush').isChecked()).toBe(true)
    expect(await page.getByTestId('channel-sms').isChecked()).toBe(true)
    // no desk phone exists: the channel is disabled with the reason, before sending
    expect(await page.getByTestId('channel-phone').isDisabled()).toBe(true)
    expect(await page.getByTestId('channel-unconfigured-phone').textContent()).toMatch(/telefon/)
    await page.getByTestId('channel-webpush').uncheck()
    await page.getByTestId('channel-sms').uncheck()
    await expect.poll(() => page.getByTestId('sms-field-lv').isVisible()).toBe(false)
    const drafts = await prisma.alertDraft.count()
    await page.getByTestId('compose-submit').click()
    await page.getByTestId('channels-error').waitFor()
    expect(await prisma.alertDraft.count()).toBe(drafts)
    await page.getByTestId('channel-webpush').check()
    await page.getByTestId('channel-sms').check()

    // the SMS text: empty sends headline + what to do (the placeholder); a shorter Latvian one is
    // counted as it is typed
    const smsLv = page.locator('textarea[name="lv.sms"]')
    await smsLv.waitFor()
    expect(await page.locator('textarea[name="en.sms"]').getAttribute('placeholder')).toMatch(/^Flood risk: Centrs\n\S/)
    expect(await page.getByTestId('sms-count-lv').getAttribute('data-encoding')).toBe('UCS-2')
    const shortLv = 'Plūdu draudi Centrā. Dokumentus pārceliet augstāk.'
    await smsLv.fill(shortLv)
    await expect.poll(() => page.getByTestId('sms-count-lv').getAttribute('data-left')).toBe(String(70 - shortLv.length))
    expect(await page.getByTestId('sms-count-lv').getAttribute('data-parts')).toBe('1')
    expect(await page.getByTestId('sms-count-lv-ucs2').textContent()).toContain('ū')
    await (await hydrated(page.getByTestId('compose-submit'))).click()
    await page.waitForURL(/\/alerts\/drafts\//)
    const draftId = new URL(page.url()).pathname.split('/').pop()!
    expect((await prisma.alertDraft.findUniqueOrThrow({ where: { id: draftId } })).channels).toEqual(['webpush', 'sms'])

    // the preview: recipients per channel, and each language as the phone shows it
    await page.getByTestId('compose-preview').waitFor()
    expect(await page.getByTestId('recipients-webpush').getAttribute('data-count')).toBe('2')
    const phone = (lang: string) => page.getByTestId(`phone-webpush-${lang}`)
    expect(await phone('lv').getByTestId('phone-title').textContent()).toBe('Plūdu draudi: Centrs')
    expect(await phone('en').getByTestId('phone-title').textContent()).toBe('Flood risk: Centrs')
    expect(await phone('ru').getByTestId('phone-body').textContent()).toContain('Ожидается подъём уровня воды')
    // the SMS exactly as sent, its encoding and parts; SMS is not configured here, issuing still allowed
    expect(await page.getByTestId('recipients-sms').getAttribute('data-count')).toMatch(/^\d+$/)
    expect(await page.getByTestId('sms-lv').getByTestId('sms-text').textContent()).toBe(shortLv)
    const smsCount = page.getByTestId('sms-preview-count-lv')
    expect([await smsCount.getAttribute('data-encoding'), await smsCount.getAttribute('data-parts')]).toEqual(['UCS-2', '1'])
    expect(await smsCount.textContent()).toContain('1 SMS daļa')
    expect(await page.getByTestId('sms-en').getByTestId('sms-text').textContent()).toMatch(/^Flood risk: Centrs\n/)
    expect(await page.getByTestId('not-configured-sms').count()).toBe(0)
    expect(await page.getByTestId('not-configured-webpush').count()).toBe(0)
    expect(await page.getByTestId('approval-stage').getAttribute('data-stage')).toBe('not-needed')
    expect(await page.getByTestId('confirm-name').textContent()).toBe('Centrs')

    // a wrong name is refused next to the input; nothing is issued
    await page.locator('#field-confirmation').fill('Centrā')
    await (await hydrated(page.getByTestId('issue'))).click()
    await page.getByTestId('confirmation-error').waitFor()
    expect(await prisma.alert.count({ where: { draft: { id: draftId } } })).toBe(0)

    for (const lng of languages) {
      await page.goto(`${app.url}/alerts/new?template=flood&area=Centrs&lng=${lng}`)
      await mapReady(page)
      await waitForLive(page)
      await screenshot(page, `alert-compose-${lng}`)
      await page.getByTestId('compose-channels').evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await screenshot(page, `alert-compose-channels-${lng}`)
      await page.getByTestId(`sms-field-${lng}`).evaluate((el) => el.scrollIntoView({ block: 'center' }))
      await screenshot(page, `alert-compose-sms-${lng}`)
      await page.goto(`${app.url}/alerts/drafts/${draftId}?lng=${lng}`)
      await mapReady(page)
      await page.getByTestId('compose-preview').waitFor()
      await waitForLive(page)
      await screenshot(page, `alert-preview-${lng}`)
      await page.getByTestId('preview-sms').evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await screenshot(page, `alert-preview-sms-${lng}`)
    }

    // typed right (case and spaces do not matter): issued once, then the progress page
    await page.goto(`${app.url}/alerts/drafts/${draftId}?lng=lv`)
    await page.locator('#field-confirmation').fill(' centrs ')
    await (await hydrated(page.getByTestId('issue'))).click()
    await page.waitForURL(/\/alerts\/[^/]+\/progress/)
    const alerts = await prisma.alert.findMany({ where: { draft: { id: draftId } } })
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ status: 'Actual', msgType: 'Alert', createdById: operator.user.id, approvedById: null, channels: ['webpush', 'sms'] })
    // the issued CAP carries the Latvian SMS text as the lv-LV info block's parameter
    const cap = await fetch(`${app.url}/feeds/cap/${encodeURIComponent(alerts[0].identifier)}.xml`)
    expect(cap.status).toBe(200)
    const xml = await cap.text()
    const lvInfo = xml.split('<info>').find((block) => block.includes('<language>lv-LV</language>')) ?? ''
    expect(lvInfo.match(/<parameter>\s*<valueName>SARGS_SMS<\/valueName>\s*<value>([^<]*)<\/value>\s*<\/parameter>/)?.[1]).toBe(shortLv)
    expect(xml.match(/SARGS_SMS/g)).toHaveLength(1)
    expect(await capSchemaErrors([xml])).toEqual([[]])
    // a second tab posting the same draft again gets the same alert
    const again = await page.evaluate(
      async ([url]) => (await fetch(url, { method: 'POST', body: new URLSearchParams({ intent: 'issue', confirmation: 'Centrs' }), redirect: 'manual' })).status,
      [`${app.url}/alerts/drafts/${draftId}`],
    )
    expect([0, 302, 303]).toContain(again)
    expect(await prisma.alert.count({ where: { draft: { id: draftId } } })).toBe(1)
  })

  it('with approval on, the operator draws and submits, a commission member approves, the operator issues', { timeout: 300_000 }, async () => {
    // the administrator turns approval on
    const settings = await newPage(admin)
    for (const lng of languages) {
      await settings.page.goto(`${app.url}/admin/settings?lng=${lng}`)
      await waitForLive(settings.page)
      await screenshot(settings.page, `alert-settings-${lng}`)
    }
    await settings.page.getByTestId('require-approval').check()
    await (await hydrated(settings.page.getByTestId('settings-save'))).click()
    await settings.page.getByTestId('settings-saved').waitFor()
    expect((await prisma.setting.findUnique({ where: { key: REQUIRE_APPROVAL_SETTING } }))?.value).toBe(true)

    const { page } = await newPage(operator)
    await page.goto(`${app.url}/alerts/new?template=storm&lng=lv`)
    await mapReady(page)
    await (await hydrated(page.getByTestId('draw-polygon'))).click()
    await page.getByTestId('draw-hint').waitFor()
    await drawPolygon(page, [[-60, -40], [60, -40], [60, 40], [-60, 40]])
    await expect.poll(() => page.getByTestId('area-input').inputValue()).not.toBe('')
    await page.locator('input[name=areaLabel]').fill('Lielupes krasts')
    await (await hydrated(page.getByTestId('compose-submit'))).click()
    await page.waitForURL(/\/alerts\/drafts\//)
    const draftId = new URL(page.url()).pathname.split('/').pop()!
    expect(await page.getByTestId('approval-stage').getAttribute('data-stage')).toBe('needed')
    expect(await page.getByTestId('issue-form').count()).toBe(0)
    await (await hydrated(page.getByTestId('submit-approval'))).click()
    await expect.poll(() => page.getByTestId('approval-stage').getAttribute('data-stage')).toBe('awaiting')

    // the commission member sees it waiting and approves
    const approver = await newPage(member)
    for (const lng of languages) {
      await approver.page.goto(`${app.url}/alerts/drafts/${draftId}?lng=${lng}`)
      await mapReady(approver.page)
      await approver.page.getByTestId('approve').waitFor()
      await waitForLive(approver.page)
      await screenshot(approver.page, `alert-approval-${lng}`)
    }
    await (await hydrated(approver.page.getByTestId('approve'))).click()
    await expect.poll(() => approver.page.getByTestId('approval-stage').getAttribute('data-stage')).toBe('approved')
    // the approver does not issue it
    expect(await approver.page.getByTestId('issue-form').count()).toBe(0)

    // the operator issues it with the label typed
    await page.reload()
    await page.getByTestId('approved-by').waitFor()
    expect(await page.getByTestId('approved-by').textContent()).toContain('Pēteris Liepa')
    await page.locator('#field-confirmation').fill('Lielupes krasts')
    await (await hydrated(page.getByTestId('issue'))).click()
    await page.waitForURL(/\/alerts\/[^/]+\/progress/)
    const alert = await prisma.alert.findFirstOrThrow({ where: { draft: { id: draftId } } })
    expect(alert).toMatchObject({ createdById: operator.user.id, approvedById: member.user.id, status: 'Actual' })
    await prisma.setting.delete({ where: { key: REQUIRE_APPROVAL_SETTING } })
  })
})
