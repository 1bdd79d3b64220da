// The app process's MQTT side (decisions 016, 022): either Sargs's connection to an external broker
// (MQTT_URL, MQTT 5, e.g. Mosquitto: device credentials and ACLs are that broker's business) or
// the embedded aedes broker on MQTT_HOST:MQTT_PORT (MQTT 3.1.1) signing devices in from the Device
// table (enabled devices only) with Sargs's own client on a secret made at start. Either way Sargs
// subscribes to every device's ack and status topic (sargs/+/device/+/ack|status) in its persistent
// session and writes what comes back (domain/devices/device-reports.ts); with the embedded broker,
// connects and keep-alive pings also count as "seen".
//
//   const mqtt = await startMqtt({ prisma, config: env.mqtt, log })
//   buildDispatcher({ …, mqtt: mqtt?.adapter }); … await mqtt?.close()
import { randomBytes } from 'node:crypto'
import { recordDeviceAck, DeviceSeenWriter } from '#domain/devices/device-reports.ts'
import { deviceCredentialByUsername } from '#domain/devices/devices.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import { MqttConnection } from '#notify/channels/mqtt/connection.ts'
import { parseDeviceAck, parseDeviceStatus } from '#notify/channels/mqtt/device-message.ts'
import { parseTopic, topicRoot } from '#notify/channels/mqtt/topics.ts'
import { hashDeviceSecret } from './device-secret.ts'
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts'

export type MqttConfig =
  | { kind: 'external'; url: string; username?: string; password?: string; clientId: string; /** default 7 days */ sessionExpirySeconds?: number }
  | { kind: 'embedded'; host: string; port: number }

export type MqttService = {
  kind: 'external' | 'embedded'
  adapter: MqttDeviceAdapter
  connection: MqttConnection
  broker?: EmbeddedBroker
  /** where devices connect (embedded) or where Sargs connects (external), without credentials */
  url: string
  close(): Promise<void>
}

export type MqttLog = { info(message: string): void; warn(message: string): void }

/** Every device's reports, whatever the territory: each report is checked against its device. */
export const deviceReportWildcards = [`${topicRoot}/+/device/+/ack`, `${topicRoot}/+/device/+/status`]

export async function startMqtt(options: {
  prisma: PrismaClient
  config: MqttConfig
  log?: MqttLog
  /** last-seen write interval per device (default 60 s) */
  seenIntervalMs?: number
}): Promise<MqttService> {
  const log = options.log ?? { info: (m) => console.log(m), warn: (m) => console.warn(m) }
  const seen = new DeviceSeenWriter(options.prisma, {
    intervalMs: options.seenIntervalMs,
    onError: (error) => log.warn(`MQTT: writing a device's last seen failed: ${String(error)}`),
  })
  let broker: EmbeddedBroker | undefined
  let connection: MqttConnection
  let url: string
  if (options.config.kind === 'embedded') {
    const internalPassword = randomBytes(32).toString('base64url')
    broker = await startEmbeddedBroker({
      host: options.config.host,
      port: options.config.port,
      lookupDevice: (username) => deviceCredentialByUsername(options.prisma, username),
      internal: { username: 'sargs', secretHash: hashDeviceSecret(internalPassword) },
    })
    broker.onEvent((event) => {
      if (event.kind === 'connected' || event.kind === 'ping') void seen.seen(event.deviceId, event.at)
      else if (event.kind === 'refused') log.warn(`MQTT: refused ${event.action} of ${event.username ?? event.clientId ?? '?'}${event.topic ? ` on ${event.topic}` : ''}: ${event.reason}`)
    })
    url = `mqtt://${options.config.host.includes(':') ? `[${options.config.host}]` : options.config.host}:${broker.port}`
    connection = MqttConnection.open({ url: broker.url, protocolVersion: 4, clientId: 'sargs', username: 'sargs', password: internalPassword })
  } else {
    url = redactUrl(options.config.url)
    connection = MqttConnection.open({
      url: options.config.url,
      protocolVersion: 5,
      clientId: options.config.clientId,
      ...(options.config.sessionExpirySeconds !== undefined ? { sessionExpirySeconds: options.config.sessionExpirySeconds } : {}),
      ...(options.config.username !== undefined ? { username: options.config.username } : {}),
      ...(options.config.password !== undefined ? { password: options.config.password } : {}),
    })
  }

  const handle = async (topic: string, payload: Buffer) => {
    const parsed = parseTopic(topic)
    if (!parsed || (parsed.kind !== 'ack' && parsed.kind !== 'status')) return
    const at = new Date()
    if (parsed.kind === 'status') {
      const status = parseDeviceStatus(payload)
      // a retained "offline" (the Last Will) says when it went, not that it is there
      if (status?.state === 'online') await seen.seen(parsed.deviceId, at)
      return
    }
    const ack = parseDeviceAck(payload)
    if (!ack) {
      log.warn(`MQTT: unreadable ack on ${topic} ignored`)
      return
    }
    const outcome = await recordDeviceAck(options.prisma, { territory: parsed.territory, username: parsed.deviceId, ack, at })
    if (outcome === 'recorded' || outcome === 'duplicate') seen.noteWritten(parsed.deviceId, at)
    else log.warn(`MQTT: ack of ${ack.identifier} from ${parsed.territory}/${parsed.deviceId} ignored (${outcome})`)
  }
  connection
    .subscribe(deviceReportWildcards, (topic, payload) => {
      handle(topic, payload).catch((error: unknown) => log.warn(`MQTT: a device report on ${topic} failed: ${String(error)}`))
    })
    .then(
      (granted) => {
        if (granted.some((q) => q >= 0x80)) log.warn(`MQTT: the broker refused Sargs's subscription to device reports (${granted.join(', ')})`)
      },
      (error: unknown) => log.warn(`MQTT: subscribing to device reports failed: ${String(error)} (MQTT.js subscribes again on reconnect)`),
    )

  const adapter = new MqttDeviceAdapter({ connection })
  return {
    kind: options.config.kind,
    adapter,
    connection,
    ...(broker ? { broker } : {}),
    url,
    async close() {
      await connection.close()
      await broker?.close()
    },
  }
}

function redactUrl(value: string): string {
  try {
    const u = new URL(value)
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return '(unreadable MQTT_URL)'
  }
}
