// Staff numbers, staff groups and social accounts in Chromium (issue 4): an administrator gives a
// staff member a mobile number (a wrong one refused next to the field), creates a staff group and
// adds members on /admin/staff-groups, adds a Mastodon account on /admin/social (the credential
// never shown back: its hint only); an operator composes an alert with SMS, picks the staff group
// (its count of members with a number beside it) and sees in the preview the staff members reached
// and the exact post of the social account. Screenshots of the composer's channel picks, the
// preview, and the admin screens in lv, en and ru.
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let gateway: FakeSmsGateway
let browser: Browser
let prisma: PrismaClient
let admin: TestSession
let operator: TestSession
let staff: TestSession
const pages = pageTracker(() => browser)

const open = (session: TestSession) => pages.open({ cookies: [browserCookie(session, app.url)], viewport: { width: 1440, height: 900 } })

beforeAll(async () => {
  gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 'staff-e2e' } })
  ;[app, browser] = await Promise.all([startApp({ env: { SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: 'staff-e2e', SMS_SENDER_ID: 'Sargs' } }), launchChromium()])
  prisma = (await app.database()).prisma
  admin = await createSignedInUser(prisma, 'ADMINISTRATOR', { name: 'Ilze Kalniņa' })
  operator = await createSignedInUser(prisma, 'OPERATOR', { name: 'Jānis Ozols' })
  staff = await createSignedInUser(prisma, 'COMMISSION_MEMBER', { name: 'Pēteris Liepa' })
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await gateway?.close()
})

describe('staff groups and social accounts', () => {
  it('an administrator sets a number, makes a staff group and a social account; an operator picks the group and sees the preview', { timeout: 300_000 }, async () => {
    const { page, expectErrors } = await open(admin)
    expectErrors(/^console\.error: Failed to load resource: the server responded with a status of 422/, failedRequest(422, '/admin/users/'))

    // the staff member's number: a landline is refused next to the field, a mobile saved
    await page.goto(`${app.url}/admin/users/${staff.user.id}?lng=en`)
    await (await hydrated(page.getByTestId('phone-submit'))).waitFor()
    await page.locator('#field-phone').fill('6700 0000')
    await page.getByTestId('phone-submit').click()
    await page.locator('#field-phone-error').waitFor()
    expect(await page.locator('#field-phone-error').textContent()).toContain('Not a mobile number')
    await page.locator('#field-phone').fill('2000 0123')
    await page.getByTestId('phone-submit').click()
    await page.getByTestId('user-action-done').waitFor()
    expect((await prisma.user.findUniqueOrThrow({ where: { id: staff.user.id } })).phone).toBe('+37120000123')
    await page.goto(`${app.url}/admin/users?lng=en`)
    expect(await page.locator(`[data-testid=user-row][data-email="${staff.user.email}"] [data-testid=user-phone]`).textContent()).toBe('+371 2••••123')

    // a staff group with two members, one of them with a number
    await page.goto(`${app.url}/admin/staff-groups?lng=lv`)
    await (await hydrated(page.getByTestId('staff-group-create-submit'))).waitFor()
    await page.getByTestId('staff-group-create').locator('#field-name').fill('Komisija')
    await page.getByTestId('staff-group-create-submit').click()
    const group = page.locator('[data-testid=staff-group][data-name=Komisija]')
    await group.waitFor()
    for (const member of [staff, operator]) {
      await group.getByTestId('staff-group-add-user').selectOption(member.user.id)
      await group.getByTestId('staff-group-add-submit').click()
      await group.locator(`[data-testid=staff-group-member][data-email="${member.user.email}"]`).waitFor()
    }
    expect(await group.getByTestId('staff-group-reachable').getAttribute('data-count')).toBe('1')
    const groupId = (await prisma.staffGroup.findFirstOrThrow({ where: { name: 'Komisija' } })).id

    // a Mastodon account: its token never comes back, a hint of its last characters does
    await page.goto(`${app.url}/admin/social?lng=lv`)
    await (await hydrated(page.getByTestId('social-add-submit'))).waitFor()
    await page.getByTestId('social-network').selectOption('mastodon')
    const add = page.getByTestId('social-add')
    await add.locator('#field-name').fill('Jelgava Mastodon')
    await add.locator('#field-instanceUrl').fill('https://mastodon.example')
    await add.locator('#field-accessToken').fill('secret-access-token-9876')
    await page.getByTestId('social-add-submit').click()
    await page.getByTestId('social-done').waitFor()
    expect(await page.locator('[data-testid=social-row][data-name="Jelgava Mastodon"] [data-testid=social-hint]').textContent()).toBe('…9876')
    expect(await page.content()).not.toContain('secret-access-token')

    for (const lng of languages) {
      await page.goto(`${app.url}/admin/staff-groups?lng=${lng}`)
      await page.getByTestId('staff-groups').waitFor()
      await screenshot(page, `admin-staff-groups-${lng}`)
      await page.goto(`${app.url}/admin/social?lng=${lng}`)
      await page.getByTestId('social-accounts').waitFor()
      await screenshot(page, `admin-social-${lng}`)
      await page.goto(`${app.url}/admin/users/${staff.user.id}?lng=${lng}`)
      await page.getByTestId('phone-form').waitFor()
      await screenshot(page, `admin-user-phone-${lng}`)
    }

    // the operator: SMS and social, the staff group picked (its counts beside it)
    const composer = await open(operator)
    const p = composer.page
    await p.goto(`${app.url}/alerts/new?template=flood&area=Centrs&lng=lv`)
    await (await hydrated(p.getByTestId('compose-submit'))).waitFor()
    await p.getByTestId('named-area').and(p.locator(`[value="${(await prisma.namedArea.findFirstOrThrow({ where: { name: 'Centrs' } })).id}"]`)).check()
    await p.getByTestId('channel-social').check()
    const pick = p.locator(`[data-testid=pick-staffGroupIds][value="${groupId}"]`)
    await pick.waitFor()
    expect(await p.getByTestId('picks-staffGroupIds').textContent()).toContain('Komisija (2 dalībnieki, ar numuru 1)')
    await pick.check()
    for (const lng of languages) {
      await p.goto(`${app.url}/alerts/new?template=flood&area=Centrs&lng=${lng}`)
      await (await hydrated(p.getByTestId('compose-submit'))).waitFor()
      await p.locator(`[data-testid=pick-staffGroupIds][value="${groupId}"]`).check()
      await p.getByTestId('compose-channels').evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await screenshot(p, `alert-compose-picks-${lng}`)
    }
    await p.getByTestId('named-area').and(p.locator(`[value="${(await prisma.namedArea.findFirstOrThrow({ where: { name: 'Centrs' } })).id}"]`)).check()
    await p.getByTestId('channel-social').check()
    await p.getByTestId('compose-submit').click()
    await p.waitForURL(/\/alerts\/drafts\//)
    const draftId = p.url().split('/alerts/drafts/')[1].split('?')[0]
    expect((await prisma.alertDraft.findUniqueOrThrow({ where: { id: draftId } })).channels).toEqual(['webpush', 'sms', 'social'])

    // the preview: the staff member with a number, and the account's exact post
    await p.getByTestId('preview-sms').waitFor()
    expect(await p.locator('[data-testid=groups-sms] [data-testid=group-reach]').getAttribute('data-count')).toBe('1')
    expect(await p.getByTestId('recipients-sms').getAttribute('data-count')).toBe('1')
    const post = p.locator('[data-testid=social-post][data-account="Jelgava Mastodon"] [data-testid=social-post-text]')
    // (no PUBLIC_URL on this test server: the link is the page's path; the social route waits for one)
    expect(await post.textContent()).toMatch(/^Plūdu draudi: Centrs[\s\S]*\n\/alerts\/.+\?lng=lv$/)
    expect(await p.getByTestId('recipients-social').getAttribute('data-count')).toBe('1')
    for (const lng of languages) {
      await p.goto(`${app.url}/alerts/drafts/${draftId}?lng=${lng}`)
      await p.getByTestId('preview-sms').evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await screenshot(p, `alert-preview-staff-${lng}`)
      await p.getByTestId('preview-social').evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await screenshot(p, `alert-preview-social-${lng}`)
    }
    // the picks stay with the draft when it is opened for editing
    expect(await p.locator(`[data-testid=pick-staffGroupIds][value="${groupId}"]`).isChecked()).toBe(true)
  })
})
