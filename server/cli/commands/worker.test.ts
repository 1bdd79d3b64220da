// sargs worker: arguments, and the worker loop against the fake push service on both backends
// (the real process, killed and restarted, is in notify/dispatch/process-crash.test.ts).
import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { cliActor, systemActor } from '#domain/auth/actor.ts'
import { createDeviceGroup } from '#domain/devices/devices.ts'
import { startFakeMqttDevice } from '#tests/fakes/mqtt-device.ts'
import { reachable } from '#tests/support/http.ts'
import { check, composeAlert, demoTerritory, issue, subscribe } from '#notify/dispatch/fixtures/engine-support.ts'
import { ensureVapidKeys } from '#notify/dispatch/vapid-keys.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { UsageError } from '../main.ts'
import { parseWorkerArgs, runWorker } from './worker.ts'

describe('sargs worker: arguments', () => {
  it('takes --drain and nothing else', () => {
    expect(parseWorkerArgs([])).toEqual({ drain: false })
    expect(parseWorkerArgs(['--drain'])).toEqual({ drain: true })
    expect(() => parseWorkerArgs(['--threads', '4'])).toThrow(UsageError)
    expect(() => parseWorkerArgs(['--threads', '4'])).toThrow(/unexpected argument "--threads" \(usage: sargs worker \[--drain\]\)/)
  })
})

describeEachBackend('sargs worker', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let push: FakePushService
  beforeAll(async () => {
    push = await startFakePushService()
  })
  afterAll(async () => push.close())

  it('--drain sends what was issued with the instance VAPID key, then returns 0', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const subs = await Promise.all([1, 2, 3].map(() => subscribe(prisma, push)))
    const alert = await composeAlert(prisma, territory)
    const id = await issue(prisma, alert)
    const lines: string[] = []
    const code = await runWorker({ drain: true, prisma, vapidSubject: 'mailto:cp@jelgava.lv', pushServiceHosts: ['127.0.0.1'], stopSignal: new Promise(() => {}), print: (l) => lines.push(l), pushDispatcher: push.dispatcher })
    expect(code).toBe(0)
    expect(lines.at(-1)).toMatch(/nothing left to send/)
    const result = await check(prisma, push, { id, identifier: alert.identifier })
    expect(result).toMatchObject({ acknowledged: 3, received: 3, lost: [], duplicates: 0 })
    expect([...result.receivers].sort()).toEqual(subs.map((s) => s.id).sort())
    // signed with the key the database holds (made on first use), and the configured contact
    const keys = await ensureVapidKeys(prisma)
    const pushed = push.received.filter((r) => result.receivers.has(r.subscriptionId))
    expect(pushed.every((r) => r.vapid.publicKey === keys.publicKey && r.vapid.sub === 'mailto:cp@jelgava.lv')).toBe(true)
  })

  it('runs until the stop signal, sending what is issued meanwhile, then stops and returns 0', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    await subscribe(prisma, push)
    let stop!: (signal: string) => void
    const lines: string[] = []
    const running = runWorker({
      drain: false, prisma, vapidSubject: 'mailto:cp@jelgava.lv', pushServiceHosts: ['127.0.0.1'], pushDispatcher: push.dispatcher, print: (l) => lines.push(l),
      stopSignal: new Promise((resolve) => (stop = resolve)), tuning: { pollMs: 20 },
    })
    const alert = await composeAlert(prisma, territory)
    const id = await issue(prisma, alert)
    const deadline = Date.now() + 30_000
    while ((await prisma.delivery.count({ where: { alertId: id, status: 'SENT' } })) < 1) {
      if (Date.now() > deadline) throw new Error('the worker sent nothing')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    stop('SIGTERM')
    expect(await running).toBe(0)
    expect(lines.map((l) => l.replace(/^worker \S+: /, ''))).toEqual(['started', 'SIGTERM, finishing the batch in flight', 'stopped'])
    expect(await prisma.delivery.count({ where: { status: { in: ['PENDING', 'SENDING'] } } })).toBe(0)
  })
})

// A worker beside the app: with an external broker (MQTT_URL, here the Mosquitto at 127.0.0.1:1883)
// it publishes the 'mqtt' deliveries itself; with the embedded broker it leaves them to the app.
const MOSQUITTO = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883'
const mosquittoUp = await reachable(MOSQUITTO)

describeEachBackend('sargs worker and MQTT', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it.skipIf(!mosquittoUp)(`publishes 'mqtt' deliveries through the external broker (Mosquitto at ${MOSQUITTO}${mosquittoUp ? '' : ' — SKIPPED: not reachable'}); leaves them with the embedded one`, async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const slug = (await prisma.territory.findUniqueOrThrow({ where: { id: territory.id } })).slug
    const tag = randomBytes(3).toString('hex')
    const group = await createDeviceGroup({ prisma, actor: cliActor, input: { name: `Worker ${tag}`, slug: `worker-${tag}`, kind: 'siren', language: 'lv' } })
    const siren = await startFakeMqttDevice({ url: MOSQUITTO, protocolVersion: 5, deviceId: `worker-siren-${tag}`, territory: slug, groups: [group.slug] })
    try {
      const alert = await composeAlert(prisma, territory)
      const issued = await issueCapAlert({ prisma, alert, actor: systemActor, idempotencyKey: randomUUID(), channels: ['mqtt'], deviceGroupIds: [group.id] })
      const base = { drain: true, prisma, vapidSubject: 'mailto:cp@jelgava.lv', pushServiceHosts: ['127.0.0.1'], stopSignal: new Promise<string>(() => {}), drainTimeoutMs: 5_000 }

      // embedded: the broker is the app's; this worker does not touch the mqtt delivery
      const lines: string[] = []
      expect(await runWorker({ ...base, mqtt: { kind: 'embedded', host: '127.0.0.1', port: 0 }, print: (l) => lines.push(l) })).toBe(0)
      expect(lines.join('\n')).toMatch(/leaves 'mqtt' deliveries to the app/)
      expect(await prisma.delivery.findFirstOrThrow({ where: { alertId: issued.id } })).toMatchObject({ status: 'PENDING', attempts: 0 })

      // external: the worker publishes it, retained, in the group's language
      expect(await runWorker({ ...base, mqtt: { kind: 'external', url: MOSQUITTO, clientId: `sargs-test-${tag}` }, print: () => {} })).toBe(0)
      expect(await prisma.delivery.findFirstOrThrow({ where: { alertId: issued.id } })).toMatchObject({ status: 'SENT' })
      await siren.waitFor(() => siren.handled.some((m) => m.identifier === alert.identifier), 'the alert at the siren')
      // clean up the retained message on the shared broker
      await issueCapAlert({ prisma, alert: await composeAlert(prisma, territory, { msgType: 'Cancel', references: [alert] }), actor: systemActor, idempotencyKey: randomUUID(), channels: ['mqtt'] })
      expect(await runWorker({ ...base, mqtt: { kind: 'external', url: MOSQUITTO, clientId: `sargs-test-${tag}` }, print: () => {} })).toBe(0)
      await siren.waitFor(() => siren.cleared.length > 0, 'the retained alert cleared')
    } finally {
      await siren.close()
    }
  })
})
