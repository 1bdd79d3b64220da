// Shelters in Chromium: opening a shelter from the commission map (one action; a second dashboard
// sees its status and free places change live; the incident log records it), the staff registry,
// the shelter page and check-in, a resident's QR check-in, and the public finder in lv, en and ru
// (without JavaScript: a list sorted by distance from a chosen neighbourhood; with JavaScript the
// device location). Screenshots of each screen in the three languages go to screenshots/.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot, waitForLive } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let browser: Browser
let prisma: PrismaClient
let operator: TestSession
let member: TestSession
const pages = pageTracker(() => browser)

function staffPage(session: TestSession) {
  return pages.open({ cookies: [browserCookie(session, app.url)], viewport: { width: 1366, height: 900 } })
}

async function mapReady(page: Page) {
  await page.locator('[data-testid=map][data-ready=true]').waitFor({ timeout: 30_000 })
  await page.getByTestId('shelter-label').first().waitFor()
}

beforeAll(async () => {
  ;[app, browser] = await Promise.all([startApp(), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms`)
  prisma = (await app.database()).prisma
  operator = await createSignedInUser(prisma, 'OPERATOR', { name: 'Ieva Liepa' })
  member = await createSignedInUser(prisma, 'COMMISSION_MEMBER', { name: 'Andris Bērziņš' })
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('shelters', () => {
  it('opens a standby shelter from the map: one action, logged in the incident, and a second dashboard sees it live', async () => {
    const shelter = await prisma.shelter.findFirstOrThrow({ where: { code: 'JLG-P-001' } })
    expect(shelter.status).toBe('STANDBY')
    const flood = await prisma.incident.findFirstOrThrow({ where: { type: 'FLOOD', status: 'ACTIVE' } })
    const a = await staffPage(operator)
    const b = await staffPage(member)
    for (const { page } of [a, b]) {
      await page.goto(`${app.url}/?lng=lv`)
      await mapReady(page)
      await waitForLive(page)
    }
    // the layer: one number per shelter in its status colour, filterable by kind and step-free access
    expect(await a.page.getByTestId('shelter-label').count()).toBe(8)
    await hydrated(a.page.getByTestId('shelter-kind-filter'))
    await a.page.getByTestId('shelter-kind-filter').selectOption('SHORT_STAY')
    await expect.poll(() => a.page.getByTestId('shelter-label').count()).toBe(3)
    await a.page.getByTestId('shelter-stepfree-filter').check()
    await expect.poll(() => a.page.getByTestId('shelter-label').count()).toBe(1)
    await a.page.getByTestId('shelter-kind-filter').selectOption('')
    await a.page.getByTestId('shelter-stepfree-filter').uncheck()
    await expect.poll(() => a.page.getByTestId('shelter-label').count()).toBe(8)
    for (const lng of languages) {
      await b.page.goto(`${app.url}/?lng=${lng}`)
      await mapReady(b.page)
      await waitForLive(b.page)
      await screenshot(b.page, `shelters-map-${lng}`)
    }

    // A clicks the shelter on the map, picks the flood incident and opens it
    const label = (page: Page) => page.locator(`[data-testid=shelter-label][data-shelter="${shelter.id}"]`)
    await expect(label(b.page).getAttribute('data-status')).resolves.toBe('STANDBY')
    await label(a.page).click()
    const panel = a.page.getByTestId('shelter-panel')
    await panel.waitFor()
    await expect(panel.innerText()).resolves.toContain('Pilsētas domes ēkas patvertne')
    await panel.getByTestId('shelter-incident').selectOption(flood.id)
    await screenshot(a.page, 'shelters-map-panel-lv')
    await panel.getByTestId('shelter-to-OPEN').click()
    await expect.poll(() => panel.getAttribute('data-status')).toBe('OPEN')
    await expect(panel.getByTestId('free-places').innerText()).resolves.toMatch(/brīvas (150|80) no (150|80)/)

    // B sees it without reloading: the number turns to free places in the open colour
    await expect.poll(() => label(b.page).getAttribute('data-status'), { timeout: 10_000 }).toBe('OPEN')
    await screenshot(b.page, 'shelters-map-live-ru')
    const row = await prisma.shelter.findUniqueOrThrow({ where: { id: shelter.id } })
    expect(row).toMatchObject({ status: 'OPEN', incidentId: flood.id })
    const log = await prisma.incidentLogEntry.findMany({ where: { incidentId: flood.id, body: { contains: 'Pilsētas domes ēkas patvertne' } } })
    expect(log.map((l) => l.body)).toEqual([expect.stringContaining('atvērta')])
  })

  it('staff registry and shelter page: check-in makes the shelter count go up live, a resident checks in by QR without an account', async () => {
    const { page, expectErrors } = await staffPage(operator)
    expectErrors(failedRequest(422, '/shelters/import.data'))
    for (const lng of languages) {
      await page.goto(`${app.url}/shelters?lng=${lng}`)
      await page.getByTestId('shelter-table').waitFor()
      await waitForLive(page)
      await screenshot(page, `shelters-list-${lng}`)
    }
    expect(await page.getByTestId('shelter-row').count()).toBe(8)
    const sports = await prisma.shelter.findFirstOrThrow({ where: { code: 'JLG-I-001' } })
    await page.goto(`${app.url}/shelters/${sports.id}?lng=lv`)
    await page.getByTestId('shelter-page').waitFor()
    const before = Number(await page.getByTestId('shelter-occupancy').innerText())
    await hydrated(page.getByTestId('check-in'))
    await page.locator('#occupancy-people').fill('5')
    await page.getByTestId('check-in').click()
    await expect.poll(async () => Number(await page.getByTestId('shelter-occupancy').innerText())).toBe(before + 5)
    for (const lng of languages) {
      await page.goto(`${app.url}/shelters/${sports.id}?lng=${lng}`)
      await page.getByTestId('shelter-qr').waitFor()
      await waitForLive(page)
      await screenshot(page, `shelters-detail-${lng}`)
      for (const [url, ready, name] of [
        [`/shelters/${sports.id}/edit`, 'shelter-form', 'edit'],
        ['/shelters/new', 'shelter-form', 'new'],
        ['/shelters/import', 'import-form', 'import'],
      ] as const) {
        await page.goto(`${app.url}${url}?lng=${lng}`)
        await page.getByTestId(ready).waitFor()
        await waitForLive(page)
        await screenshot(page, `shelters-${name}-${lng}`)
      }
    }

    // CSV import: a file with a bad row imports nothing and names the line and column
    await page.goto(`${app.url}/shelters/import?lng=lv`)
    await hydrated(page.getByTestId('import-submit'))
    const csv = 'Kods;Nosaukums;Veids;Adrese;Platums;Garums;Vietas dienā;Vietas naktī\nJLG-X-1;Jauna;SHORT_STAY;Iela 1;56.65;23.72;10;5\nJLG-X-2;=1+1;BUNKER;Iela 2;56.65;23.72;10;5\n'
    await page.locator('#import-file').setInputFiles({ name: 'patvertnes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByTestId('import-submit').click()
    await page.getByTestId('import-errors').waitFor()
    expect(await page.getByTestId('import-error').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-line')}:${r.getAttribute('data-field')}`))).toEqual(['3:name', '3:kind'])
    expect(await prisma.shelter.count({ where: { code: { startsWith: 'JLG-X-' } } })).toBe(0)
    await screenshot(page, 'shelters-import-errors-lv')

    // the QR code's page, as a resident's phone opens it (no cookies)
    const { qrToken } = await prisma.shelter.findUniqueOrThrow({ where: { id: sports.id } })
    const resident = await pages.open({ viewport: { width: 400, height: 800 } })
    resident.expectErrors(failedRequest(429, `/shelter-check-in/${qrToken}.data`))
    await resident.page.goto(`${app.url}/shelter-check-in/${qrToken}?lng=lv`)
    await resident.page.getByTestId('check-in-form').waitFor()
    await screenshot(resident.page, 'shelters-check-in-lv')
    await hydrated(resident.page.getByTestId('check-in-submit'))
    await resident.page.locator('#check-in-people').selectOption('3')
    await resident.page.getByTestId('check-in-submit').click()
    await resident.page.getByTestId('check-in-done').waitFor()
    await screenshot(resident.page, 'shelters-check-in-done-lv')
    await expect.poll(async () => (await prisma.shelter.findUniqueOrThrow({ where: { id: sports.id } })).occupancy).toBe(before + 8)
    for (const lng of ['ru', 'en'] as const) {
      await resident.page.goto(`${app.url}/shelter-check-in/${qrToken}?lng=${lng}`)
      await resident.page.getByTestId('check-in-form').waitFor()
      await screenshot(resident.page, `shelters-check-in-${lng}`)
    }
    // scanning again from the same phone counts nothing
    await resident.page.goto(`${app.url}/shelter-check-in/${qrToken}?lng=en`)
    await hydrated(resident.page.getByTestId('check-in-submit'))
    await resident.page.getByTestId('check-in-submit').click()
    await resident.page.getByTestId('check-in-already').waitFor()
    expect((await prisma.shelter.findUniqueOrThrow({ where: { id: sports.id } })).occupancy).toBe(before + 8)
    const entries = await prisma.shelterOccupancyEntry.findMany({ where: { shelterId: sports.id, source: 'QR' } })
    expect(entries.map((e) => [e.people, e.actorId])).toEqual([[3, null]])
  })

  it('household records: off until an administrator switches them on; a household with needs is checked in, then erased (the count stays)', async () => {
    const admin = await createSignedInUser(prisma, 'ADMINISTRATOR', { name: 'Inese Kalniņa' })
    const a = await staffPage(admin)
    await a.page.goto(`${app.url}/shelters?lng=lv`)
    await expect(a.page.getByTestId('households-setting').innerText()).resolves.toContain('IZSLĒGTA')
    const sports = await prisma.shelter.findFirstOrThrow({ where: { code: 'JLG-I-001' } })
    const o = await staffPage(operator)
    await o.page.goto(`${app.url}/shelters/${sports.id}?lng=lv`)
    await o.page.getByTestId('occupancy-form').waitFor()
    expect(await o.page.getByTestId('household-form').count()).toBe(0)
    await hydrated(a.page.getByTestId('households-toggle'))
    await a.page.getByTestId('households-toggle').click()
    await expect.poll(() => a.page.getByTestId('households-setting').innerText()).toContain('IESLĒGTA')

    await o.page.reload()
    await o.page.getByText('Mājsaimniecība ar vajadzībām').click()
    const form = o.page.getByTestId('household-form')
    await hydrated(form.locator('button[type=submit]'))
    await form.locator('#household-label').fill('Kalniņi')
    await form.locator('#household-people').fill('3')
    await form.getByLabel('Ratiņkrēsls').check()
    await form.getByLabel('Medikamenti').check()
    const before = (await prisma.shelter.findUniqueOrThrow({ where: { id: sports.id } })).occupancy
    await form.locator('button[type=submit]').click()
    await o.page.getByTestId('households').waitFor()
    await expect(o.page.getByTestId('households').innerText()).resolves.toContain('Kalniņi · 3 · Ratiņkrēsls, Medikamenti')
    expect((await prisma.shelter.findUniqueOrThrow({ where: { id: sports.id } })).occupancy).toBe(before + 3)
    await screenshot(o.page, 'shelters-households-lv')
    await o.page.getByTestId('households').getByRole('button', { name: 'Dzēst' }).click()
    await expect.poll(() => o.page.getByTestId('households').count()).toBe(0)
    const erased = await prisma.shelterHousehold.findFirstOrThrow({ where: { shelterId: sports.id } })
    expect(erased).toMatchObject({ label: '', needs: [], size: 3 })
    expect((await prisma.shelter.findUniqueOrThrow({ where: { id: sports.id } })).occupancy).toBe(before + 3)
    // back off for the other tests
    await a.page.getByTestId('households-toggle').click()
    await expect.poll(() => a.page.getByTestId('households-setting').innerText()).toContain('IZSLĒGTA')
  })

  it('the public finder without JavaScript: nearest open shelters with free places from a neighbourhood, with filters, in lv, en and ru', async () => {
    const texts = {
      lv: { title: 'Atrast patvertni', free: /\d+ brīv[au] viet/ },
      en: { title: 'Find a shelter', free: /\d+ free place/ },
      ru: { title: 'Найти укрытие', free: /\d+ свободн/ },
    }
    for (const lng of languages) {
      const context = await browser.newContext({ javaScriptEnabled: false, locale: 'lv-LV', viewport: { width: 1100, height: 1000 }, timezoneId: 'Europe/Riga' })
      try {
        await context.route((url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1', (route) => route.abort('internetdisconnected'))
        const page = await context.newPage()
        await page.goto(`${app.url}/find-shelter?lng=${lng}`)
        await expect(page.locator('h1').innerText()).resolves.toBe(texts[lng].title)
        expect(await page.getByTestId('finder-locate').count()).toBe(0) // needs JavaScript
        // choose a neighbourhood and send the form (a plain GET)
        await page.locator('#finder-area').selectOption({ label: 'Centrs' })
        await page.getByTestId('finder-submit').click()
        await page.waitForURL(/area=/)
        const items = page.getByTestId('finder-item')
        expect(await items.count()).toBeGreaterThanOrEqual(1)
        const statuses = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))
        expect(new Set(statuses)).toEqual(new Set(['OPEN']))
        await expect(items.first().innerText()).resolves.toMatch(texts[lng].free)
        const distances = await page.getByTestId('finder-distance').allInnerTexts()
        const metres = distances.map((d) => Number(d.replace(/\s/g, '').replace(',', '.').replace(/[^\d.]/g, '')) * (/k/i.test(d) || /км/.test(d) ? 1000 : 1))
        expect(metres).toEqual([...metres].sort((x, y) => x - y))
        expect(await page.getByTestId('finder-map-shelter').count()).toBe(await items.count())
        await page.screenshot({ path: `screenshots/shelters-finder-nojs-${lng}.png` })
        // pets: only shelters that take pets
        await page.getByTestId('finder-petsAllowed').check()
        await page.getByTestId('finder-submit').click()
        await page.waitForURL(/petsAllowed=on/)
        await expect(page.getByTestId('finder-list').innerText()).resolves.toContain('Sporta halles')
        expect(await page.getByTestId('finder-item').count()).toBe(1)
        // all shelters, not only open ones
        await page.getByTestId('finder-petsAllowed').uncheck()
        await page.getByTestId('finder-all').check()
        await page.getByTestId('finder-submit').click()
        await page.waitForURL(/all=on/)
        expect(await page.getByTestId('finder-item').count()).toBe(8)
      } finally {
        await context.close()
      }
    }
  })

  it('the public finder with JavaScript: the device location sorts by distance; reachable from the site menu; the GeoJSON has public fields only', async () => {
    for (const lng of languages) {
      const { page, context } = await pages.open({ viewport: { width: 1280, height: 1000 } })
      await context.grantPermissions(['geolocation'])
      await context.setGeolocation({ latitude: 56.6455, longitude: 23.7158 }) // at the railway station
      await page.goto(`${app.url}/public?lng=${lng}`)
      await hydrated(page.getByTestId('nav-shelters'))
      await page.getByTestId('nav-shelters').click()
      await page.getByTestId('shelter-finder').waitFor()
      // the language chosen for this run (?lng= is not remembered without the switch)
      await page.goto(`${app.url}/find-shelter?lng=${lng}`)
      await hydrated(page.getByTestId('finder-locate'))
      await page.getByTestId('finder-locate').click()
      await page.waitForURL(/lat=56\.6455/)
      expect(new URL(page.url()).searchParams.get('lng')).toBe(lng)
      await expect(page.locator('h1').innerText()).resolves.toBe({ lv: 'Atrast patvertni', en: 'Find a shelter', ru: 'Найти укрытие' }[lng])
      await page.getByTestId('finder-origin').waitFor()
      await expect(page.getByTestId('finder-origin-text').innerText()).resolves.toContain({ lv: 'Attālumi no punkta', en: 'Distances from the point', ru: 'Расстояния от точки' }[lng])
      const distances = await page.getByTestId('finder-distance').allInnerTexts()
      expect(distances.length).toBeGreaterThanOrEqual(1)
      await screenshot(page, `shelters-finder-${lng}`)
    }
    const res = await fetch(`${app.url}/api/shelters`)
    expect(res.headers.get('content-type')).toContain('geo+json')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const body = await res.text()
    const doc = JSON.parse(body) as { features: { properties: Record<string, unknown> }[] }
    expect(doc.features).toHaveLength(8)
    for (const secret of ['responsible', 'qrToken', 'occupancy', 'openingProcedure', '+371']) expect(body).not.toContain(secret)
  })
})
