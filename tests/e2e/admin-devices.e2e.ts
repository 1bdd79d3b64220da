// The administrator's device screen in Chromium (/admin/devices, decision 022): a device group and
// a siren are added, the siren's secret is shown once and signs a (fake) siren in to the app's
// embedded MQTT broker, which makes it "online" on the screen and on the staff map; a new secret
// locks the old one out; switching the siren off; a bad username is refused naming the field.
// Screenshots of the screen in lv, en and ru, and of the map layer, go to screenshots/.
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { hashDeviceSecret } from '#server/mqtt/device-secret.ts'
import { startFakeMqttDevice, tryConnect } from '#tests/fakes/mqtt-device.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { failedRequest, hydrated, launchChromium, pageTracker, screenshot, waitForLive } from '#tests/support/browser.ts'
import { freePort } from '#tests/support/http.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

const languages = ['lv', 'en', 'ru'] as const

let app: RunningApp
let browser: Browser
let prisma: PrismaClient
let admin: TestSession
let operator: TestSession
let mqttUrl: string
const pages = pageTracker(() => browser)

function staffPage(session: TestSession) {
  return pages.open({ cookies: [browserCookie(session, app.url)], viewport: { width: 1366, height: 900 } })
}

beforeAll(async () => {
  const mqttPort = await freePort()
  mqttUrl = `mqtt://127.0.0.1:${mqttPort}`
  ;[app, browser] = await Promise.all([startApp({ env: { MQTT_PORT: String(mqttPort) } }), launchChromium()])
  prisma = (await app.database()).prisma
  admin = await createSignedInUser(prisma, 'ADMINISTRATOR', { name: 'Anna Admine' })
  operator = await createSignedInUser(prisma, 'OPERATOR', { name: 'Ieva Liepa' })
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('admin devices', () => {
  it('adds a group and a siren (secret shown once, signs in), shows it online on the screen and the map, rotates, switches it off', async () => {
    const { page, expectErrors } = await staffPage(admin)
    // the refused username below answers 422
    expectErrors(failedRequest(422, '/admin/devices.data'))
    await page.goto(`${app.url}/admin/devices?lng=en`)
    await waitForLive(page)
    expect(await page.getByTestId('mqtt-state').textContent()).toContain('MQTT is set up')

    // a group
    await page.getByTestId('group-name').fill('Centre sirens')
    await page.getByTestId('group-slug').fill('centre')
    await page.getByTestId('group-kind').selectOption('siren')
    await (await hydrated(page.getByTestId('group-add'))).click()
    await page.locator('[data-testid=device-group][data-slug=centre]').waitFor()
    expect(await page.getByTestId('group-topic').textContent()).toBe('sargs/jelgava/centre/alert')

    // a bad username is refused, naming the field; nothing stored
    const group = page.locator('[data-testid=device-group][data-slug=centre]')
    await group.getByTestId('device-name').fill('Siren 1')
    await group.getByTestId('device-username').evaluate((input: HTMLInputElement) => input.removeAttribute('pattern'))
    await group.getByTestId('device-username').fill('siren 1')
    await group.getByTestId('device-add').click()
    await group.getByTestId('form-error').waitFor()
    expect(await group.getByTestId('form-error').textContent()).toContain('letters, digits')
    expect(await prisma.device.count()).toBe(0)

    // the siren: its secret is shown once and only its hash stored
    await group.getByTestId('device-username').fill('siren-1')
    await group.getByTestId('device-lat').fill('56.6502')
    await group.getByTestId('device-lng').fill('23.7240')
    await group.getByTestId('device-add').click()
    await page.getByTestId('device-secret').waitFor()
    const secret = (await page.getByTestId('device-secret-value').textContent())!.trim()
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await prisma.device.findUniqueOrThrow({ where: { username: 'siren-1' } })).passwordHash).toBe(hashDeviceSecret(secret))
    await screenshot(page, 'admin-devices-secret-en')

    // the secret signs the siren in to the app's embedded broker: it is seen, hence online
    const siren = await startFakeMqttDevice({ url: mqttUrl, protocolVersion: 4, deviceId: 'siren-1', password: secret, territory: 'jelgava', groups: ['centre'] })
    expect(siren.granted).toEqual([1])
    await expect.poll(async () => (await prisma.device.findUniqueOrThrow({ where: { username: 'siren-1' } })).lastSeenAt, { timeout: 15_000 }).not.toBeNull()

    for (const lng of languages) {
      await page.goto(`${app.url}/admin/devices?lng=${lng}`)
      await waitForLive(page)
      await page.locator('[data-testid=device-row][data-username=siren-1][data-online=true]').waitFor()
      await expect.poll(() => page.getByTestId('device-secret').count()).toBe(0)
      await screenshot(page, `admin-devices-${lng}`)
    }

    // the staff map shows it online
    const map = await staffPage(operator)
    for (const lng of languages) {
      await map.page.goto(`${app.url}/?lng=${lng}`)
      await map.page.locator('[data-testid=map][data-ready=true]').waitFor({ timeout: 30_000 })
      await map.page.locator('[data-testid=device-marker][data-device=siren-1][data-online=true]').waitFor()
      expect(await map.page.getByTestId('device-layer-count').textContent()).toMatch(/1/)
      await screenshot(map.page, `map-devices-${lng}`)
    }
    await siren.close()

    // a new secret: the old one no longer signs in, the new one does
    await page.goto(`${app.url}/admin/devices?lng=en`)
    await waitForLive(page)
    await (await hydrated(page.locator('[data-testid=device-row][data-username=siren-1]').getByTestId('device-rotate'))).click()
    await page.getByTestId('device-secret').waitFor()
    const rotated = (await page.getByTestId('device-secret-value').textContent())!.trim()
    expect(rotated).not.toBe(secret)
    expect((await tryConnect({ url: mqttUrl, protocolVersion: 4, clientId: 'siren-1', username: 'siren-1', password: secret })).accepted).toBe(false)
    expect((await tryConnect({ url: mqttUrl, protocolVersion: 4, clientId: 'siren-1', username: 'siren-1', password: rotated })).accepted).toBe(true)

    // switched off: it cannot sign in at all
    await page.locator('[data-testid=device-row][data-username=siren-1]').getByTestId('device-toggle').click()
    await page.locator('[data-testid=device-row][data-username=siren-1][data-enabled=false]').waitFor()
    expect((await tryConnect({ url: mqttUrl, protocolVersion: 4, clientId: 'siren-1', username: 'siren-1', password: rotated })).accepted).toBe(false)
    const actions = (await prisma.auditLog.findMany({ where: { entityType: { in: ['Device', 'DeviceGroup'] } }, orderBy: { seq: 'asc' } })).map((a) => a.action)
    expect(actions).toEqual(['device-group.created', 'device.added', 'device.secret-rotated', 'device.disabled'])
  }, 180_000)

  it('is for administrators: an operator gets 403', async () => {
    const res = await fetch(`${app.url}/admin/devices`, { headers: { cookie: `${browserCookie(operator, app.url).name}=${browserCookie(operator, app.url).value}` }, redirect: 'manual' })
    expect(res.status).toBe(403)
  })
})
