// Material reserves screens in Chromium, in lv, en and ru: the overview (warehouses on the map,
// below-minimum and expiry lists, the report), a warehouse's stock, a stock card, issuing water to
// the flood incident (it appears in the incident's log; too much is refused on the quantity), a
// receipt, and the printable needs calculator. The demo seed provides the Jelgava reserves.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot, waitForLive } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let browser: Browser
let operator: TestSession
let coordinator: TestSession
const pages = pageTracker(() => browser)

function newPage(session: TestSession) {
  return pages.open({ cookies: [browserCookie(session, app.url)], viewport: { width: 1280, height: 1000 } })
}

async function shot(page: Page, url: string, name: string, ready: string) {
  for (const lng of languages) {
    await page.goto(`${app.url}${url}${url.includes('?') ? '&' : '?'}lng=${lng}`)
    await page.getByTestId(ready).waitFor()
    await waitForLive(page)
    await screenshot(page, `${name}-${lng}`)
  }
}

beforeAll(async () => {
  ;[app, browser] = await Promise.all([startApp(), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms`)
  const db = await app.database()
  operator = await createSignedInUser(db.prisma, 'OPERATOR', { name: 'Jānis Ozols' })
  coordinator = await createSignedInUser(db.prisma, 'VOLUNTEER_COORDINATOR', { name: 'Kārlis Vītols' })
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('material reserves', () => {
  it('overview: warehouses on the map, what needs attention, the report; reachable from the top bar', async () => {
    const { page } = await newPage(operator)
    await page.goto(`${app.url}/?lng=lv`)
    await page.getByTestId('nav-reserves').click()
    await page.getByTestId('reserves-overview').waitFor()
    expect(await page.getByTestId('map-warehouse').count()).toBe(3)
    expect(await page.getByTestId('below-minimum').locator('li').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('expiring-lots').locator('li').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('report-row').count()).toBeGreaterThan(10)
    await expect(page.getByTestId('below-minimum').innerText()).resolves.toContain('Dzeramais ūdens')
    await shot(page, '/reserves', 'reserves-overview', 'reserves-overview')
    const csv = await page.request.get(`${app.url}/reserves/export.csv`)
    expect(csv.headers()['content-type']).toContain('text/csv')
    expect((await csv.text()).split('\r\n')[0]).toContain('Noliktava;Kods;Nosaukums')
  })

  it('issues water to the flood incident, nearest warehouse first; it appears in the incident log; too much is refused', async () => {
    const { page, expectErrors } = await newPage(operator)
    expectErrors(failedRequest(422, '/reserves/issue.data'))
    await page.goto(`${app.url}/reserves/issue?lng=lv`)
    await page.getByTestId('issue-page').waitFor()
    const flood = page.locator('#choose-target option', { hasText: 'Lielupes pavasara pali' }).first()
    await page.locator('#choose-target').selectOption(await flood.getAttribute('value'))
    await page.locator('#choose-item').selectOption({ label: 'Dzeramais ūdens (pudelēs)' })
    await page.getByTestId('issue-show').click()
    await page.waitForURL(/target=/)
    await page.getByText('Tuvākās noliktavas no “JLG-2026-0002 Lielupes pavasara pali').waitFor()
    const distances = await page.getByTestId('availability-row').locator('td.num').evaluateAll((cells) =>
      cells.filter((_, i) => i % 2 === 0).map((c) => Number((c.textContent ?? '').replace(/[^\d,.]/g, '').replace(',', '.'))),
    )
    expect(distances.length).toBeGreaterThan(1)
    expect(distances).toEqual([...distances].sort((a, b) => a - b))
    const url = page.url()
    await hydrated(page.getByTestId('issue-submit'))
    // too much: refused on the quantity field, nothing issued
    await page.locator('#field-quantity').fill('999999')
    await page.getByTestId('issue-submit').click()
    await page.getByTestId('quantity-error').waitFor()
    await expect(page.getByTestId('quantity-error').innerText()).resolves.toContain('Nepietiek krājumu')
    await screenshot(page, 'reserves-issue-refused-lv')
    await page.locator('#field-quantity').fill('150')
    await page.locator('#field-note').fill('Evakuētajiem Pasta salā')
    await page.getByTestId('issue-submit').click()
    await page.getByTestId('issue-done').waitFor()
    await expect(page.getByTestId('issue-done').innerText()).resolves.toContain('150 l')
    await screenshot(page, 'reserves-issue-done-lv')
    await page.getByTestId('issue-done').getByRole('link').click()
    await page.waitForURL(/\/incidents\//)
    await page.getByTestId('log-entry').filter({ hasText: 'Izsniegti materiālie resursi: 150 l Dzeramais ūdens (pudelēs)' }).waitFor()
    for (const lng of languages) {
      await page.goto(`${url.replace(/lng=lv&?/, '')}&lng=${lng}`)
      await page.getByTestId('availability').waitFor()
      await waitForLive(page)
      await screenshot(page, `reserves-issue-${lng}`)
    }
  })

  it('a warehouse: lots in issue order, a receipt; the stock card shows every movement with its balance', async () => {
    const { page } = await newPage(operator)
    await page.goto(`${app.url}/reserves/stock?lng=lv`)
    await page.getByTestId('lot-table').waitFor()
    const before = await page.getByTestId('lot-row').count()
    await hydrated(page.getByTestId('receive-submit'))
    await page.locator('#receive-itemId').selectOption({ label: 'Higiēnas komplekts (kompl.)' })
    await page.locator('#field-quantity').fill('40')
    await page.locator('#field-source').fill('Ziedojums, SIA Zemgales aptieka')
    await page.getByTestId('receive-submit').click()
    await page.getByTestId('stock-done').waitFor()
    await screenshot(page, 'reserves-stock-received-lv')
    await page.getByTestId('lot-row').filter({ hasText: 'Ziedojums, SIA Zemgales aptieka' }).waitFor()
    expect(await page.getByTestId('lot-row').count()).toBe(before + 1)
    await shot(page, '/reserves/stock', 'reserves-stock', 'lot-table')
    await page.goto(`${app.url}/reserves/card?lng=lv`)
    await page.getByTestId('stock-card-page').waitFor()
    await page.locator('select[name=item]').selectOption({ label: 'Vilnas sega (BLANKET-WOOL)' })
    await page.getByRole('button', { name: 'Rādīt' }).click()
    await page.waitForURL(/item=/)
    await page.getByRole('heading', { name: 'Krājumu kartīte: Vilnas sega' }).waitFor()
    const kinds = await page.getByTestId('card-row').locator('td:nth-child(2)').allInnerTexts()
    expect(kinds).toContain('Pārvietots uz')
    expect(kinds).toContain('Pārvietots no')
    const cardUrl = page.url().replace(/[?&]lng=lv/, '')
    await shot(page, cardUrl.slice(app.url.length), 'reserves-card', 'stock-card')
  })

  it('the needs calculator: 300 people for 72 hours, nearest warehouses from the flood area, printable', async () => {
    const { page } = await newPage(operator)
    await page.goto(`${app.url}/reserves/needs?lng=lv`)
    await page.getByTestId('needs-form').waitFor()
    await page.locator('#field-people').fill('300')
    const origin = await page.locator('#needs-from option', { hasText: 'Lielupes pavasara pali' }).getAttribute('value')
    await page.locator('#needs-from').selectOption(origin!)
    await page.getByTestId('needs-submit').click()
    await page.waitForURL(/people=300/)
    await page.getByTestId('needs-summary').filter({ hasText: 'Lielupes pavasara pali' }).waitFor()
    const water = page.getByTestId('needs-row').filter({ hasText: 'Dzeramais ūdens' })
    expect(await water.innerText()).toMatch(/2\s?700\sl/)
    const url = page.url().slice(app.url.length).replace(/[?&]lng=lv/, '')
    await shot(page, url, 'reserves-needs', 'needs-table')
    await page.emulateMedia({ media: 'print' })
    await page.goto(`${app.url}${url}&lng=lv`)
    await page.getByTestId('needs-table').waitFor()
    expect(await page.getByTestId('needs-form').isVisible()).toBe(false)
    await screenshot(page, 'reserves-needs-print-lv')
  })

  it('a volunteer coordinator reads and issues, but does not receive, write off or transfer', async () => {
    const { page } = await newPage(coordinator)
    await page.goto(`${app.url}/reserves/stock?lng=lv`)
    await page.getByTestId('lot-table').waitFor()
    expect(await page.getByTestId('receive-form').count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Norakstīt' }).count()).toBe(0)
    expect(await page.getByTestId('reserves-tab-issue').count()).toBe(1)
  })
})
