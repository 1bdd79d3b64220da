// Sargs's one connection to an MQTT broker (decision 016): MQTT.js with a fixed client id and a
// persistent session, so the broker keeps Sargs's subscriptions (device acks and status) and queues
// what devices send while Sargs is away. protocolVersion 5 for an external broker (MQTT_URL,
// e.g. Mosquitto), 4 (MQTT 3.1.1) for the embedded aedes broker, which does not speak MQTT 5.
//
//   const connection = MqttConnection.open({ url, protocolVersion: 5, clientId: 'sargs-jelgava' })
//   await connection.waitConnected(10_000)          // optional: sending works once it is connected
//   connection.connected                            // false while the broker is away (it reconnects)
//   connection.subscribe(deviceReportFilters('jelgava'), (topic, payload) => …)
//   await connection.close()
//
// Reconnects every reconnectPeriodMs. The adapter (adapter.ts) publishes through it; it never
// publishes while disconnected (that would queue the message inside MQTT.js: a hidden retry).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'

export type MqttConnectionOptions = {
  /** mqtt://host:port (mqtts:// for TLS) */
  url: string
  /** 5: MQTT 5 (external broker); 4: MQTT 3.1.1 (the embedded aedes broker) */
  protocolVersion: 4 | 5
  /** fixed across restarts: the broker keeps the session under it */
  clientId: string
  username?: string
  password?: string
  /** MQTT 5: how long the broker keeps the session while Sargs is away (default 7 days) */
  sessionExpirySeconds?: number
  /** default 2000 */
  reconnectPeriodMs?: number
  /** default 10000 */
  connectTimeoutMs?: number
  /** default 30 */
  keepaliveSeconds?: number
}

export type MqttMessageHandler = (topic: string, payload: Buffer) => void

export const defaultSessionExpirySeconds = 7 * 24 * 3600

export class MqttConnection {
  readonly client: MqttClient
  readonly protocolVersion: 4 | 5
  private readonly handlers: Array<{ filters: string[]; handler: MqttMessageHandler }> = []
  /** the last error the client reported (connection refused, bad credentials …), for the status page */
  lastError: string | null = null

  private constructor(options: MqttConnectionOptions) {
    this.protocolVersion = options.protocolVersion
    const clientOptions: IClientOptions = {
      protocolVersion: options.protocolVersion,
      clientId: options.clientId,
      clean: false,
      reconnectPeriod: options.reconnectPeriodMs ?? 2000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      keepalive: options.keepaliveSeconds ?? 30,
      resubscribe: true,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.protocolVersion === 5
        ? { properties: { sessionExpiryInterval: options.sessionExpirySeconds ?? defaultSessionExpirySeconds } }
        : {}),
    }
    this.client = mqtt.connect(options.url, clientOptions)
    this.client.on('error', (error) => {
      this.lastError = error.message
    })
    this.client.on('connect', () => {
      this.lastError = null
    })
    this.client.on('message', (topic, payload) => {
      for (const { filters, handler } of this.handlers) {
        if (filters.some((filter) => topicMatches(filter, topic))) handler(topic, payload)
      }
    })
  }

  /** Starts connecting (and reconnecting) at once; does not wait. */
  static open(options: MqttConnectionOptions): MqttConnection {
    return new MqttConnection(options)
  }

  get connected(): boolean {
    return this.client.connected
  }

  /** Resolves true once connected, false after timeoutMs (never rejects). */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.client.connected) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer)
        this.client.off('connect', onConnect)
        resolve(value)
      }
      const onConnect = () => done(true)
      const timer = setTimeout(() => done(false), timeoutMs)
      this.client.on('connect', onConnect)
    })
  }

  /**
   * Subscribes QoS 1 and calls handler for each message on the filters. The subscription lives in
   * the persistent session (and MQTT.js makes it again when the broker lost the session).
   * Resolves with the granted QoS per filter (128: refused by the broker).
   */
  subscribe(filters: string[], handler: MqttMessageHandler): Promise<number[]> {
    this.handlers.push({ filters, handler })
    return new Promise((resolve, reject) => {
      this.client.subscribe(filters, { qos: 1 }, (error, granted) => {
        if (error) reject(error)
        else resolve((granted ?? []).map((g) => g.qos))
      })
    })
  }

  /** Disconnects cleanly (the session stays on the broker) and stops reconnecting. */
  close(): Promise<void> {
    // MQTT.js never calls back when the socket is already gone (broker down): do not wait then
    const gone = !this.client.connected
    return new Promise((resolve) => {
      this.client.end(gone, {}, () => resolve())
      if (gone) resolve()
    })
  }
}

/** MQTT topic filter matching: `+` one level, `#` the rest. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true
    if (i >= t.length) return false
    if (f[i] !== '+' && f[i] !== t[i]) return false
  }
  return f.length === t.length
}
