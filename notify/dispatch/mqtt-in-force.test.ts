// After a restart the embedded broker holds no retained messages: the alerts in force are published
// again, so a siren that connects sees what is in force — and not what a Cancel ended or what has
// expired. Real embedded broker (restarted between), fake devices, on PGlite and PostgreSQL.
import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, expect, it } from 'vitest'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { cliActor, systemActor } from '#domain/auth/actor.ts'
import { addDevice, createDeviceGroup } from '#domain/devices/devices.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { startMqtt, type MqttService } from '#server/mqtt/start-mqtt.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeMqttDevice } from '#tests/fakes/mqtt-device.ts'
import { Dispatcher, type ChannelRoute } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { composeAlert, demoTerritory } from './fixtures/engine-support.ts'
import { republishAlertsInForce } from './mqtt-in-force.ts'
import { mqttRoute } from './mqtt-route.ts'
import { attemptHistory } from '#notify/ledger/attempt-history.ts'

const quiet = { info: () => {}, warn: () => {} }

describeEachBackend('alerts in force after a broker restart', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  const open: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close().catch(() => {})
  })

  async function broker(prisma: PrismaClient): Promise<MqttService> {
    const service = await startMqtt({ prisma, config: { kind: 'embedded', host: '127.0.0.1', port: 0 }, log: quiet, seenIntervalMs: 0 })
    open.push(service)
    expect(await service.connection.waitConnected(10_000)).toBe(true)
    return service
  }

  async function deliver(prisma: PrismaClient, service: MqttService): Promise<void> {
    await new Dispatcher({ prisma, routes: [mqttRoute({ adapter: service.adapter }) as ChannelRoute<unknown>], exerciseSink: new ExerciseSink(), supersessionCheckMs: 0 }).drain({ timeoutMs: 30_000, idleMs: 50 })
  }

  it('publishes the alert in force of each group again, and nothing a Cancel ended or that expired', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const slug = (await prisma.territory.findUniqueOrThrow({ where: { id: territory.id } })).slug
    const tag = randomBytes(3).toString('hex')
    const group = (name: string) => createDeviceGroup({ prisma, actor: cliActor, input: { name, slug: `${name}-${tag}`, kind: 'siren', language: 'lv' } })
    const [held, cancelled, lapsed] = [await group('held'), await group('cancelled'), await group('lapsed')]
    const secrets = new Map<string, string>()
    for (const g of [held, cancelled, lapsed]) {
      const { secret } = await addDevice({ prisma, actor: cliActor, input: { groupId: g.id, name: `s-${g.slug}`, username: `s-${g.slug}` } })
      secrets.set(g.slug, secret)
    }
    const issue = (alert: CapAlert, groupId: string) =>
      issueCapAlert({ prisma, alert, actor: systemActor, idempotencyKey: randomUUID(), channels: ['mqtt'], deviceGroupIds: [groupId] })

    let service = await broker(prisma)
    const inForce = await composeAlert(prisma, territory, { headline: 'Spēkā' })
    await issue(inForce, held.id)
    const ended = await composeAlert(prisma, territory, { headline: 'Atcelts' })
    await issue(ended, cancelled.id)
    // expires in two seconds: in force when sent, over by the restart
    const short = await composeAlert(prisma, territory, { headline: 'Beidzies' })
    const soon = { ...short, info: short.info.map((i) => ({ ...i, expires: formatCapTime(Date.now() + 2000) })) }
    await issue(soon, lapsed.id)
    await deliver(prisma, service)
    await issueCapAlert({ prisma, alert: await composeAlert(prisma, territory, { msgType: 'Cancel', references: [ended] }), actor: systemActor, idempotencyKey: randomUUID(), channels: ['mqtt'] })
    await deliver(prisma, service)
    expect(await prisma.delivery.count({ where: { status: { not: 'SENT' } } })).toBe(0)

    // the broker restarts empty
    await service.close()
    open.splice(open.indexOf(service), 1)
    await new Promise((resolve) => setTimeout(resolve, 2100))
    service = await broker(prisma)
    const url = service.broker!.url
    const device = async (g: { slug: string }) => {
      const d = await startFakeMqttDevice({ url, protocolVersion: 4, deviceId: `s-${g.slug}`, password: secrets.get(g.slug), territory: slug, groups: [g.slug] })
      open.push(d)
      return d
    }
    // before: nothing retained
    const early = await device(held)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(early.handled).toEqual([])
    await early.close()
    open.splice(open.indexOf(early), 1)

    expect(await republishAlertsInForce({ prisma, adapter: service.adapter })).toEqual({ republished: 1, failed: 0 })
    const [h, c, l] = [await device(held), await device(cancelled), await device(lapsed)]
    await h.waitFor(() => h.handled.some((m) => m.identifier === inForce.identifier), 'the alert in force, retained again')
    const message = h.received.find((m) => m.payload.includes(inForce.identifier))!
    expect(message.retain).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(c.handled).toEqual([])
    expect(l.handled).toEqual([])
    // nothing new in the ledger: this restores the broker, it is not a send
    expect((await attemptHistory(prisma, {})).map((a) => a.result)).toEqual(Array(await prisma.delivery.count()).fill('sent'))
  })
})
