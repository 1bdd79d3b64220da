import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  startFakeMqtt5Broker,
  startFakeMqttDevice,
  waitFor,
  type FakeMqtt5Broker,
  type FakeMqttDevice,
} from '#tests/fakes/mqtt-device.ts'
import { cancelOf, capTime, mosquittoTestBroker, startEmbeddedTestBroker, testAlert, type TestBroker } from '#server/mqtt/testing.ts'
import { MqttDeviceAdapter } from './adapter.ts'
import { MqttConnection } from './connection.ts'
import { buildDeviceMessage, parseDeviceAck, serializeDevicePayload, type DeviceAck } from './device-message.ts'
import { alertTopic, deviceReportFilters, parseTopic } from './topics.ts'

const ctx = (key = 'alert-1:mqtt:group') => ({ idempotencyKey: key, timeoutMs: 10_000 })
const mosquittoUrl = process.env.TEST_MQTT_URL || undefined

type Backend = { name: string; start: () => Promise<TestBroker> }
const backends: Backend[] = [{ name: 'embedded aedes broker (MQTT 3.1.1)', start: () => startEmbeddedTestBroker() }]
if (mosquittoUrl) backends.push({ name: `Mosquitto at TEST_MQTT_URL (MQTT 5)`, start: async () => mosquittoTestBroker(mosquittoUrl) })

describe.each(backends)('MqttDeviceAdapter against the $name', ({ start }) => {
  let broker: TestBroker
  let connection: MqttConnection
  let adapter: MqttDeviceAdapter
  const acks: Array<{ deviceId: string; ack: DeviceAck }> = []
  const devices: FakeMqttDevice[] = []
  const run = randomBytes(3).toString('hex')

  beforeAll(async () => {
    broker = await start()
    connection = MqttConnection.open({
      url: broker.url,
      protocolVersion: broker.sargsProtocol,
      clientId: `sargs-test-${run}`,
      reconnectPeriodMs: 200,
      ...broker.sargsCredentials,
    })
    expect(await connection.waitConnected(15_000)).toBe(true)
    adapter = new MqttDeviceAdapter({ connection })
    // device reports come back through Sargs's own subscription (works on any broker)
    const granted = await connection.subscribe(deviceReportFilters(broker.territory), (topic, payload) => {
      const parsed = parseTopic(topic)
      const ack = parsed?.kind === 'ack' ? parseDeviceAck(payload) : null
      if (parsed?.kind === 'ack' && ack) acks.push({ deviceId: parsed.deviceId, ack })
    })
    expect(granted).toEqual([1, 1])
  })

  afterEach(async () => {
    for (const device of devices.splice(0)) await device.close()
  })

  afterAll(async () => {
    // leave nothing retained behind on a shared broker
    if (connection?.connected) {
      for (const group of ['centre', 'north', 'south', 'east']) {
        await new Promise((resolve) => connection.client.publish(alertTopic(broker.territory, group), '', { qos: 1, retain: true }, resolve))
      }
    }
    await connection?.close()
    await broker?.close()
  })

  async function device(deviceId: string, groups: string[]): Promise<FakeMqttDevice> {
    const id = `${deviceId}-${run}`
    const password = broker.addDevice(id, groups)
    const d = await startFakeMqttDevice({
      url: broker.url,
      protocolVersion: broker.deviceProtocol,
      deviceId: id,
      ...(password !== undefined ? { password } : {}),
      territory: broker.territory,
      groups,
    })
    devices.push(d)
    return d
  }

  it('publishes the exact JSON on sargs/{territory}/{group}/alert with QoS 1; the device acks by identifier', async () => {
    const siren = await device('siren-1', ['centre'])
    const alert = testAlert()
    const expires = alert.info[0].expires!
    const message = buildDeviceMessage({ alert, territory: broker.territory, group: 'centre', kind: 'alert', language: 'lv-LV', pattern: 'wail-3min' })

    const result = await adapter.send(message, ctx())
    expect(result).toEqual({ kind: 'sent', providerMessageId: `sargs/${broker.territory}/centre/alert#${alert.identifier}` })

    await siren.waitFor(() => siren.received.length >= 1, 'the alert at the siren')
    const received = siren.received[0]
    expect(received.topic).toBe(`sargs/${broker.territory}/centre/alert`)
    expect(received.qos).toBe(1)
    expect(received.payload).toBe(
      `{"kind":"alert","identifier":"${alert.identifier}","msgType":"Alert","references":[],"command":"alert",` +
        `"pattern":"wail-3min","group":"centre","severity":"Severe","urgency":"Immediate",` +
        `"headline":"Plūdu brīdinājums: Lielupe","instruction":"Dodieties uz augstāku vietu.","language":"lv-LV",` +
        `"sent":"2026-12-04T10:00:00+02:00","expires":"${expires}"}`,
    )
    expect(received.payload).toBe(serializeDevicePayload(message.payload))
    if (broker.sargsProtocol === 5) {
      // MQTT 5: JSON content type, UTF-8 indicator, the idempotency key, expiry with the alert
      expect(received.properties).toMatchObject({
        payloadFormatIndicator: true,
        contentType: 'application/json',
        userProperties: { 'sargs-idempotency-key': 'alert-1:mqtt:group' },
      })
      expect(received.properties?.messageExpiryInterval).toBeGreaterThan(3600)
      expect(received.properties?.messageExpiryInterval).toBeLessThanOrEqual(7200)
    }

    // the ack comes back through Sargs's subscription to sargs/{territory}/device/+/ack
    await waitFor(() => acks.some((a) => a.ack.identifier === alert.identifier), 'the ack')
    expect(acks.find((a) => a.ack.identifier === alert.identifier)).toMatchObject({
      deviceId: siren.deviceId,
      ack: { identifier: alert.identifier, action: 'sounded' },
    })
  })

  it('keeps the alert in force retained: a device that subscribes later receives it', async () => {
    const alert = testAlert()
    const message = buildDeviceMessage({ alert, territory: broker.territory, group: 'north', kind: 'alert', language: 'en-GB' })
    expect(message.retain).toBe(true)
    expect(await adapter.send(message, ctx())).toMatchObject({ kind: 'sent' })

    const display = await device('display-1', ['north'])
    await display.waitFor(() => display.handled.length === 1, 'the retained alert')
    expect(display.received[0]).toMatchObject({ topic: `sargs/${broker.territory}/north/alert`, retain: true, payload: serializeDevicePayload(message.payload) })
    expect(display.handled[0].payload).toMatchObject({ headline: 'Flood warning: Lielupe', language: 'en-GB', command: 'alert' })
  })

  it('a Cancel reaches the devices and clears the retained alert with an empty retained message', async () => {
    const siren = await device('siren-2', ['south'])
    const alert = testAlert()
    expect(await adapter.send(buildDeviceMessage({ alert, territory: broker.territory, group: 'south', kind: 'alert', language: 'lv-LV' }), ctx())).toMatchObject({ kind: 'sent' })
    const cancel = cancelOf(alert)
    const cancelMessage = buildDeviceMessage({ alert: cancel, territory: broker.territory, group: 'south', kind: 'alert', language: 'lv-LV' })
    expect(cancelMessage).toMatchObject({ retain: false, clearRetained: true })
    expect(await adapter.send(cancelMessage, ctx('cancel-1:mqtt:south'))).toMatchObject({ kind: 'sent' })

    await siren.waitFor(() => siren.cleared.length === 1, 'the cancel and the cleared retained alert')
    expect(siren.handled.map((h) => [h.identifier, h.payload.command, h.payload.references])).toEqual([
      [alert.identifier, 'alert', []],
      [cancel.identifier, 'cancel', [alert.identifier]],
    ])
    expect(siren.received.at(-1)).toMatchObject({ topic: `sargs/${broker.territory}/south/alert`, payload: '' })

    // a device subscribing now gets nothing retained: the first message it sees is the next one
    const late = await device('siren-3', ['south'])
    const next = testAlert()
    await adapter.send(buildDeviceMessage({ alert: next, territory: broker.territory, group: 'south', kind: 'alert', language: 'lv-LV' }), ctx())
    await late.waitFor(() => late.received.length >= 1, 'the next alert at the late device')
    expect(late.handled.map((h) => h.identifier)).toEqual([next.identifier])
    expect(late.received[0].retain).toBe(false)
  })

  it('a device offline during the publish gets it on reconnect from its persistent session, once after dedupe', async () => {
    const siren = await device('siren-4', ['east'])
    expect(siren.granted).toEqual([1])
    await siren.goOffline('clean')

    const alert = testAlert()
    const message = buildDeviceMessage({ alert, territory: broker.territory, group: 'east', kind: 'alert', language: 'lv-LV' })
    expect(await adapter.send(message, ctx('a4:mqtt:east'))).toMatchObject({ kind: 'sent' })
    // the dispatcher may send the same message again (a PUBACK lost on the way): same identifier
    expect(await adapter.send(message, ctx('a4:mqtt:east'))).toMatchObject({ kind: 'sent' })

    await siren.reconnect()
    expect(siren.sessionPresent).toBe(true) // no new subscription: the queue came from the session
    await siren.waitFor(() => siren.handled.length === 1 && siren.received.length === 2, 'both queued copies')
    expect(siren.handled.map((h) => h.identifier)).toEqual([alert.identifier])
    expect(siren.duplicatesDropped).toBe(1)
    await waitFor(() => acks.filter((a) => a.ack.identifier === alert.identifier).length === 1, 'one ack')
  })
})

describe('MqttDeviceAdapter error mapping (a fake MQTT 5 broker that refuses or hangs)', () => {
  let fake: FakeMqtt5Broker
  let connection: MqttConnection
  let adapter: MqttDeviceAdapter
  const message = () => buildDeviceMessage({ alert: testAlert(), territory: 'jelgava', group: 'centre', kind: 'alert', language: 'lv-LV' })

  beforeAll(async () => {
    fake = await startFakeMqtt5Broker()
    connection = MqttConnection.open({ url: fake.url, protocolVersion: 5, clientId: 'sargs-errors', reconnectPeriodMs: 200 })
    expect(await connection.waitConnected(15_000)).toBe(true)
    adapter = new MqttDeviceAdapter({ connection })
  })
  afterAll(async () => {
    await connection.close()
    await fake.close()
  })

  it('PUBACK 0x87 (not authorized) is permanent; 0x97 (quota exceeded) is a retry', async () => {
    fake.answer = () => 0x87
    expect(await adapter.send(message(), ctx())).toMatchObject({ kind: 'permanent', deadAddress: false, reason: expect.stringMatching(/^PUBACK 0x87 /) })
    fake.answer = () => 0x97
    expect(await adapter.send(message(), ctx())).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^PUBACK 0x97 /) })
    fake.answer = () => 0x10 // no matching subscribers: accepted all the same
    expect(await adapter.send(message(), ctx())).toMatchObject({ kind: 'sent' })
    fake.answer = () => 0
  })

  it('no PUBACK within the timeout is a retry, and the publish is taken back out of MQTT.js', async () => {
    fake.answer = () => 'hang'
    const before = fake.publishes.length
    const result = await adapter.send(message(), { idempotencyKey: 'k', timeoutMs: 300 })
    expect(result).toEqual({ kind: 'retry', reason: 'no PUBACK within 300 ms' })
    expect(fake.publishes.length).toBe(before + 1)
    expect(Object.keys(connection.client.outgoing)).toEqual([])
    fake.answer = () => 0
  })

  it('sends the MQTT 5 properties: QoS 1, retain, JSON, the idempotency key as a user property', async () => {
    const m = message()
    await adapter.send(m, ctx('key-42'))
    const publish = fake.publishes.at(-1)!
    expect(publish).toMatchObject({ topic: 'sargs/jelgava/centre/alert', qos: 1, retain: true, payload: serializeDevicePayload(m.payload) })
    expect(publish.properties).toMatchObject({
      payloadFormatIndicator: true,
      contentType: 'application/json',
      userProperties: { 'sargs-idempotency-key': 'key-42' },
    })
  })

  it('refuses before publishing: a topic outside the layout (dead address), a payload over the limit, an expired alert', async () => {
    const before = fake.publishes.length
    expect(await adapter.send({ ...message(), topic: 'sargs/jelgava/device/x/ack' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: true })
    expect(await adapter.send({ ...message(), topic: '$SYS/broker' }, ctx())).toMatchObject({ kind: 'permanent', deadAddress: true })
    const small = new MqttDeviceAdapter({ connection, maxPayloadBytes: 100 })
    expect(await small.send(message(), ctx())).toMatchObject({ kind: 'permanent', deadAddress: false, reason: expect.stringMatching(/^payload \d+ bytes > 100$/) })
    const expired = buildDeviceMessage({ alert: testAlert({ expires: capTime(-60_000) }), territory: 'jelgava', group: 'centre', kind: 'alert', language: 'lv-LV' })
    expect(await adapter.send(expired, ctx())).toEqual({ kind: 'permanent', deadAddress: false, reason: 'the alert has expired' })
    expect(fake.publishes.length).toBe(before)
  })

  it('not connected is a retry without a publish (nothing queued inside MQTT.js)', async () => {
    const offline = MqttConnection.open({ url: 'mqtt://127.0.0.1:1', protocolVersion: 5, clientId: 'sargs-offline', reconnectPeriodMs: 60_000 })
    try {
      const result = await new MqttDeviceAdapter({ connection: offline }).send(message(), ctx())
      expect(result).toEqual({ kind: 'retry', reason: 'MQTT broker not connected' })
      expect(Object.keys(offline.client.outgoing)).toEqual([])
    } finally {
      await offline.close()
    }
  })
})

describe('reliability row 16: MQTT broker down then up (embedded broker; the system Mosquitto cannot be restarted from a test)', () => {
  it('row 16: send() says retry while the broker is down; after it is back the message reaches the device once', async () => {
    const broker = await startEmbeddedTestBroker()
    const connection = MqttConnection.open({ url: broker.url, protocolVersion: 4, clientId: 'sargs-row16', reconnectPeriodMs: 100, ...broker.sargsCredentials })
    const password = broker.addDevice('siren-16', ['centre'])!
    let siren: FakeMqttDevice | undefined
    try {
      expect(await connection.waitConnected(15_000)).toBe(true)
      const adapter = new MqttDeviceAdapter({ connection })
      siren = await startFakeMqttDevice({ url: broker.url, protocolVersion: 4, deviceId: 'siren-16', password, territory: 'jelgava', groups: ['centre'] })
      const first = testAlert()
      expect(await adapter.send(buildDeviceMessage({ alert: first, territory: 'jelgava', group: 'centre', kind: 'alert', language: 'lv-LV' }), ctx())).toMatchObject({ kind: 'sent' })
      await siren.waitFor(() => siren!.handled.length === 1, 'the first alert')

      await broker.restart!.stop()
      await waitFor(() => !connection.connected && !siren!.connected, 'Sargs and the siren to notice the broker is gone')
      const alert = testAlert()
      const message = buildDeviceMessage({ alert, territory: 'jelgava', group: 'centre', kind: 'alert', language: 'lv-LV' })
      expect(await adapter.send(message, ctx('row16'))).toEqual({ kind: 'retry', reason: 'MQTT broker not connected' })

      await broker.restart!.start()
      await waitFor(() => connection.connected, 'Sargs to reconnect', 30_000)
      // the dispatcher's retry
      expect(await adapter.send(message, ctx('row16'))).toMatchObject({ kind: 'sent' })
      // the siren comes back to its persistent session (the broker kept it) and gets the alert once
      await siren.reconnect()
      expect(siren.sessionPresent).toBe(true)
      await siren.waitFor(() => siren!.handled.length === 2, 'the alert sent while the siren was away')
      expect(siren.handled.map((h) => h.identifier)).toEqual([first.identifier, alert.identifier])
      expect(siren.received.filter((r) => r.payload.includes(alert.identifier))).toHaveLength(1)
    } finally {
      await siren?.close()
      await connection.close()
      await broker.close()
    }
  })
})
