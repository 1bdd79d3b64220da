// Issue 3, "done means": the whole way in Chromium. A resident subscribes on the public page (the
// browser's own push service is unreachable here, so PushManager is pointed at the fake push
// service with keys the test made: an init script makes pushManager.subscribe return a
// subscription whose endpoint is the fake's and whose keys the fake holds); staff issue an alert
// through the compose screen; the app's dispatcher sends it; the fake push service receives it,
// checks VAPID and decrypts it (RFC 8291); the test hands that plaintext to the page's service
// worker over the Chrome DevTools Protocol (ServiceWorker.deliverPushMessage); and the
// notification the service worker shows carries the headline in the resident's language (Russian).
// Then the resident unsubscribes in one tap.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, CDPSession } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { startFakePushService, type FakePushService, type FakeSubscription } from '#tests/fakes/push-service.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { hydrated, launchChromium, pageTracker, screenshot } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'

let app: RunningApp
let browser: Browser
let push: FakePushService
let prisma: PrismaClient
let operator: TestSession
let caDir: string
const pages = pageTracker(() => browser)

beforeAll(async () => {
  push = await startFakePushService()
  // the app's dispatcher must trust the fake push service's throwaway certificate (TLS checks stay on)
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-push-ca-'))
  const caFile = path.join(caDir, 'fake-push-ca.pem')
  fs.writeFileSync(caFile, push.ca)
  ;[app, browser] = await Promise.all([startApp({ env: { NODE_EXTRA_CA_CERTS: caFile, WORKER: 'inline', PUSH_SERVICE_HOSTS: '127.0.0.1' } }), launchChromium()])
  console.log(`app ready in ${app.startupMs} ms`)
  prisma = (await app.database()).prisma
  operator = await createSignedInUser(prisma, 'OPERATOR', { name: 'Jānis Ozols' })
  // every push must be signed with the instance's VAPID key, the one the page subscribed with
  const { publicKey } = (await (await fetch(`${app.url}/api/push/vapid-public-key`)).json()) as { publicKey: string }
  push.expectVapidKey(publicKey)
})

afterEach(async () => {
  expect(await pages.closeAll(), 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await push?.close()
  if (caDir) fs.rmSync(caDir, { recursive: true, force: true })
})

/**
 * Runs in the page before its scripts: PushManager hands out the fake push service's subscription
 * (what a browser would get from its own push service), remembers the applicationServerKey it was
 * asked for, and the page collects what the service worker reports it showed.
 */
function pointPushManagerAtFake(sub: FakeSubscription) {
  type Win = typeof window & { __sargsServerKey?: string; __sargsShown?: unknown[] }
  const w = window as Win
  w.__sargsShown = []
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data?.type === 'sargs:notification') w.__sargsShown!.push(event.data)
  })
  // the subscription lives as long as a browser's would: across page loads (localStorage), until unsubscribe()
  const FLAG = 'test.fakePushSubscription'
  const bytes = (b64url: string) => {
    const s = atob(b64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(b64url.length / 4) * 4, '='))
    return Uint8Array.from(s, (c) => c.charCodeAt(0)).buffer
  }
  const make = (applicationServerKey: ArrayBuffer | null) =>
    ({
      endpoint: sub.endpoint,
      expirationTime: null,
      options: { applicationServerKey, userVisibleOnly: true },
      getKey: (name: 'p256dh' | 'auth') => bytes(sub.keys[name]),
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: { ...sub.keys } }),
      unsubscribe: async () => {
        localStorage.removeItem(FLAG)
        return true
      },
    }) as unknown as PushSubscription
  PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
    const key = options?.applicationServerKey
    const raw = key instanceof ArrayBuffer ? new Uint8Array(key) : ArrayBuffer.isView(key) ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength) : null
    w.__sargsServerKey = raw ? btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : String(key)
    localStorage.setItem(FLAG, w.__sargsServerKey)
    return make(raw ? raw.slice().buffer : null)
  }
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(FLAG)
    return key ? make(bytes(key)) : null
  }
}

/** The page's service worker registration id, from the DevTools Protocol's ServiceWorker domain. */
async function registrationId(cdp: CDPSession, scopeURL: string): Promise<string> {
  const seen = new Map<string, string>()
  cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => {
    for (const r of event.registrations) if (!r.isDeleted) seen.set(r.scopeURL, r.registrationId)
  })
  await cdp.send('ServiceWorker.enable')
  await expect.poll(() => seen.get(scopeURL), { timeout: 15_000 }).toBeDefined()
  return seen.get(scopeURL)!
}

describe('done means: subscribe → issue → push service → service worker → notification', () => {
  it('a Russian-speaking resident in the centre gets the alert as a notification in Russian', { timeout: 300_000 }, async () => {
    const subscription = push.createSubscription()

    // the resident
    const resident = await pages.open({ locale: 'ru-RU', viewport: { width: 1100, height: 900 } })
    await resident.context.grantPermissions(['notifications'], { origin: app.url })
    await resident.context.addInitScript(pointPushManagerAtFake, subscription)
    await resident.page.goto(`${app.url}/subscribe`)
    expect(await resident.page.locator('html').getAttribute('lang')).toBe('ru')
    await resident.page.locator('[data-testid=public-map-canvas][data-ready=true]').waitFor({ timeout: 30_000 })
    await resident.page.locator('details.named-areas summary').click()
    await (await hydrated(resident.page.getByTestId('area-Centrs'))).check()
    await expect.poll(() => resident.page.getByTestId('chosen-places').locator('li').count()).toBe(1)
    expect(await resident.page.getByTestId('language-ru').isChecked()).toBe(true)
    expect(await resident.page.getByTestId('language-lv').isChecked()).toBe(false)
    // nothing was asked of the browser yet: the permission prompt and the subscription come with the button
    expect(await resident.page.evaluate(() => (window as { __sargsServerKey?: string }).__sargsServerKey)).toBeUndefined()
    await (await hydrated(resident.page.getByTestId('subscribe-submit'))).click()
    await resident.page.getByTestId('subscribed').waitFor({ timeout: 20_000 })
    await screenshot(resident.page, 'push-subscribed-ru')
    const { publicKey } = (await (await fetch(`${app.url}/api/push/vapid-public-key`)).json()) as { publicKey: string }
    expect(await resident.page.evaluate(() => (window as { __sargsServerKey?: string }).__sargsServerKey)).toBe(publicKey)
    const stored = await prisma.pushSubscription.findUniqueOrThrow({ where: { endpoint: subscription.endpoint } })
    expect(stored).toMatchObject({ p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, languages: ['ru'], minSeverity: 'Minor' })
    const places = stored.places as [number, number][]
    expect(places.length).toBeGreaterThanOrEqual(1)
    for (const [lng, lat] of places) {
      expect(Math.round(lng * 1000) / 1000).toBe(lng)
      expect(Math.round(lat * 1000) / 1000).toBe(lat)
    }

    // staff issue an alert for Centrs through the compose screen
    const staff = await pages.open({ cookies: [browserCookie(operator, app.url)], viewport: { width: 1440, height: 900 } })
    await staff.page.goto(`${app.url}/alerts/new?template=flood&area=Centrs&lng=lv`)
    await staff.page.locator('[data-testid=map][data-ready=true]').waitFor({ timeout: 30_000 })
    await expect.poll(() => staff.page.locator('input[name="ru.headline"]').inputValue()).toBe('Угроза наводнения: Centrs')
    const centrs = await prisma.namedArea.findFirstOrThrow({ where: { name: 'Centrs' } })
    await staff.page.getByTestId('named-area').and(staff.page.locator(`[value="${centrs.id}"]`)).check()
    await (await hydrated(staff.page.getByTestId('compose-submit'))).click()
    await staff.page.waitForURL(/\/alerts\/drafts\//)
    await staff.page.getByTestId('compose-preview').waitFor()
    await staff.page.locator('#field-confirmation').fill('Centrs')
    await (await hydrated(staff.page.getByTestId('issue'))).click()
    await staff.page.waitForURL(/\/alerts\/[^/]+\/progress/)
    const alert = await prisma.alert.findFirstOrThrow({ where: { status: 'Actual' }, orderBy: { createdAt: 'desc' } })

    // the app's dispatcher sent it; the fake push service verified VAPID and decrypted it
    await expect.poll(() => push.received.filter((r) => r.subscriptionId === subscription.id).length, { timeout: 60_000 }).toBe(1)
    const received = push.received.find((r) => r.subscriptionId === subscription.id)!
    const payload = JSON.parse(received.plaintext) as { identifier: string; lang: string; headline: string; url: string; tag?: string }
    expect(payload).toMatchObject({ identifier: alert.identifier, lang: 'ru', headline: 'Угроза наводнения: Centrs', url: `/alerts/${encodeURIComponent(alert.identifier)}` })
    expect(received.urgency).toMatch(/^(normal|high)$/)
    expect(received.ttl).toBeGreaterThan(0)
    expect(received.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/)
    expect(received.vapid.publicKey).toBe(publicKey)

    // the test plays the browser's push service: the decrypted payload goes to the page's service worker
    const cdp = await resident.context.newCDPSession(resident.page)
    const id = await registrationId(cdp, `${app.url}/`)
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: app.url, registrationId: id, data: received.plaintext })

    // the notification the service worker shows carries the headline in Russian
    type Shown = { title: string; body: string; tag: string; data: { url: string } }
    const shown = async (): Promise<Shown[]> =>
      resident.page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready
        return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as { url: string } }))
      })
    await expect.poll(async () => (await shown()).length, { timeout: 15_000 }).toBe(1)
    const [notification] = await shown()
    expect(notification.title).toBe('Угроза наводнения: Centrs')
    expect(notification.body).toMatch(/[а-яё]/i)
    expect(notification.tag).toBe(payload.tag ?? alert.identifier)
    expect(notification.data.url).toBe(`/alerts/${encodeURIComponent(alert.identifier)}?lng=ru`)
    // the page heard of it too (the service worker posts what it showed)
    await expect
      .poll(() => resident.page.evaluate(() => ((window as { __sargsShown?: { title: string }[] }).__sargsShown ?? []).map((s) => s.title)))
      .toEqual(['Угроза наводнения: Centrs'])

    // the page a tap opens is the alert in Russian (and the service worker kept it for offline reading)
    await resident.page.goto(`${app.url}${notification.data.url}`)
    expect(await resident.page.getByTestId('alert-headline').textContent()).toBe('Угроза наводнения: Centrs')
    const cached = await resident.page.evaluate(async (url) => Boolean(await caches.match(url)), notification.data.url)
    expect(cached).toBe(true)
    await screenshot(resident.page, 'push-alert-opened-ru')

    // unsubscribe in one tap: the server forgets this browser
    await resident.page.goto(`${app.url}/subscribe`)
    await (await hydrated(resident.page.getByTestId('unsubscribe'))).click()
    await resident.page.getByTestId('unsubscribed').waitFor()
    expect(await prisma.pushSubscription.count({ where: { endpoint: subscription.endpoint } })).toBe(0)
    expect(push.refused).toEqual([])
  })
})
