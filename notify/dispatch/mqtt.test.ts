// The 'mqtt' channel in the engine (decision 022): sirens and displays in two device groups get the
// alert retained on their group's topic in the group's language, with the CAP identifier; a device
// that connects later still gets it; their acks land in the delivery report; a Cancel clears the
// alert in force; the audio paging gateway gets the page on its paging group's page topic; an
// Exercise reaches no device. Through the embedded broker as the server runs it (startMqtt: devices
// signed in from the Device table) AND through the Mosquitto at 127.0.0.1:1883 (MQTT 5), on PGlite
// and PostgreSQL. Row 16 (broker down, then up: each message once) on the embedded broker, which a
// test can stop and start again with its sessions; the system Mosquitto cannot be restarted here.
import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { cliActor, systemActor } from '#domain/auth/actor.ts'
import { deliveryReportCsv } from '#domain/deliveries/delivery-report-csv.ts'
import { mqttReportInfo } from '#domain/deliveries/device-acks.ts'
import { listDeliveryReport } from '#domain/deliveries/list-delivery-report.ts'
import { addDevice, createDeviceGroup, deviceCredentialByUsername } from '#domain/devices/devices.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import { MqttConnection } from '#notify/channels/mqtt/connection.ts'
import { pagingGroupSegment } from '#notify/channels/mqtt/topics.ts'
import { startEmbeddedTestBroker } from '#server/mqtt/testing.ts'
import { startMqtt, type MqttConfig, type MqttService } from '#server/mqtt/start-mqtt.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeMqttDevice, waitFor } from '#tests/fakes/mqtt-device.ts'
import { reachable } from '#tests/support/http.ts'
import { Dispatcher, type ChannelRoute } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { composeAlert, demoTerritory, type Territory } from './fixtures/engine-support.ts'
import { mqttRoute } from './mqtt-route.ts'

const MOSQUITTO = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883'

const mosquittoUp = await reachable(MOSQUITTO)

const quiet = { info: () => {}, warn: () => {} }

type Setup = {
  prisma: PrismaClient
  territory: Territory & { slug: string }
  centre: { id: string; slug: string }
  north: { id: string; slug: string }
  paging: { id: string; name: string }
  secrets: Map<string, string>
}

/** Two device groups (lv, en), a gateway group, a paging group with an audio gateway; devices with secrets. */
async function setup(prisma: PrismaClient, tag: string): Promise<Setup> {
  const t = await demoTerritory(prisma)
  const territory = { ...t, slug: (await prisma.territory.findUniqueOrThrow({ where: { id: t.id } })).slug }
  const centre = await createDeviceGroup({ prisma, actor: cliActor, input: { name: 'Centrs', slug: `centre-${tag}`, kind: 'siren', language: 'lv' } })
  const north = await createDeviceGroup({ prisma, actor: cliActor, input: { name: 'North displays', slug: `north-${tag}`, kind: 'display', language: 'en' } })
  const gateways = await createDeviceGroup({ prisma, actor: cliActor, input: { name: 'Gateways', slug: `gw-${tag}`, kind: 'gateway', language: 'lv' } })
  const paging = await prisma.pagingGroup.create({ data: { territoryId: t.id, name: `Dome ${tag}`, language: 'en', audioGateway: true } })
  const secrets = new Map<string, string>()
  for (const [groupId, username] of [
    [centre.id, `a1-${tag}`], [centre.id, `a2-${tag}`], [centre.id, `a3-${tag}`], [north.id, `b1-${tag}`], [gateways.id, `gw1-${tag}`],
  ] as const) {
    const { secret } = await addDevice({ prisma, actor: cliActor, input: { groupId, name: username, username } })
    secrets.set(username, secret)
  }
  return { prisma, territory, centre, north, paging: { id: paging.id, name: paging.name }, secrets }
}

function dispatcherFor(prisma: PrismaClient, adapter: MqttDeviceAdapter, sink = new ExerciseSink()) {
  return new Dispatcher({
    prisma,
    routes: [mqttRoute({ adapter }) as ChannelRoute<unknown>],
    exerciseSink: sink,
    supersessionCheckMs: 0,
    sendTimeoutMs: 3000,
    retry: { maxAttempts: 20, backoff: { baseMs: 20, capMs: 100 } },
  })
}

async function issueTo(s: Setup, alert: CapAlert, picks: { deviceGroupIds?: string[]; pagingGroupIds?: string[] } = {}): Promise<string> {
  const issued = await issueCapAlert({ prisma: s.prisma, alert, actor: systemActor, idempotencyKey: randomUUID(), channels: ['mqtt'], ...picks })
  return issued.id
}

describeEachBackend('mqtt channel', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  const open: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close().catch(() => {})
  })

  const brokers: Array<{ name: string; skip: boolean; config: () => MqttConfig; protocol: 4 | 5; withPassword: boolean }> = [
    { name: 'embedded aedes broker (MQTT 3.1.1, devices from the Device table)', skip: false, config: () => ({ kind: 'embedded', host: '127.0.0.1', port: 0 }), protocol: 4, withPassword: true },
    {
      name: mosquittoUp ? `Mosquitto at ${MOSQUITTO} (MQTT 5)` : `Mosquitto at ${MOSQUITTO} (MQTT 5) — SKIPPED: not reachable`,
      skip: !mosquittoUp,
      config: () => ({ kind: 'external', url: MOSQUITTO, clientId: `sargs-test-${randomBytes(4).toString('hex')}`, sessionExpirySeconds: 120 }),
      protocol: 5,
      withPassword: false,
    },
  ]

  for (const broker of brokers) {
    describe(broker.name, () => {
      it.skipIf(broker.skip)('delivers retained alerts per group language, acks to the report, page to the gateway, Cancel clears, Exercise reaches no device', async () => {
        const tag = randomBytes(3).toString('hex')
        const s = await setup(db().prisma, tag)
        const service: MqttService = await startMqtt({ prisma: s.prisma, config: broker.config(), log: quiet, seenIntervalMs: 0 })
        open.push(service)
        expect(await service.connection.waitConnected(10_000)).toBe(true)
        const url = service.broker?.url ?? MOSQUITTO
        const device = async (username: string, groups: string[], kinds: Array<'alert' | 'page'> = ['alert']) => {
          const d = await startFakeMqttDevice({
            url, protocolVersion: broker.protocol, deviceId: username, territory: s.territory.slug, groups, kinds,
            ...(broker.withPassword ? { password: s.secrets.get(username) } : {}),
          })
          open.push(d)
          return d
        }
        const a1 = await device(`a1-${tag}`, [s.centre.slug])
        const b1 = await device(`b1-${tag}`, [s.north.slug])
        const gw1 = await device(`gw1-${tag}`, [pagingGroupSegment(s.paging.id)], ['page'])
        if (broker.withPassword) expect([a1, b1, gw1].map((d) => d.granted)).toEqual([[1], [1], [1]])
        // the subscription to device reports is in place before anything is sent
        await new Promise((resolve) => setTimeout(resolve, 200))

        const sink = new ExerciseSink()
        const dispatcher = dispatcherFor(s.prisma, service.adapter, sink)
        const alert = await composeAlert(s.prisma, s.territory, { headline: 'Plūdu brīdinājums' })
        const alertId = await issueTo(s, alert, { deviceGroupIds: [s.centre.id, s.north.id], pagingGroupIds: [s.paging.id] })
        await dispatcher.drain({ timeoutMs: 30_000, idleMs: 100 })
        const deliveries = await s.prisma.delivery.findMany({ where: { alertId }, orderBy: { recipientKey: 'asc' } })
        expect(deliveries.map((d) => [d.recipientKey, d.status])).toEqual(
          [[`group:${s.centre.id}`, 'SENT'], [`group:${s.north.id}`, 'SENT'], [`paging:${s.paging.id}`, 'SENT']].sort((x, y) => x[0].localeCompare(y[0])),
        )

        await a1.waitFor(() => a1.handled.length === 1, 'a1 gets the alert')
        await b1.waitFor(() => b1.handled.length === 1, 'b1 gets the alert')
        await gw1.waitFor(() => gw1.handled.length === 1, 'the gateway gets the page')
        expect(a1.handled[0]).toMatchObject({ topic: `sargs/${s.territory.slug}/${s.centre.slug}/alert`, identifier: alert.identifier })
        expect(a1.handled[0].payload).toMatchObject({ kind: 'alert', language: 'lv-LV', headline: 'Plūdu brīdinājums', command: 'alert', group: s.centre.slug })
        expect(b1.handled[0].payload).toMatchObject({ kind: 'alert', identifier: alert.identifier, language: 'en-GB', headline: 'Plūdu brīdinājums (en)' })
        expect(gw1.handled[0].topic).toBe(`sargs/${s.territory.slug}/paging-${s.paging.id}/page`)
        expect(gw1.handled[0].payload).toMatchObject({ kind: 'page', identifier: alert.identifier, groupName: s.paging.name, language: 'en-GB', text: 'Plūdu brīdinājums (en)' })
        expect(gw1.received.every((r) => !r.retain)).toBe(true)

        // the acks come back into the ledger and the delivery report
        const deviceRow = (username: string) => s.prisma.device.findUniqueOrThrow({ where: { username } })
        await pollUntil(async () => (await s.prisma.deviceAck.count({ where: { alertId } })) === 3, 'three acks recorded')
        const report = await mqttReportInfo(s.prisma, alertId, deliveries.map((d) => d.recipientKey))
        expect(report.label.get(`group:${s.centre.id}`)).toBe('Centrs')
        expect(report.acks.get(`group:${s.centre.id}`)?.map((a) => [a.username, a.status])).toEqual([[`a1-${tag}`, 'sounded']])
        expect(report.acks.get(`group:${s.north.id}`)?.map((a) => a.username)).toEqual([`b1-${tag}`])
        expect(report.acks.get(`paging:${s.paging.id}`)?.map((a) => a.username)).toEqual([`gw1-${tag}`])
        // …as the report screen and the CSV show them
        const page = await listDeliveryReport({ prisma: s.prisma, alertId })
        const centreRow = page.rows.find((r) => r.recipientLabel === 'Centrs')
        expect(centreRow?.deviceAcks?.map((a) => [a.device, a.status])).toEqual([[`a1-${tag}`, 'sounded']])
        const csv = await new Response(deliveryReportCsv({ prisma: s.prisma, alertId, language: 'en' })).text()
        expect(csv).toContain(`ack:sounded,,a1-${tag} (a1-${tag})`)
        const a1Row = await deviceRow(`a1-${tag}`)
        expect(a1Row.lastAckAt).toBeInstanceOf(Date)
        expect(a1Row.lastSeenAt).toBeInstanceOf(Date)
        // a repeated ack is stored once
        await a1.publish(`sargs/${s.territory.slug}/device/a1-${tag}/ack`, JSON.stringify({ identifier: alert.identifier, action: 'sounded', at: null }))
        await a1.publish(`sargs/${s.territory.slug}/device/a1-${tag}/ack`, JSON.stringify({ identifier: 'urn:unknown:1', action: 'sounded', at: null }))
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(await s.prisma.deviceAck.count({ where: { alertId } })).toBe(3)

        // a device that connects later still gets the alert in force (retained)
        const a2 = await device(`a2-${tag}`, [s.centre.slug])
        await a2.waitFor(() => a2.handled.length === 1, 'the late device gets the retained alert')
        expect(a2.handled[0].identifier).toBe(alert.identifier)
        expect(a2.received[0].retain).toBe(true)

        // a Cancel: the devices get the cancel, the retained alert is cleared
        const cancel = await composeAlert(s.prisma, s.territory, { msgType: 'Cancel', references: [alert], headline: 'Atcelts' })
        const cancelId = await issueTo(s, cancel)
        await dispatcher.drain({ timeoutMs: 30_000, idleMs: 100 })
        expect((await s.prisma.delivery.findMany({ where: { alertId: cancelId } })).map((d) => d.status)).toEqual(['SENT', 'SENT', 'SENT'])
        await a1.waitFor(() => a1.handled.length === 2 && a1.cleared.length === 1, 'a1 gets the cancel and the clear')
        expect(a1.handled[1].payload).toMatchObject({ identifier: cancel.identifier, msgType: 'Cancel', command: 'cancel', references: [alert.identifier] })
        await b1.waitFor(() => b1.cleared.length === 1, 'b1 sees its retained alert cleared')

        // an Exercise goes to the sink: no device hears of it
        const exercise = { ...(await composeAlert(s.prisma, s.territory, { headline: 'Mācības' })), status: 'Exercise' as const }
        await issueTo(s, exercise, { deviceGroupIds: [s.centre.id, s.north.id], pagingGroupIds: [s.paging.id] })
        await dispatcher.drain({ timeoutMs: 30_000, idleMs: 100 })
        expect(sink.records.map((r) => r.channel)).toEqual(['mqtt', 'mqtt', 'mqtt'])
        expect(sink.records.every((r) => (r.message as { retain: boolean }).retain === false)).toBe(true)

        // a device connecting after the Cancel finds no alert in force: the first thing it gets is
        // the next real alert (a retained one would have come first), never the exercise
        const a3 = await device(`a3-${tag}`, [s.centre.slug])
        const next = await composeAlert(s.prisma, s.territory, { headline: 'Jauns brīdinājums' })
        await issueTo(s, next, { deviceGroupIds: [s.centre.id] })
        await dispatcher.drain({ timeoutMs: 30_000, idleMs: 100 })
        await a3.waitFor(() => a3.handled.length === 1, 'the new device gets the next alert')
        expect(a3.received.map((r) => JSON.parse(r.payload || '{}').identifier)).toEqual([next.identifier])
        await a1.waitFor(() => a1.handled.length === 3, 'a1 gets the next alert')
        for (const d of [a1, b1, gw1, a2, a3]) expect(d.handled.map((h) => h.identifier)).not.toContain(exercise.identifier)
        expect(gw1.handled.map((h) => h.identifier)).toEqual([alert.identifier, cancel.identifier])
      }, 90_000)
    })
  }

  it('row 16: the embedded broker down, then up — the alert goes out once the broker is back, each device handles it once', async () => {
    const tag = randomBytes(3).toString('hex')
    const s = await setup(db().prisma, tag)
    const broker = await startEmbeddedTestBroker({ lookupDevice: (username) => deviceCredentialByUsername(s.prisma, username) })
    open.push(broker)
    const connection = MqttConnection.open({ url: broker.url, protocolVersion: 4, clientId: 'sargs', ...broker.sargsCredentials, reconnectPeriodMs: 200 })
    open.push(connection)
    expect(await connection.waitConnected(10_000)).toBe(true)
    const adapter = new MqttDeviceAdapter({ connection })
    const siren = await startFakeMqttDevice({ url: broker.url, protocolVersion: 4, deviceId: `a1-${tag}`, password: s.secrets.get(`a1-${tag}`), territory: s.territory.slug, groups: [s.centre.slug] })
    open.push(siren)
    const dispatcher = dispatcherFor(s.prisma, adapter)

    await broker.restart!.stop()
    await waitFor(() => !connection.connected && !siren.connected, 'both connections see the broker gone')
    const alert = await composeAlert(s.prisma, s.territory)
    const alertId = await issueTo(s, alert, { deviceGroupIds: [s.centre.id] })
    await dispatcher.tick()
    await dispatcher.tick()
    const down = await s.prisma.delivery.findFirstOrThrow({ where: { alertId } })
    expect(down.status).toBe('PENDING')
    expect(down.lastError).toMatch(/not connected/)

    await broker.restart!.start()
    expect(await connection.waitConnected(15_000)).toBe(true)
    await dispatcher.drain({ timeoutMs: 30_000, idleMs: 100 })
    expect((await s.prisma.delivery.findFirstOrThrow({ where: { alertId } })).status).toBe('SENT')
    await siren.reconnect()
    await siren.waitFor(() => siren.handled.length === 1, 'the siren gets the alert after the outage')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(siren.handled.map((h) => h.identifier)).toEqual([alert.identifier])
  }, 60_000)
})

async function pollUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
