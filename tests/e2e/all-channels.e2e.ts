// Issue 4, "done means": one alert to every channel at once, against the booted app and a fake for
// every provider, each speaking its real protocol on 127.0.0.1:
// - web push: the fake push service (RFC 8030/8291, decrypts every push);
// - SMS: the HTTP gateway and, as fallback for a number the gateway cannot take, SMPP 3.4 (fake SMSC);
//   residents by area and a staff group by SMS;
// - IP-phone paging: a Latvian paging group (Cisco with acknowledgement, Yealink) and a Russian one
//   (Poly), each phone answering like its vendor;
// - MQTT: a siren group and a paging group's audio gateway — through the embedded broker AND
//   through the Mosquitto at 127.0.0.1:1883 (two runs of the whole test);
// - social: Mastodon (lv), Telegram (ru), Facebook Page (en), X (lv).
// Each fake receives exactly what it should, in the right language; the delivery report (CSV, as
// the commission downloads it) lists every recipient × channel as sent, the phone acknowledgement
// and the siren's acknowledgement included. Then a Cancel reaches the same recipients and clears the
// siren group's retained alert. An Exercise of the same reaches none of them.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { userActor } from '#domain/auth/actor.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { addDevice, createDeviceGroup } from '#domain/devices/devices.ts'
import { addPhone, createPagingGroup } from '#domain/paging/paging-groups.ts'
import { addSocialAccount } from '#domain/social/social-accounts.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { bounds, composeAlert, INSIDE, OUTSIDE, type Territory } from '#notify/dispatch/fixtures/engine-support.ts'
import { startFakeIpPhones, type FakeIpPhones, type FakePhone } from '#tests/fakes/ip-phones.ts'
import { startFakeMqttDevice, type FakeMqttDevice } from '#tests/fakes/mqtt-device.ts'
import { startFakePushService, type FakePushService, type FakeSubscription } from '#tests/fakes/push-service.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { startFakeSmsc, type FakeSmsc } from '#tests/fakes/smsc.ts'
import { startFakeFacebook, type FakeFacebook } from '#tests/fakes/social/facebook.ts'
import { startFakeMastodon, type FakeMastodon } from '#tests/fakes/social/mastodon.ts'
import { startFakeTelegram, type FakeTelegram } from '#tests/fakes/social/telegram.ts'
import { startFakeX, type FakeX } from '#tests/fakes/social/x.ts'
import { startApp, type RunningApp } from '#tests/support/app.ts'
import { freePort, reachable } from '#tests/support/http.ts'
import { launchChromium, pageTracker, screenshot, waitForLive } from '#tests/support/browser.ts'
import { browserCookie, createSignedInUser, type TestSession } from '#tests/support/sessions.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'

const SMS_TOKEN = 'e2e-all-channels-gateway-token'
const RECEIPT_SECRET = 'e2e-all-channels-receipt-secret'
const X_CREDENTIALS = { consumerKey: 'ck-all', consumerSecret: 'cs-all-0123456789', accessToken: 'at-all-0123', accessTokenSecret: 'ats-all-0123456789' }
const MOSQUITTO = { host: '127.0.0.1', port: 1883 }

/** The headline per language: each recipient must see its own. */
const HEADLINE = { lv: 'Visu kanālu pārbaude', en: 'All channels check', ru: 'Проверка всех каналов' }

/** composeAlert's lv and en blocks, with an English headline of its own and a Russian block added. */
function inThreeLanguages(alert: CapAlert, headlines: { lv: string; en: string; ru: string }): CapAlert {
  const [lv, en] = alert.info
  return { ...alert, info: [{ ...lv, headline: headlines.lv }, { ...en, headline: headlines.en }, { ...en, language: 'ru-RU', headline: headlines.ru }] }
}

for (const broker of ['embedded', 'mosquitto'] as const) {
  describe(`an alert to every channel at once (MQTT through the ${broker === 'embedded' ? 'embedded broker' : 'Mosquitto at 127.0.0.1:1883'})`, () => {
    let app: RunningApp
    let prisma: PrismaClient
    let admin: TestSession
    let push: FakePushService
    let gateway: FakeSmsGateway
    let smsc: FakeSmsc
    let phones: FakeIpPhones
    let mastodon: FakeMastodon
    let telegram: FakeTelegram
    let facebook: FakeFacebook
    let x: FakeX
    const devices: FakeMqttDevice[] = []
    let caFile: string
    let secretsKey: Buffer
    let mqttUrl: string
    let mosquittoUp = true
    let browser: Browser | undefined
    const pages = pageTracker(() => browser!)

    beforeAll(async () => {
      if (broker === 'mosquitto') mosquittoUp = await reachable(`mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`)
      push = await startFakePushService()
      caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-all-')), 'push-ca.pem')
      fs.writeFileSync(caFile, push.ca)
      gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: SMS_TOKEN }, receiptSecret: RECEIPT_SECRET })
      smsc = await startFakeSmsc({ systemId: 'sargs', password: 'smpp-secret' })
      phones = await startFakeIpPhones()
      mastodon = await startFakeMastodon({ accessToken: 'masto-all-token-0123456789' })
      telegram = await startFakeTelegram({ botToken: '424242:all-channels-bot-token', channels: [{ id: -100777, username: 'sargs_all' }] })
      facebook = await startFakeFacebook({ pageId: '100200300', pageAccessToken: 'fb-page-token-all-0123456789' })
      x = await startFakeX(X_CREDENTIALS)
      secretsKey = crypto.randomBytes(32)
      const mqttPort = await freePort()
      // the Cisco phone fetches its page from the app and its acknowledgement key calls the app:
      // both need the app's public address, known before it starts
      const appPort = await freePort()
      mqttUrl = broker === 'embedded' ? `mqtt://127.0.0.1:${mqttPort}` : `mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`
      app = await startApp({
        env: {
          PORT: String(appPort),
          PUBLIC_URL: `http://127.0.0.1:${appPort}`,
          NODE_EXTRA_CA_CERTS: caFile,
          WORKER: 'inline',
          PUSH_SERVICE_HOSTS: '127.0.0.1',
          SECRETS_KEY: secretsKey.toString('base64'),
          SMS_GATEWAY_URL: gateway.url,
          SMS_GATEWAY_TOKEN: SMS_TOKEN,
          SMS_RECEIPT_SECRET: RECEIPT_SECRET,
          SMPP_URL: `smpp://sargs:smpp-secret@127.0.0.1:${smsc.port}`,
          SMS_PROVIDERS: 'http,smpp',
          SMS_SENDER_ID: 'Sargs',
          ...(broker === 'embedded' ? { MQTT_HOST: '127.0.0.1', MQTT_PORT: String(mqttPort) } : { MQTT_URL: mqttUrl }),
        },
      })
      prisma = (await app.database()).prisma
      admin = await createSignedInUser(prisma, 'ADMINISTRATOR')
    }, 180_000)

    afterEach(async () => {
      if (browser) expect(await pages.closeAll(), 'console or page errors').toEqual([])
    })

    afterAll(async () => {
      await browser?.close()
      await Promise.all(devices.map((d) => d.close()))
      await app?.stop()
      await Promise.all([push?.close(), gateway?.close(), smsc?.close(), phones?.close(), mastodon?.close(), telegram?.close(), facebook?.close(), x?.close()])
    })

    it('every fake receives what it should, in its language; the report lists it all; a Cancel follows; an Exercise reaches nobody', { timeout: 300_000 }, async () => {
      if (!mosquittoUp) {
        console.warn('Mosquitto is not reachable at 127.0.0.1:1883: this run is skipped')
        return
      }
      const actor = userActor(admin.user)
      const territory: Territory = await prisma.territory.findFirstOrThrow({ select: { id: true, boundary: true } })
      const territorySlug = (await prisma.territory.findFirstOrThrow({ select: { slug: true } })).slug
      const run = crypto.randomBytes(3).toString('hex')

      // residents: web push (lv inside, ru inside, en outside the area) and SMS (one number the
      // HTTP gateway takes, one it refuses with 503 so that SMPP sends it, one outside the area)
      const pushSubs: Record<'lv' | 'ru' | 'outside', FakeSubscription & { rowId: string }> = {} as never
      for (const [name, languages, place] of [['lv', ['lv'], INSIDE], ['ru', ['ru'], INSIDE], ['outside', ['en'], OUTSIDE]] as const) {
        const sub = push.createSubscription()
        const row = await prisma.pushSubscription.create({
          data: { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, languages: [...languages], minSeverity: 'Minor', places: [place], ...bounds([place]) },
        })
        pushSubs[name] = { ...sub, rowId: row.id }
      }
      const smsResidents = { http: '+37120000101', smpp: '+37120000102', outside: '+37120000103' }
      for (const [number, place, languages] of [[smsResidents.http, INSIDE, ['lv']], [smsResidents.smpp, INSIDE, ['ru']], [smsResidents.outside, OUTSIDE, ['lv']]] as const) {
        await prisma.smsSubscription.create({ data: { phone: number, languages: [...languages], minSeverity: 'Minor', places: [place], stopTokenHash: crypto.randomBytes(16).toString('hex') } })
      }
      gateway.fault(smsResidents.smpp, { kind: 'status', status: 503 }, Infinity)

      // staff: a group of two, one with a mobile number
      const duty = await prisma.user.create({ data: { email: `duty-${run}@x.lv`, name: 'Dežurants', role: 'OPERATOR', passwordHash: 'x', phone: '+37120000201', language: 'en' } })
      const noNumber = await prisma.user.create({ data: { email: `nonum-${run}@x.lv`, name: 'Bez numura', role: 'OPERATOR', passwordHash: 'x' } })
      const staffGroup = await prisma.staffGroup.create({ data: { territoryId: territory.id, name: `Dežūra ${run}`, members: { create: [{ userId: duty.id }, { userId: noNumber.id }] } } })

      // desk phones: a Latvian group (Cisco with acknowledgement, Yealink) and a Russian one (Poly)
      const cisco = await phones.addPhone({ vendor: 'cisco', username: 'pager', password: 'cisco-pass' })
      const yealink = await phones.addPhone({ vendor: 'yealink', username: 'admin', password: 'yealink-pass' })
      const poly = await phones.addPhone({ vendor: 'poly', username: 'Polycom', password: 'poly-pass' })
      const lvGroup = await createPagingGroup({ prisma, actor, input: { name: `Dome ${run}`, language: 'lv', requireAck: true, audioGateway: true } })
      const ruGroup = await createPagingGroup({ prisma, actor, input: { name: `Skolas ${run}`, language: 'ru' } })
      const addFake = (groupId: string, phone: FakePhone, name: string) =>
        addPhone({ prisma, actor, secretsKey, groupId, input: { name, vendor: phone.vendor, address: `http://${phone.address}`, username: phone.username, password: phone.password } })
      await addFake(lvGroup.id, cisco, 'Mērs')
      await addFake(lvGroup.id, yealink, 'Sekretāre')
      await addFake(ruGroup.id, poly, 'Skola 5')

      // MQTT: a siren group (lv) with two sirens, and a gateway group whose device is the lv paging
      // group's audio gateway. The embedded broker signs devices in from the Device table (MQTT
      // 3.1.1); Mosquitto here takes anonymous local clients (MQTT 5).
      const sirensGroup = await createDeviceGroup({ prisma, actor, input: { name: `Sirēnas ${run}`, slug: `sirens-${run}`, kind: 'siren', language: 'lv' } })
      const gatewaysGroup = await createDeviceGroup({ prisma, actor, input: { name: `Vārtejas ${run}`, slug: `gw-${run}`, kind: 'gateway', language: 'lv' } })
      const device = async (groupId: string, username: string, groups: string[], kinds: Array<'alert' | 'page'> = ['alert']) => {
        const { secret } = await addDevice({ prisma, actor, input: { groupId, name: username, username } })
        const d = await startFakeMqttDevice({
          url: mqttUrl,
          protocolVersion: broker === 'embedded' ? 4 : 5,
          deviceId: username,
          ...(broker === 'embedded' ? { password: secret } : {}),
          territory: territorySlug,
          groups,
          kinds,
        })
        devices.push(d)
        return d
      }
      const sirens = [await device(sirensGroup.id, `siren-${run}-1`, [sirensGroup.slug]), await device(sirensGroup.id, `siren-${run}-2`, [sirensGroup.slug])]
      const audioGateway = await device(gatewaysGroup.id, `gw-${run}`, [`paging-${lvGroup.id}`], ['page'])

      // social: one account per network, each in its language
      await addSocialAccount({ prisma, actor, secretsKey, input: { network: 'mastodon', name: `Mastodon ${run}`, language: 'lv', instanceUrl: mastodon.origin, accessToken: 'masto-all-token-0123456789' } })
      await addSocialAccount({ prisma, actor, secretsKey, input: { network: 'telegram', name: `Telegram ${run}`, language: 'ru', chatId: '@sargs_all', apiUrl: telegram.origin, botToken: '424242:all-channels-bot-token' } })
      await addSocialAccount({ prisma, actor, secretsKey, input: { network: 'facebook', name: `Facebook ${run}`, language: 'en', pageId: '100200300', graphUrl: facebook.origin, pageAccessToken: 'fb-page-token-all-0123456789' } })
      await addSocialAccount({ prisma, actor, secretsKey, input: { network: 'x', name: `X ${run}`, language: 'lv', apiUrl: x.origin, ...X_CREDENTIALS } })

      // issue: every channel, every group
      const alert: CapAlert = inThreeLanguages(await composeAlert(prisma, territory), HEADLINE)
      const issued = await issueCapAlert({
        prisma,
        alert,
        actor,
        idempotencyKey: crypto.randomUUID(),
        channels: ['webpush', 'sms', 'phone', 'mqtt', 'social'],
        pagingGroupIds: [lvGroup.id, ruGroup.id],
        deviceGroupIds: [sirensGroup.id],
        staffGroupIds: [staffGroup.id],
      })

      // web push: the two inside, each in its language; not the one outside
      await expect.poll(() => push.received.length, { timeout: 60_000 }).toBe(2)
      const pushed = new Map(push.received.map((r) => [r.subscriptionId, JSON.parse(r.plaintext) as { identifier: string; headline: string }]))
      expect(pushed.get(pushSubs.lv.id)?.headline).toBe(HEADLINE.lv)
      expect(pushed.get(pushSubs.ru.id)?.headline).toBe(HEADLINE.ru)
      expect(pushed.has(pushSubs.outside.id)).toBe(false)

      // SMS: the lv resident through the gateway, the ru resident through SMPP (the gateway said 503),
      // the staff member through the gateway in English; nobody outside, nobody without a number
      await expect.poll(() => gateway.received.map((m) => m.to).sort(), { timeout: 60_000 }).toEqual([smsResidents.http, '+37120000201'].sort())
      await expect.poll(() => smsc.messages.filter((m) => m.to === smsResidents.smpp).length, { timeout: 60_000 }).toBe(1)
      expect(gateway.received.find((m) => m.to === smsResidents.http)!.text).toContain(HEADLINE.lv)
      expect(smsc.messages.find((m) => m.to === smsResidents.smpp)!.text).toContain(HEADLINE.ru)
      expect(gateway.received.find((m) => m.to === '+37120000201')!.text).toContain(HEADLINE.en)
      expect(gateway.received.some((m) => m.to === smsResidents.outside)).toBe(false)

      // phones: each vendor got its page in its group's language; the Cisco page asks for an
      // acknowledgement, which the mayor gives
      await expect.poll(() => phones.pages.length, { timeout: 60_000 }).toBe(3)
      const pageOf = (phone: FakePhone) => phones.pages.find((p) => p.phoneId === phone.id)!
      expect(pageOf(cisco).title + pageOf(cisco).text).toContain(HEADLINE.lv)
      expect(pageOf(yealink).title + pageOf(yealink).text).toContain(HEADLINE.lv)
      expect(pageOf(poly).title + pageOf(poly).text).toContain(HEADLINE.ru)
      expect(pageOf(cisco).ackUrl).toBeDefined()
      const ack = await fetch(pageOf(cisco).ackUrl!)
      expect(ack.status).toBeLessThan(400)

      // MQTT: both sirens hold the retained alert in Latvian; the audio gateway got the page
      for (const siren of sirens) {
        await siren.waitFor(() => siren.handled.some((h) => h.identifier === alert.identifier), 'the alert on a siren', 60_000)
        const message = siren.received.find((m) => m.payload.includes(alert.identifier))!
        expect(message.retain || message.topic.endsWith('/alert')).toBe(true)
        expect(message.payload).toContain(HEADLINE.lv)
      }
      await audioGateway.waitFor(() => audioGateway.handled.some((h) => h.identifier === alert.identifier), 'the page at the audio gateway', 60_000)
      expect(audioGateway.handled.find((h) => h.identifier === alert.identifier)!.payload).toMatchObject({ identifier: alert.identifier })

      // social: all four networks, each in its account's language
      await expect.poll(() => [mastodon.statuses.length, telegram.messages.length, facebook.posts.length, x.posts.length], { timeout: 60_000 }).toEqual([1, 1, 1, 1])
      expect(mastodon.statuses[0].text).toContain(HEADLINE.lv)
      expect(telegram.messages[0].text).toContain(HEADLINE.ru)
      expect(facebook.posts[0].message).toContain(HEADLINE.en)
      expect(x.posts[0].text).toContain(HEADLINE.lv)

      // the ledger and the report: every recipient × channel sent
      await expect.poll(async () => prisma.delivery.count({ where: { alertId: issued.id, status: { not: 'SENT' } } }), { timeout: 60_000 }).toBe(0)
      const deliveries = await prisma.delivery.findMany({ where: { alertId: issued.id }, select: { channel: true } })
      const perChannel = Object.fromEntries(['webpush', 'sms', 'phone', 'mqtt', 'social'].map((c) => [c, deliveries.filter((d) => d.channel === c).length]))
      expect(perChannel).toEqual({ webpush: 2, sms: 3, phone: 3, mqtt: 2, social: 4 })
      const csv = await (await fetch(`${app.url}/alerts/${issued.id}/report.csv`, { headers: { cookie: admin.cookie } })).text()
      for (const channel of ['webpush', 'sms', 'phone', 'mqtt', 'social']) expect(csv).toContain(channel)
      const report = async (id: string) => (await fetch(`${app.url}/alerts/${id}/report.csv`, { headers: { cookie: admin.cookie } })).text()
      // the mayor's acknowledgement and the sirens' acks are in it
      await expect.poll(() => report(issued.id), { timeout: 30_000 }).toMatch(/acknowledged/i)
      await expect.poll(() => report(issued.id), { timeout: 30_000 }).toMatch(/ack:sounded/)

      // what the commission sees: progress and report with every channel (screenshots in lv, en, ru;
      // once, on the embedded-broker run)
      if (broker === 'embedded') {
        browser = await launchChromium()
        const { page } = await pages.open({ cookies: [browserCookie(admin, app.url)] })
        await page.setViewportSize({ width: 1280, height: 1000 })
        for (const lng of ['lv', 'en', 'ru']) {
          await page.goto(`${app.url}/alerts/${issued.id}/progress?lng=${lng}`)
          await page.locator('[data-testid=progress][data-complete=true]').waitFor()
          await waitForLive(page)
          await screenshot(page, `all-channels-progress-${lng}`)
          await page.getByTestId('report-table').scrollIntoViewIfNeeded()
          await screenshot(page, `all-channels-report-${lng}`)
        }
      }

      // a Cancel reaches everyone the alert reached, on the same channels, and clears the sirens
      const counts = () => ({ push: push.received.length, gateway: gateway.received.length, smsc: smsc.messages.length, pages: phones.pages.length, social: mastodon.statuses.length + telegram.messages.length + facebook.posts.length + x.posts.length })
      const before = counts()
      const cancel = inThreeLanguages(await composeAlert(prisma, territory, { msgType: 'Cancel', references: [alert] }), { lv: 'Atcelts', en: 'Cancelled', ru: 'Отменено' })
      const cancelled = await issueCapAlert({ prisma, alert: cancel, actor, idempotencyKey: crypto.randomUUID(), channels: ['webpush', 'sms', 'phone', 'mqtt', 'social'] })
      await expect.poll(async () => prisma.delivery.count({ where: { alertId: cancelled.id, status: 'SENT' } }), { timeout: 90_000 }).toBe(deliveries.length)
      expect(counts()).toEqual({ push: before.push + 2, gateway: before.gateway + 2, smsc: before.smsc + 1, pages: before.pages + 3, social: before.social + 4 })
      for (const siren of sirens) await siren.waitFor(() => siren.cleared.some((topic) => topic.includes(sirensGroup.slug)), 'the retained alert cleared on a siren', 30_000)
      // the reply on Mastodon goes to the original post
      expect(mastodon.statuses.at(-1)!.inReplyToId).toBe(mastodon.statuses[0].id)

      // an Exercise of the same reaches none of them: every delivery goes to the exercise sink
      const settled = counts()
      const drill = { ...inThreeLanguages(await composeAlert(prisma, territory), { lv: 'Mācības', en: 'Drill', ru: 'Учения' }), status: 'Exercise' as const }
      const exercise = await issueCapAlert({
        prisma, alert: drill, actor, idempotencyKey: crypto.randomUUID(),
        channels: ['webpush', 'sms', 'phone', 'mqtt', 'social'],
        pagingGroupIds: [lvGroup.id, ruGroup.id], deviceGroupIds: [sirensGroup.id], staffGroupIds: [staffGroup.id],
      })
      await expect.poll(async () => prisma.delivery.count({ where: { alertId: exercise.id, status: 'SENT' } }), { timeout: 90_000 }).toBeGreaterThan(0)
      await expect.poll(async () => prisma.delivery.count({ where: { alertId: exercise.id, status: { not: 'SENT' } } }), { timeout: 90_000 }).toBe(0)
      expect(counts()).toEqual(settled)
      for (const d of devices) expect(d.received.some((m) => m.payload.includes(drill.identifier))).toBe(false)
      const attempts = await attemptHistory(prisma, { alertId: exercise.id })
      expect(attempts.length).toBeGreaterThan(0)
      expect(attempts.every((a) => a.result === 'exercise')).toBe(true)
    })
  })
}
