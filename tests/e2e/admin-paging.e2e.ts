// The paging administration screen in Chromium (decision 021): an administrator adds a paging group
// and a desk phone through /admin/paging; the credentials are stored sealed (the database has no
// password in clear) and the screen shows a hint of the username only; a bad address is refused
// naming the field; an operator cannot open the screen. Screenshots in lv, en and ru.
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let browser: Browser
let prisma: PrismaClient
let admin: TestSession
let operator: TestSession
const pages = pageTracker(() => browser)

beforeAll(async () => {
  ;[app, browser] = await Promise.all([startApp(), launchChromium()])
  prisma = (await app.database()).prisma
  admin = await createSignedInUser(prisma, 'ADMINISTRATOR', { name: 'Ilze Kalniņa' })
  operator = await createSignedInUser(prisma, 'OPERATOR', { name: 'Ieva Liepa' })
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('admin: paging groups and desk phones', () => {
  it('adds a group and a phone through the screen; credentials write-only; lv, en, ru', async () => {
    const { page } = await pages.open({ cookies: [browserCookie(admin, app.url)], viewport: { width: 1366, height: 1000 } })
    await page.goto(`${app.url}/?lng=lv`)
    await (await hydrated(page.getByTestId('nav-paging'))).click()
    await page.getByTestId('paging-empty').waitFor()

    const newGroup = page.getByTestId('paging-group-new')
    await hydrated(newGroup.getByTestId('paging-group-save'))
    await newGroup.getByTestId('paging-group-name').fill('Domes dežūrdaļa')
    await newGroup.getByTestId('paging-group-language').selectOption('ru')
    await newGroup.getByTestId('paging-group-ack').check()
    await newGroup.getByTestId('paging-group-save').click()
    const group = page.locator('[data-testid=paging-group][data-name="Domes dežūrdaļa"]')
    await group.waitFor()

    // a phone with a bad address: refused, the field named
    await group.getByTestId('paging-phone-new').click()
    await group.getByTestId('paging-phone-name').last().fill('Dežūrtelefons')
    await group.getByTestId('paging-phone-vendor').last().selectOption('cisco')
    await group.getByTestId('paging-phone-address').last().fill('ftp://10.20.0.15')
    await group.getByTestId('paging-phone-username').last().fill('pager-user')
    await group.getByTestId('paging-phone-password').last().fill('very-secret-pw')
    await group.getByTestId('paging-phone-save').last().click()
    await page.locator('[id$="-address-error"]').waitFor()
    expect(await prisma.phone.count()).toBe(0)

    // corrected: added, the hint shown, the password never
    await group.getByTestId('paging-phone-address').last().fill('http://10.20.0.15')
    await group.getByTestId('paging-phone-password').last().fill('very-secret-pw')
    await group.getByTestId('paging-phone-save').last().click()
    const phone = group.locator('[data-testid=paging-phone][data-name="Dežūrtelefons"]')
    await phone.waitFor()
    await expect.poll(() => phone.getByTestId('paging-phone-hint').textContent()).toContain('…user')
    expect(await page.content()).not.toContain('very-secret-pw')
    const row = await prisma.phone.findFirstOrThrow()
    expect(row).toMatchObject({ vendor: 'cisco', address: 'http://10.20.0.15', secretHint: '…user' })
    expect(Buffer.from(row.secret!).toString('latin1')).not.toContain('very-secret-pw')
    expect(await prisma.pagingGroup.findFirstOrThrow()).toMatchObject({ name: 'Domes dežūrdaļa', language: 'ru', requireAck: true, enabled: true })
    const audit = await prisma.auditLog.findMany({ where: { entityType: { in: ['PagingGroup', 'Phone'] } }, orderBy: { seq: 'asc' } })
    expect(audit.map((a) => a.action)).toEqual(['paging-group.created', 'phone.added'])

    for (const lng of languages) {
      await page.goto(`${app.url}/admin/paging?lng=${lng}`)
      await page.locator('[data-testid=paging-phone][data-name="Dežūrtelefons"]').waitFor()
      await screenshot(page, `admin-paging-${lng}`)
    }

    // switched off from the screen
    await page.goto(`${app.url}/admin/paging?lng=en`)
    await (await hydrated(page.getByTestId('paging-phone-toggle'))).click()
    await page.locator('[data-testid=paging-phone][data-enabled=false]').waitFor()
    expect((await prisma.phone.findFirstOrThrow()).enabled).toBe(false)
  })

  it('is for administrators only', async () => {
    const { page, expectErrors } = await pages.open({ cookies: [browserCookie(operator, app.url)] })
    expectErrors(failedRequest(403, '/admin/paging'))
    const response = await page.goto(`${app.url}/admin/paging?lng=en`)
    expect(response?.status()).toBe(403)
    expect(await page.getByTestId('nav-paging').count()).toBe(0)
  })
})
