// The commission's main screen: an operator draws an incident's area on the map and creates it;
// a commission member's dashboard, open in another browser, shows it live without reloading.
// Sessions are made directly in the database (the sign-in screens are tested in first-run).
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot, waitForLive } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let browser: Browser
let operator: TestSession
let member: TestSession
let admin: TestSession
const pages = pageTracker(() => browser)
let createdId = ''

function newPage(session: TestSession) {
  return pages.open({ cookies: [browserCookie(session, app.url)] })
}

async function mapReady(page: Page) {
  await page.locator('[data-testid=map][data-ready=true]').waitFor({ timeout: 30_000 })
  // offline: the basemap ends up unavailable and the plain background stays
  await page.locator('[data-testid=map]:not([data-basemap=loading])').waitFor({ timeout: 30_000 })
}

/** Click the corners of a polygon on the map canvas (terra-draw), closing it on the first corner. */
async function drawPolygon(page: Page, offsets: [number, number][]) {
  const box = await page.locator('[data-testid=map] canvas').first().boundingBox()
  if (!box) throw new Error('no map canvas')
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  const points = [...offsets, offsets[0]].map(([dx, dy]) => [cx + dx, cy + dy] as const)
  for (const [x, y] of points) {
    await page.mouse.move(x, y, { steps: 4 })
    await page.mouse.click(x, y)
    await page.waitForTimeout(150)
  }
}

beforeAll(async () => {
  ;[app, browser] = await Promise.all([startApp(), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms`)
  const db = await app.database()
  admin = await createSignedInUser(db.prisma, 'ADMINISTRATOR', { name: 'Ilze Kalniņa' })
  operator = await createSignedInUser(db.prisma, 'OPERATOR', { name: 'Jānis Ozols' })
  member = await createSignedInUser(db.prisma, 'COMMISSION_MEMBER', { name: 'Pēteris Liepa' })
})

afterEach(async () => {
  // console errors and page errors fail the test that caused them
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('incidents on the map', () => {
  it('shows the demo territory, its areas and incidents without a basemap (offline)', async () => {
    const { page } = await newPage(operator)
    await page.goto(`${app.url}/`)
    await mapReady(page)
    expect(await page.locator('[data-testid=map]').getAttribute('data-basemap')).toBe('unavailable')
    await page.getByTestId('basemap-notice').waitFor()
    expect(await page.getByTestId('incident-item').count()).toBeGreaterThan(0)
    for (const lng of languages) {
      await page.goto(`${app.url}/?lng=${lng}`)
      await mapReady(page)
      await waitForLive(page)
      await screenshot(page, `dashboard-map-${lng}`)
    }
  })

  it('refuses an incident without type, title or area with a message per field, writing nothing', async () => {
    const { page, expectErrors } = await newPage(operator)
    expectErrors(failedRequest(422, '/_root.data'))
    const db = await app.database()
    const before = await db.prisma.incident.count()
    await page.goto(`${app.url}/?new`)
    await mapReady(page)
    await (await hydrated(page.getByTestId('incident-submit'))).click()
    await page.getByTestId('title-error').waitFor()
    expect(await page.getByTestId('type-error').isVisible()).toBe(true)
    expect(await page.getByTestId('area-error').isVisible()).toBe(true)
    expect(await db.prisma.incident.count()).toBe(before)
  })

  it('an operator draws a polygon and creates an incident; another dashboard shows it live', async () => {
    const title = `Applūdums pie Lielupes ${Date.now().toString(36)}`
    const creator = await newPage(operator)
    const watcher = await newPage(member)

    // the commission member's dashboard is open and live
    await watcher.page.goto(`${app.url}/`)
    await mapReady(watcher.page)
    await waitForLive(watcher.page)
    await watcher.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true))
    const listedBefore = await watcher.page.getByTestId('incident-item').count()

    // the operator opens the form and draws the area
    const { page } = creator
    await page.goto(`${app.url}/`)
    await mapReady(page)
    await (await hydrated(page.getByTestId('new-incident'))).click()
    await page.getByTestId('incident-form').waitFor()
    await page.getByTestId('draw-polygon').click()
    await page.getByTestId('draw-hint').waitFor()
    await drawPolygon(page, [
      [-70, -45],
      [70, -45],
      [70, 45],
      [-70, 45],
    ])
    await expect.poll(() => page.getByTestId('area-input').inputValue()).not.toBe('')
    const area = JSON.parse(await page.getByTestId('area-input').inputValue())
    expect(area.type).toBe('Polygon')
    expect(area.coordinates[0]).toHaveLength(5)
    expect(area.coordinates[0][0]).toEqual(area.coordinates[0][4])

    await page.locator('select[name=type]').selectOption('FLOOD')
    await page.locator('select[name=severity]').selectOption('SEVERE')
    await page.locator('input[name=title]').fill(title)
    await page.locator('textarea[name=description]').fill('Ūdens līmenis ceļas; apdraudēti pagalmi Lielupes krastā.')
    await screenshot(page, 'incident-drawn-lv')

    const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('.data'))
    const clicked = performance.now()
    await (await hydrated(page.getByTestId('incident-submit'))).click()
    await response
    const answered = performance.now()
    await watcher.page
      .getByTestId('incident-item')
      .filter({ hasText: title })
      .waitFor({ timeout: 5_000 })
    const seen = performance.now()
    const afterAnswer = Math.max(0, seen - answered)
    console.log(
      `live update: the second dashboard showed the new incident ${Math.round(seen - clicked)} ms after the click, ` +
        `${Math.round(afterAnswer)} ms after the creating request was answered`,
    )
    expect(afterAnswer).toBeLessThan(1000)
    expect(await watcher.page.getByTestId('incident-item').count()).toBe(listedBefore + 1)
    // no reload happened: the marker set on the page is still there
    expect(await watcher.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)

    // the creator lands on the new incident's page
    await page.waitForURL((url) => /^\/incidents\/[^/]+$/.test(url.pathname))
    createdId = new URL(page.url()).pathname.split('/').pop() ?? ''
    expect(await page.getByTestId('incident-title').textContent()).toBe(title)

    const db = await app.database()
    const incident = await db.prisma.incident.findUniqueOrThrow({ where: { id: createdId } })
    expect(incident).toMatchObject({ title, type: 'FLOOD', severity: 'SEVERE', status: 'ACTIVE' })
    expect((incident.area as { type: string }).type).toBe('Polygon')
  })

  it('shows the incident page in every language', async () => {
    expect(createdId).not.toBe('')
    const { page } = await newPage(member)
    for (const lng of languages) {
      await page.goto(`${app.url}/incidents/${createdId}?lng=${lng}`)
      await page.getByTestId('incident-detail').waitFor()
      await mapReady(page)
      await waitForLive(page)
      await screenshot(page, `incident-detail-${lng}`)
    }
  })

  it('shows the staff administration to an administrator in every language', async () => {
    const { page } = await newPage(admin)
    for (const lng of languages) {
      await page.goto(`${app.url}/admin/users?lng=${lng}`)
      await page.getByTestId('users-table').waitFor()
      expect(await page.getByTestId('user-row').count()).toBeGreaterThanOrEqual(3)
      await waitForLive(page)
      await screenshot(page, `users-admin-${lng}`)
    }
  })
})
