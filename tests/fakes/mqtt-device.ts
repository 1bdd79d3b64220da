// Fakes for the MQTT channel (decision 016), real MQTT on 127.0.0.1, no mocks.
//
// 1. startFakeMqttDevice: a simulated siren controller / display / paging gateway. It connects with
//    its credentials (MQTT 3.1.1 or 5) and a persistent session (clean: false; MQTT 5 session
//    expiry), announces itself online on its status topic (retained) with a Last Will saying
//    offline, subscribes QoS 1 to its groups' topics when the broker has no session for it, records
//    every message, drops repeats by CAP identifier (as a real device must: QoS 1 is at least once),
//    and acknowledges each new message on its ack topic. It can go offline (a clean DISCONNECT, or a
//    power cut: the socket dies and the broker publishes the will) and come back.
//
//      const siren = await startFakeMqttDevice({ url, protocolVersion: 4, deviceId: 'siren-1',
//        password, territory: 'jelgava', groups: ['centre'] })
//      await siren.waitFor(() => siren.handled.length === 1, 'the alert')
//
// 2. startFakeMqtt5Broker: a minimal MQTT 5 broker that answers PUBLISH with the PUBACK reason code
//    a test chooses (0x87 not authorized …) or never answers ('hang'). Mosquitto's default
//    configuration refuses nothing, so this is how the adapter's error mapping is exercised.
import net from 'node:net'
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt'
import mqttPacket from 'mqtt-packet'
import type { DeviceAckAction } from '#notify/channels/mqtt/device-message.ts'
import { ackTopic, alertTopic, pageTopic, statusTopic } from '#notify/channels/mqtt/topics.ts'

export type FakeMqttDeviceOptions = {
  url: string
  protocolVersion: 4 | 5
  deviceId: string
  /** username defaults to the device id when a password is given; none for an anonymous broker */
  username?: string
  password?: string
  territory: string
  groups: string[]
  /** which topics of its groups it listens to (default: alert) */
  kinds?: Array<'alert' | 'page'>
  /** what it reports having done (default: sounded) */
  ackAction?: DeviceAckAction
  /** subscribe to these filters instead (ACL tests) */
  topics?: string[]
}

export type ReceivedDeviceMessage = {
  topic: string
  payload: string
  qos: number
  retain: boolean
  dup: boolean
  properties?: IPublishPacket['properties']
}

export type HandledDeviceMessage = { topic: string; identifier: string; payload: Record<string, unknown> }

export type FakeMqttDevice = {
  readonly deviceId: string
  /** every PUBLISH that arrived, repeats included */
  readonly received: ReceivedDeviceMessage[]
  /** each identifier once, in arrival order */
  readonly handled: HandledDeviceMessage[]
  /** topics on which an empty message arrived (a retained alert cleared) */
  readonly cleared: string[]
  /** repeats dropped by identifier */
  duplicatesDropped: number
  /** granted QoS per filter of the last SUBSCRIBE (128: refused) */
  granted: number[]
  /** the CONNACK's session-present flag of the last connection */
  sessionPresent: boolean | null
  /** the last error MQTT.js reported */
  lastError: string | null
  readonly connected: boolean
  /** polls until the condition holds; throws with `what` after timeoutMs (default 15 s) */
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>
  /** publishes QoS 1; resolves 'acked', or 'closed' when the broker dropped the connection instead */
  publish(topic: string, payload: string): Promise<'acked' | 'closed' | 'error'>
  /** 'clean': DISCONNECT (no will); 'power-cut': the socket dies, the broker publishes the will */
  goOffline(how: 'clean' | 'power-cut'): Promise<void>
  /** connects again with the same client id and persistent session (a rebooted device) */
  reconnect(): Promise<void>
  close(): Promise<void>
}

export async function startFakeMqttDevice(options: FakeMqttDeviceOptions): Promise<FakeMqttDevice> {
  const seen = new Set<string>()
  const kinds = options.kinds ?? ['alert']
  const filters =
    options.topics ??
    options.groups.flatMap((group) => kinds.map((kind) => (kind === 'alert' ? alertTopic(options.territory, group) : pageTopic(options.territory, group))))
  let client: MqttClient | null = null

  const device: FakeMqttDevice = {
    deviceId: options.deviceId,
    received: [],
    handled: [],
    cleared: [],
    duplicatesDropped: 0,
    granted: [],
    sessionPresent: null,
    lastError: null,
    get connected() {
      return client?.connected ?? false
    },
    waitFor,
    publish(topic, payload) {
      const c = client
      if (!c) return Promise.resolve('error')
      return new Promise((resolve) => {
        const onClose = () => resolve('closed')
        c.once('close', onClose)
        c.publish(topic, payload, { qos: 1 }, (error) => {
          c.off('close', onClose)
          resolve(error ? 'error' : 'acked')
        })
      })
    },
    async goOffline(how) {
      const c = client
      client = null
      if (!c) return
      await endClient(c, how === 'power-cut')
    },
    async reconnect() {
      if (client) await device.goOffline('clean')
      client = await connect()
    },
    async close() {
      await device.goOffline('clean')
    },
  }

  function connect(): Promise<MqttClient> {
    const clientOptions: IClientOptions = {
      protocolVersion: options.protocolVersion,
      clientId: options.deviceId,
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...(options.password !== undefined ? { username: options.username ?? options.deviceId, password: options.password } : {}),
      ...(options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
      will: {
        topic: statusTopic(options.territory, options.deviceId),
        payload: Buffer.from(JSON.stringify({ state: 'offline' })),
        qos: 1,
        retain: true,
      },
    }
    const c = mqtt.connect(options.url, clientOptions)
    c.on('message', (topic, payload, packet) => onMessage(c, topic, payload, packet))
    // a broker that goes away mid-test is expected: never an unhandled 'error' event
    c.on('error', (error) => {
      device.lastError = error.message
    })
    return new Promise((resolve, reject) => {
      c.once('connect', (connack) => {
        device.sessionPresent = connack.sessionPresent
        c.off('error', onError)
        c.publish(statusTopic(options.territory, options.deviceId), JSON.stringify({ state: 'online', at: new Date().toISOString() }), {
          qos: 1,
          retain: true,
        })
        if (connack.sessionPresent) return resolve(c)
        // no session on the broker: subscribe (again)
        c.subscribe(filters, { qos: 1 }, (error, granted) => {
          // MQTT.js reports a SUBACK with a refused filter (0x80) as an error carrying the packet
          const suback = (error as (Error & { packet?: { granted?: Array<number | { qos: number }> } }) | null)?.packet
          if (error && !suback?.granted) return reject(error)
          const list = suback?.granted ?? granted ?? []
          device.granted = list.map((g) => (typeof g === 'number' ? g : g.qos))
          resolve(c)
        })
      })
      const onError = (error: Error) => {
        c.end(true)
        reject(error)
      }
      c.once('error', onError)
    })
  }

  function onMessage(c: MqttClient, topic: string, payload: Buffer, packet: IPublishPacket) {
    const text = payload.toString('utf8')
    device.received.push({
      topic,
      payload: text,
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
      ...(packet.properties ? { properties: packet.properties } : {}),
    })
    if (text.length === 0) {
      device.cleared.push(topic)
      return
    }
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(text) as Record<string, unknown>
    } catch {
      return
    }
    const identifier = typeof parsed.identifier === 'string' ? parsed.identifier : null
    if (!identifier) return
    if (seen.has(identifier)) {
      device.duplicatesDropped += 1
      return
    }
    seen.add(identifier)
    device.handled.push({ topic, identifier, payload: parsed })
    const ack = { identifier, action: options.ackAction ?? 'sounded', at: new Date().toISOString() }
    c.publish(ackTopic(options.territory, options.deviceId), JSON.stringify(ack), { qos: 1 })
  }

  client = await connect()
  return device
}

/** Polls every 20 ms until the condition holds; no timed assertion, only a generous give-up. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Tries one connection; the CONNACK return code (0 accepted) or the error's code. */
export async function tryConnect(options: IClientOptions & { url: string }): Promise<{ accepted: boolean; code: number | string | undefined }> {
  const { url, ...rest } = options
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...rest })
  const outcome = await new Promise<{ accepted: boolean; code: number | string | undefined }>((resolve) => {
    c.once('connect', () => resolve({ accepted: true, code: 0 }))
    c.once('error', (error) => resolve({ accepted: false, code: (error as { code?: number | string }).code }))
    c.once('close', () => resolve({ accepted: false, code: undefined }))
  })
  await endClient(c, true)
  return outcome
}

/**
 * Ends an MQTT.js client and waits for it. A DISCONNECT only when connected; MQTT.js never calls
 * back when its socket is already gone, and an unforced end waits for unacknowledged publishes.
 */
export function endClient(c: MqttClient, force: boolean): Promise<void> {
  const gone = !c.connected
  return new Promise<void>((resolve) => {
    c.end(force || gone, {}, () => resolve())
    if (gone) resolve()
  })
}

// ---------------------------------------------------------------------------------------------

export type FakeMqtt5Broker = {
  url: string
  /** PUBLISH packets received */
  publishes: Array<{ topic: string; payload: string; qos: number; retain: boolean; properties?: Record<string, unknown> }>
  /** the PUBACK reason code for a topic, or 'hang' (never answer); default 0 */
  answer: (topic: string) => number | 'hang'
  close(): Promise<void>
}

export async function startFakeMqtt5Broker(): Promise<FakeMqtt5Broker> {
  const sockets = new Set<net.Socket>()
  const broker: FakeMqtt5Broker = {
    url: '',
    publishes: [],
    answer: () => 0,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const opts = { protocolVersion: 5 }
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const parser = mqttPacket.parser(opts)
    parser.on('packet', (packet: mqttPacket.Packet) => {
      if (packet.cmd === 'connect') {
        socket.write(mqttPacket.generate({ cmd: 'connack', sessionPresent: false, reasonCode: 0 }, opts))
      } else if (packet.cmd === 'publish') {
        broker.publishes.push({
          topic: packet.topic,
          payload: Buffer.from(packet.payload).toString('utf8'),
          qos: packet.qos,
          retain: packet.retain,
          ...(packet.properties ? { properties: packet.properties as Record<string, unknown> } : {}),
        })
        const answer = broker.answer(packet.topic)
        if (packet.qos === 1 && answer !== 'hang') {
          socket.write(mqttPacket.generate({ cmd: 'puback', messageId: packet.messageId, reasonCode: answer }, opts))
        }
      } else if (packet.cmd === 'pingreq') {
        socket.write(mqttPacket.generate({ cmd: 'pingresp' }, opts))
      } else if (packet.cmd === 'disconnect') {
        socket.end()
      }
    })
    parser.on('error', () => socket.destroy())
    socket.on('data', (chunk: Buffer) => parser.parse(chunk))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake MQTT 5 broker: no address')
  broker.url = `mqtt://127.0.0.1:${address.port}`
  return broker
}
