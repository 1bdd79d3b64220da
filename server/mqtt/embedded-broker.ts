// The embedded MQTT broker (aedes) for sirens, displays and paging gateways on the local network,
// used when no external broker is configured (MQTT_URL unset). Decision 016.
//
//   const broker = await startEmbeddedBroker({
//     host: '0.0.0.0', port: 1883,
//     lookupDevice: async (username) => /* database: */ ({ deviceId, territory, groups, secretHash }),
//     internal: { username: 'sargs', secretHash: hashDeviceSecret(secretMadeAtStart) },
//   })
//   const stop = broker.onEvent((event) => … 'connected' | 'disconnected' | 'ping' | 'ack' | 'status' | 'refused')
//   MqttConnection.open({ url: broker.url, protocolVersion: 4, clientId: 'sargs', username: 'sargs', password })
//   await broker.close()
//
// aedes 1.2 speaks MQTT 3.1 and 3.1.1 only: a CONNECT with protocol level 5 is answered with return
// code 1 (unacceptable protocol version). Devices and Sargs's own client use 3.1.1 here.
//
// Who may do what (topics.ts):
// - a device signs in with username = its device id, password = its secret (only its SHA-256 is
//   stored: device-secret.ts), and its MQTT client id must be its device id (so nobody can take
//   over another device's persistent session); it may subscribe only to the exact alert and page
//   topics of its groups, and publish only its own ack and status topics (its Last Will included);
// - Sargs's internal client has its own credential: it may publish the alert and page topics and
//   subscribe to anything under sargs/.
// A refused subscription is answered with SUBACK 0x80; a refused publish closes the connection (MQTT
// 3.1.1 has no PUBACK reason code). Every refusal is reported as a 'refused' event.
//
// Sessions, queued QoS 1 messages and retained alerts live in memory (aedes-persistence): they
// survive a broker restarted in the same process (pass `sessions`), not a restart of Sargs. After a
// restart, Sargs must publish the alerts in force again (retained) and devices subscribe again
// (MQTT.js and most device stacks do that when the CONNACK says session-present = 0).
import net from 'node:net'
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes'
import { parseDeviceAck, parseDeviceStatus, type DeviceAck, type DeviceStatus } from '#notify/channels/mqtt/device-message.ts'
import { ackTopic, alertTopic, pageTopic, parseTopic, statusTopic, topicRoot } from '#notify/channels/mqtt/topics.ts'
import { verifyDeviceSecret } from './device-secret.ts'

/** A device as the database knows it; groups decide what it may subscribe to. */
export type DeviceCredential = { deviceId: string; territory: string; groups: string[]; secretHash: string }

/** Finds a device by the username it signs in with (its device id); null when unknown. */
export type LookupDevice = (username: string) => Promise<DeviceCredential | null>

/** The broker's in-memory state (sessions, queued messages, retained alerts): opaque. */
export type EmbeddedBrokerSessions = { readonly __brand: 'aedes-persistence' }

export type EmbeddedBrokerOptions = {
  /** default 127.0.0.1; 0.0.0.0 for devices on the local network */
  host?: string
  /** 0: any free port (tests) */
  port: number
  lookupDevice: LookupDevice
  /** Sargs's own client */
  internal: { username: string; secretHash: string }
  /** the state of an earlier broker in this process, to restart it with its sessions */
  sessions?: EmbeddedBrokerSessions
  now?: () => Date
}

export type BrokerEvent =
  | { kind: 'connected'; deviceId: string; territory: string; at: Date }
  | { kind: 'disconnected'; deviceId: string; territory: string; at: Date }
  /** a keep-alive PINGREQ: the device is there (for "last seen") */
  | { kind: 'ping'; deviceId: string; territory: string; at: Date }
  | { kind: 'ack'; deviceId: string; territory: string; ack: DeviceAck; at: Date }
  | { kind: 'status'; deviceId: string; territory: string; status: DeviceStatus; at: Date }
  | {
      kind: 'refused'
      action: 'connect' | 'publish' | 'subscribe'
      clientId: string | null
      username: string | null
      topic?: string
      reason: string
      at: Date
    }

export type EmbeddedBroker = {
  host: string
  port: number
  /** mqtt://host:port, for Sargs's own MqttConnection (0.0.0.0 becomes 127.0.0.1) */
  url: string
  onEvent(listener: (event: BrokerEvent) => void): () => void
  /** device ids connected now */
  connectedDevices(): string[]
  sessions: EmbeddedBrokerSessions
  close(): Promise<void>
}

type Identity = { kind: 'internal' } | { kind: 'device'; device: DeviceCredential }

const CONNECT_BAD_CREDENTIALS = 4
const CONNECT_IDENTIFIER_REJECTED = 2
const CONNECT_SERVER_UNAVAILABLE = 3

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const now = options.now ?? (() => new Date())
  const host = options.host ?? '127.0.0.1'
  const identities = new WeakMap<Client, Identity>()
  const listeners = new Set<(event: BrokerEvent) => void>()
  const emit = (event: BrokerEvent) => {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch {
        // a listener's failure must not reach the broker
      }
    }
  }
  const refuse = (client: Client | null, action: 'connect' | 'publish' | 'subscribe', reason: string, topic?: string) => {
    const identity = client ? identities.get(client) : undefined
    emit({
      kind: 'refused',
      action,
      clientId: client?.id ?? null,
      username: identity?.kind === 'device' ? identity.device.deviceId : identity?.kind === 'internal' ? options.internal.username : null,
      ...(topic !== undefined ? { topic } : {}),
      reason,
      at: now(),
    })
  }

  const authenticate: AedesOptions['authenticate'] = (client, username, password, done) => {
    const fail = (returnCode: number, reason: string) => {
      refuse(client, 'connect', reason)
      const error = Object.assign(new Error(reason), { returnCode }) as AuthenticateError
      done(error, false)
    }
    if (!username) return fail(CONNECT_BAD_CREDENTIALS, 'no username')
    if (username === options.internal.username) {
      if (!verifyDeviceSecret(password, options.internal.secretHash)) return fail(CONNECT_BAD_CREDENTIALS, 'bad internal credential')
      identities.set(client, { kind: 'internal' })
      return done(null, true)
    }
    options.lookupDevice(username).then(
      (device) => {
        if (!device || !verifyDeviceSecret(password, device.secretHash)) return fail(CONNECT_BAD_CREDENTIALS, `bad credentials for ${username}`)
        if (client.id !== device.deviceId) return fail(CONNECT_IDENTIFIER_REJECTED, `client id ${client.id} is not device ${device.deviceId}`)
        identities.set(client, { kind: 'device', device })
        done(null, true)
      },
      () => fail(CONNECT_SERVER_UNAVAILABLE, 'device lookup failed'),
    )
  }

  const authorizePublish: AedesOptions['authorizePublish'] = (client, packet, done) => {
    const identity = client ? identities.get(client) : undefined
    const parsed = parseTopic(packet.topic)
    let allowed = false
    if (!client) {
      // a stored Last Will published after a broker restart, its client long gone
      allowed = parsed?.kind === 'status'
    } else if (identity?.kind === 'internal') {
      allowed = parsed?.kind === 'alert' || parsed?.kind === 'page'
    } else if (identity?.kind === 'device') {
      const { territory, deviceId } = identity.device
      allowed = packet.topic === ackTopic(territory, deviceId) || packet.topic === statusTopic(territory, deviceId)
    }
    if (allowed) return done(null)
    refuse(client, 'publish', 'topic not allowed', packet.topic)
    done(new Error(`publish to ${packet.topic} not allowed`))
  }

  const authorizeSubscribe: AedesOptions['authorizeSubscribe'] = (client, subscription, done) => {
    const identity = identities.get(client)
    let allowed = false
    if (identity?.kind === 'internal') {
      allowed = subscription.topic.startsWith(`${topicRoot}/`)
    } else if (identity?.kind === 'device') {
      allowed = deviceSubscriptions(identity.device).has(subscription.topic)
    }
    if (allowed) return done(null, subscription)
    refuse(client, 'subscribe', 'topic not allowed', subscription.topic)
    done(null, null) // SUBACK 0x80 for this filter; the connection stays
  }

  const broker = await Aedes.createBroker({
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    ...(options.sessions ? { persistence: options.sessions } : {}),
  })

  broker.on('clientReady', (client) => {
    const identity = identities.get(client)
    if (identity?.kind !== 'device') return
    emit({ kind: 'connected', deviceId: identity.device.deviceId, territory: identity.device.territory, at: now() })
  })
  broker.on('clientDisconnect', (client) => {
    const identity = identities.get(client)
    if (identity?.kind !== 'device') return
    emit({ kind: 'disconnected', deviceId: identity.device.deviceId, territory: identity.device.territory, at: now() })
  })
  broker.on('ping', (_packet, client) => {
    const identity = identities.get(client)
    if (identity?.kind !== 'device') return
    emit({ kind: 'ping', deviceId: identity.device.deviceId, territory: identity.device.territory, at: now() })
  })
  broker.on('publish', (packet, client) => {
    const identity = client ? identities.get(client) : undefined
    const parsed = parseTopic(packet.topic)
    if (!parsed || (parsed.kind !== 'ack' && parsed.kind !== 'status')) return
    // only what the device itself sent (or its stored will after a restart)
    if (identity && (identity.kind !== 'device' || identity.device.deviceId !== parsed.deviceId)) return
    if (parsed.kind === 'ack') {
      const ack = parseDeviceAck(packet.payload as Buffer)
      if (!ack) return refuse(client, 'publish', 'unreadable ack', packet.topic)
      emit({ kind: 'ack', deviceId: parsed.deviceId, territory: parsed.territory, ack, at: now() })
    } else {
      const status = parseDeviceStatus(packet.payload as Buffer)
      if (!status) return
      emit({ kind: 'status', deviceId: parsed.deviceId, territory: parsed.territory, status, at: now() })
    }
  })

  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    broker.handle(socket)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    throw error
  }
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('embedded MQTT broker: no address')
  const port = address.port
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host

  return {
    host,
    port,
    url: `mqtt://${urlHost}:${port}`,
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    connectedDevices() {
      const ids: string[] = []
      for (const [id, client] of Object.entries((broker as unknown as { clients: Record<string, Client> }).clients)) {
        if (identities.get(client)?.kind === 'device') ids.push(id)
      }
      return ids
    },
    sessions: (broker as unknown as { persistence: EmbeddedBrokerSessions }).persistence,
    async close() {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await serverClosed
      listeners.clear()
    },
  }
}

/** The exact topics a device may subscribe to: alert and page of each of its groups. */
function deviceSubscriptions(device: DeviceCredential): Set<string> {
  const topics = new Set<string>()
  for (const group of device.groups) {
    try {
      topics.add(alertTopic(device.territory, group))
      topics.add(pageTopic(device.territory, group))
    } catch {
      // a group name that cannot be a topic segment grants nothing
    }
  }
  return topics
}
