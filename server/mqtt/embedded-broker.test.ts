import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import { MqttConnection } from '#notify/channels/mqtt/connection.ts'
import { buildDeviceMessage } from '#notify/channels/mqtt/device-message.ts'
import { startFakeMqttDevice, tryConnect, waitFor, type FakeMqttDevice } from '#tests/fakes/mqtt-device.ts'
import { generateDeviceSecret, hashDeviceSecret, verifyDeviceSecret } from './device-secret.ts'
import { startEmbeddedBroker, type BrokerEvent } from './embedded-broker.ts'
import { startEmbeddedTestBroker, testAlert, type TestBroker } from './testing.ts'

const ctx = { idempotencyKey: 'k', timeoutMs: 10_000 }

// first: the other suites' brokers close asynchronously and would blur the handle count
describe('embedded broker shutdown', () => {
  it('close() leaves no server, socket or timer behind', async () => {
    const count = () => {
      const kinds = process.getActiveResourcesInfo()
      return {
        servers: kinds.filter((k) => k === 'TCPServerWrap').length,
        sockets: kinds.filter((k) => k === 'TCPSocketWrap').length,
        timers: kinds.filter((k) => k === 'Timeout').length,
      }
    }
    const before = count()
    const broker = await startEmbeddedTestBroker()
    const password = broker.addDevice('siren-close', ['centre'])!
    const siren = await startFakeMqttDevice({ url: broker.url, protocolVersion: 4, deviceId: 'siren-close', password, territory: 'jelgava', groups: ['centre'] })
    expect(count().servers).toBe(before.servers + 1)
    // the broker goes away under a connected device
    await broker.close()
    await waitFor(() => !siren.connected, 'the device to notice')
    await siren.close()
    // aedes's heartbeat and will intervals are cleared, the listener and every socket closed
    await waitFor(
      () => count().servers === before.servers && count().sockets === before.sockets && count().timers === 0,
      `all handles closed (before: ${JSON.stringify(before)})`,
    )
  })
})

describe('device secrets', () => {
  it('keeps only the SHA-256 and compares in constant time', () => {
    const secret = generateDeviceSecret()
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const hash = hashDeviceSecret(secret)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(verifyDeviceSecret(secret, hash)).toBe(true)
    expect(verifyDeviceSecret(Buffer.from(secret), hash)).toBe(true)
    expect(verifyDeviceSecret(`${secret}x`, hash)).toBe(false)
    expect(verifyDeviceSecret(undefined, hash)).toBe(false)
    expect(verifyDeviceSecret('', hashDeviceSecret(''))).toBe(false)
    expect(verifyDeviceSecret(secret, 'not-a-hash')).toBe(false)
  })
})

describe('embedded MQTT broker (aedes)', () => {
  let broker: TestBroker
  let connection: MqttConnection
  let adapter: MqttDeviceAdapter
  const events: BrokerEvent[] = []
  const devices: FakeMqttDevice[] = []

  beforeAll(async () => {
    broker = await startEmbeddedTestBroker()
    broker.embedded!.onEvent((event) => events.push(event))
    connection = MqttConnection.open({ url: broker.url, protocolVersion: 4, clientId: 'sargs', reconnectPeriodMs: 200, ...broker.sargsCredentials })
    expect(await connection.waitConnected(15_000)).toBe(true)
    adapter = new MqttDeviceAdapter({ connection })
  })
  afterAll(async () => {
    for (const device of devices) await device.close()
    await connection.close()
    await broker.close()
  })

  async function device(deviceId: string, groups: string[], extra: { topics?: string[] } = {}) {
    const password = broker.addDevice(deviceId, groups)!
    const d = await startFakeMqttDevice({ url: broker.url, protocolVersion: 4, deviceId, password, territory: 'jelgava', groups, ...extra })
    devices.push(d)
    return d
  }

  it('speaks MQTT 3.1.1 only: an MQTT 5 CONNECT is refused', async () => {
    const password = broker.addDevice('v5-device', ['centre'])
    const outcome = await tryConnect({ url: broker.url, protocolVersion: 5, clientId: 'v5-device', username: 'v5-device', password })
    expect(outcome.accepted).toBe(false)
    const v4 = await tryConnect({ url: broker.url, protocolVersion: 4, clientId: 'v5-device', username: 'v5-device', password })
    expect(v4).toEqual({ accepted: true, code: 0 })
  })

  it('refuses wrong credentials (CONNACK 4), a client id that is not the device id (2), and says so in an event', async () => {
    const password = broker.addDevice('siren-cred', ['centre'])
    const base = { url: broker.url, protocolVersion: 4 as const, clientId: 'siren-cred' }
    expect(await tryConnect({ ...base, username: 'siren-cred', password: `${password}x` })).toEqual({ accepted: false, code: 4 })
    expect(await tryConnect({ ...base, username: 'nobody', password })).toEqual({ accepted: false, code: 4 })
    expect(await tryConnect({ ...base })).toEqual({ accepted: false, code: 4 })
    expect(await tryConnect({ ...base, username: 'sargs', password: 'guess' })).toEqual({ accepted: false, code: 4 })
    // the right secret under another client id would take over that device's session: refused
    expect(await tryConnect({ ...base, clientId: 'siren-other', username: 'siren-cred', password })).toEqual({ accepted: false, code: 2 })
    expect(await tryConnect({ ...base, username: 'siren-cred', password })).toEqual({ accepted: true, code: 0 })
    const refused = events.filter((e) => e.kind === 'refused' && e.action === 'connect').map((e) => (e as { reason: string }).reason)
    expect(refused).toEqual([
      'bad credentials for siren-cred',
      'bad credentials for nobody',
      'no username',
      'bad internal credential',
      'client id siren-other is not device siren-cred',
    ])
  })

  it('a device lookup that fails is "server unavailable" (3), not a crash', async () => {
    const failing = await startEmbeddedBroker({
      port: 0,
      lookupDevice: async () => {
        throw new Error('database down')
      },
      internal: { username: 'sargs', secretHash: hashDeviceSecret('x') },
    })
    try {
      expect(await tryConnect({ url: failing.url, protocolVersion: 4, clientId: 'd', username: 'd', password: 'p' })).toEqual({ accepted: false, code: 3 })
    } finally {
      await failing.close()
    }
  })

  it('reports connect, online status, the ack and, after a power cut, the Last Will and the disconnect', async () => {
    const siren = await device('siren-ev', ['centre'])
    await waitFor(() => events.some((e) => e.kind === 'status' && e.deviceId === 'siren-ev' && e.status.state === 'online'), 'online status')
    expect(events.find((e) => e.kind === 'connected' && e.deviceId === 'siren-ev')).toMatchObject({ territory: 'jelgava' })
    expect(broker.embedded!.connectedDevices()).toContain('siren-ev')

    const alert = testAlert()
    expect(await adapter.send(buildDeviceMessage({ alert, territory: 'jelgava', group: 'centre', kind: 'alert', language: 'lv-LV' }), ctx)).toMatchObject({ kind: 'sent' })
    await waitFor(() => events.some((e) => e.kind === 'ack' && e.deviceId === 'siren-ev'), 'the ack event')
    expect(events.find((e) => e.kind === 'ack' && e.deviceId === 'siren-ev')).toMatchObject({
      territory: 'jelgava',
      ack: { identifier: alert.identifier, action: 'sounded' },
    })
    expect(siren.handled.map((h) => h.identifier)).toEqual([alert.identifier])

    await siren.goOffline('power-cut')
    await waitFor(() => events.some((e) => e.kind === 'status' && e.deviceId === 'siren-ev' && e.status.state === 'offline'), 'the Last Will')
    await waitFor(() => events.some((e) => e.kind === 'disconnected' && e.deviceId === 'siren-ev'), 'the disconnect event')
    expect(broker.embedded!.connectedDevices()).not.toContain('siren-ev')
  })

  it('ACL: a device subscribes only to its own groups\' topics, no wildcards', async () => {
    const spy = await device('display-acl', ['centre'], {
      topics: ['sargs/jelgava/centre/alert', 'sargs/jelgava/north/alert', 'sargs/jelgava/#', 'sargs/jelgava/device/+/ack'],
    })
    expect(spy.granted).toEqual([1, 128, 128, 128])
    const refused = events.filter((e) => e.kind === 'refused' && e.action === 'subscribe' && e.clientId === 'display-acl')
    expect(refused.map((e) => (e as { topic: string }).topic)).toEqual(['sargs/jelgava/north/alert', 'sargs/jelgava/#', 'sargs/jelgava/device/+/ack'])

    // an alert for north, then one for centre (same publisher, in order): only centre arrives
    const north = testAlert()
    const centre = testAlert()
    await adapter.send(buildDeviceMessage({ alert: north, territory: 'jelgava', group: 'north', kind: 'alert', language: 'lv-LV' }), ctx)
    await adapter.send(buildDeviceMessage({ alert: centre, territory: 'jelgava', group: 'centre', kind: 'alert', language: 'lv-LV' }), ctx)
    await spy.waitFor(() => spy.handled.some((h) => h.identifier === centre.identifier), 'the centre alert')
    expect(spy.received.map((r) => r.topic)).not.toContain('sargs/jelgava/north/alert')
  })

  it('ACL: a device publishes only its own ack and status; anything else drops its connection', async () => {
    const victim = await device('siren-victim', ['centre'])
    const attacker = await device('siren-attacker', ['centre'])
    const acksBefore = events.filter((e) => e.kind === 'ack').length

    expect(await attacker.publish('sargs/jelgava/device/siren-victim/ack', JSON.stringify({ identifier: 'x', action: 'sounded' }))).toBe('closed')
    await attacker.reconnect()
    // and it cannot sound every siren by publishing an alert
    expect(await attacker.publish('sargs/jelgava/centre/alert', JSON.stringify({ identifier: 'fake', command: 'alert' }))).toBe('closed')
    await attacker.reconnect()
    expect(await attacker.publish('sargs/jelgava/device/siren-attacker/ack', JSON.stringify({ identifier: 'real', action: 'received' }))).toBe('acked')

    await waitFor(() => events.some((e) => e.kind === 'ack' && e.deviceId === 'siren-attacker'), 'the own ack')
    const acks = events.filter((e) => e.kind === 'ack').slice(acksBefore)
    expect(acks.map((e) => (e as { deviceId: string }).deviceId)).toEqual(['siren-attacker'])
    const refused = events.filter((e) => e.kind === 'refused' && e.action === 'publish' && e.clientId === 'siren-attacker')
    expect(refused.map((e) => (e as { topic: string }).topic)).toEqual(['sargs/jelgava/device/siren-victim/ack', 'sargs/jelgava/centre/alert'])
    expect(victim.handled.map((h) => h.identifier)).not.toContain('fake')
  })

  it('ACL: Sargs\'s internal client publishes alerts and pages, not device acks', async () => {
    const result = await new Promise<string>((resolve) => {
      const onClose = () => resolve('closed')
      connection.client.once('close', onClose)
      connection.client.publish('sargs/jelgava/device/siren-x/ack', '{}', { qos: 1 }, () => {
        connection.client.off('close', onClose)
        resolve('acked')
      })
    })
    expect(result).toBe('closed')
    expect(events.some((e) => e.kind === 'refused' && e.action === 'publish' && e.clientId === 'sargs')).toBe(true)
    // it reconnects by itself
    await waitFor(() => connection.connected, 'Sargs to reconnect')
  })
})
