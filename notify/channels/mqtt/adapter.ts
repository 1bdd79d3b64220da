// Sirens, displays and audio paging gateways over MQTT (channel 'mqtt', decision 016). send()
// publishes ONE DeviceMessage (device-message.ts) with QoS 1 through Sargs's MqttConnection and
// says `sent` when the broker's PUBACK arrives.
//
//   const adapter = new MqttDeviceAdapter({ connection })
//   await adapter.send(buildDeviceMessage({ alert, territory, group, kind: 'alert', language: 'lv-LV' }), ctx)
//
// Results:
// - not connected, PUBACK not back within ctx.timeoutMs, connection lost before the PUBACK → retry
//   (the publish is taken back out of MQTT.js's queue, so the dispatcher's retry is the only one);
// - MQTT 5 PUBACK with a reason code ≥ 0x80 (0x87 not authorized, 0x90 topic invalid, 0x95 too
//   large …) → permanent; 0x97 quota exceeded → retry. 0x10 "no matching subscribers" is `sent`:
//   the alert is retained and queued in the devices' persistent sessions.
// - MQTT 3.1.1 (embedded broker) has no reason codes: a refused publish closes the connection → retry.
//
// QoS 1 is at-least-once: a PUBACK lost on the way back means the dispatcher publishes again and a
// device may get the message twice. Every payload carries the CAP identifier; devices drop repeats
// by it. On MQTT 5 the idempotency key also travels as the user property `sargs-idempotency-key`,
// and the message expires on the broker when the alert expires (Message Expiry Interval).
import type { IClientPublishOptions, IPublishPacket } from 'mqtt'
import type { ChannelAdapter, ChannelLimits, SendContext, SendResult } from '../contract.ts'
import type { MqttConnection } from './connection.ts'
import { serializeDevicePayload, type DeviceMessage } from './device-message.ts'
import { parseTopic } from './topics.ts'

export type MqttDeviceAdapterOptions = {
  connection: MqttConnection
  /** largest payload (bytes); small devices have small buffers (default 4096) */
  maxPayloadBytes?: number
  /** clock, for the message expiry (tests) */
  now?: () => number
}

export const MQTT_DEFAULT_MAX_PAYLOAD = 4096

/** MQTT 5 reason codes ≥ 0x80 that are worth trying again. */
const TRANSIENT_REASON_CODES = new Set([0x97 /* quota exceeded */, 0x89 /* server busy (CONNACK, DISCONNECT) */])

type PublishOutcome = { kind: 'acked' } | { kind: 'refused'; reasonCode: number; reason: string } | { kind: 'failed'; reason: string }

export class MqttDeviceAdapter implements ChannelAdapter<DeviceMessage> {
  readonly channel = 'mqtt'
  readonly limits: ChannelLimits
  private readonly connection: MqttConnection
  private readonly now: () => number
  /** publishes waiting for their PUBACK: one 'close' listener fails them all */
  private readonly inFlight = new Set<() => void>()

  constructor(options: MqttDeviceAdapterOptions) {
    this.connection = options.connection
    this.limits = { maxPayloadBytes: options.maxPayloadBytes ?? MQTT_DEFAULT_MAX_PAYLOAD }
    this.now = options.now ?? Date.now
    this.connection.client.on('close', () => {
      for (const lost of [...this.inFlight]) lost()
    })
  }

  async send(message: DeviceMessage, ctx: SendContext): Promise<SendResult> {
    const parsed = parseTopic(message.topic)
    if (!parsed || (parsed.kind !== 'alert' && parsed.kind !== 'page')) {
      return { kind: 'permanent', deadAddress: true, reason: `not a Sargs device topic: ${message.topic}` }
    }
    const body = serializeDevicePayload(message.payload)
    const size = Buffer.byteLength(body)
    const max = this.limits.maxPayloadBytes ?? MQTT_DEFAULT_MAX_PAYLOAD
    if (size > max) return { kind: 'permanent', deadAddress: false, reason: `payload ${size} bytes > ${max}` }
    const expiry = this.expirySeconds(message)
    if (expiry === 'expired') return { kind: 'permanent', deadAddress: false, reason: 'the alert has expired' }
    if (!this.connection.connected) return { kind: 'retry', reason: 'MQTT broker not connected' }

    const deadline = Date.now() + ctx.timeoutMs
    const first = await this.publish(message.topic, body, message.retain, this.properties(ctx, expiry, true), ctx.timeoutMs)
    if (first.kind !== 'acked') return this.result(first)
    if (message.clearRetained) {
      // the Cancel itself went out (devices stop); now nothing stays retained on the topic
      const left = Math.max(1, deadline - Date.now())
      const cleared = await this.publish(message.topic, '', true, this.properties(ctx, undefined, false), left)
      if (cleared.kind !== 'acked') return this.result(cleared)
    }
    return { kind: 'sent', providerMessageId: `${message.topic}#${message.payload.identifier}` }
  }

  private result(outcome: Exclude<PublishOutcome, { kind: 'acked' }>): SendResult {
    if (outcome.kind === 'failed') return { kind: 'retry', reason: outcome.reason }
    const code = `0x${outcome.reasonCode.toString(16).padStart(2, '0')}`
    if (TRANSIENT_REASON_CODES.has(outcome.reasonCode)) return { kind: 'retry', reason: `PUBACK ${code} ${outcome.reason}` }
    return { kind: 'permanent', deadAddress: false, reason: `PUBACK ${code} ${outcome.reason}` }
  }

  /** seconds until the alert expires (MQTT 5 Message Expiry Interval), undefined without expiry */
  private expirySeconds(message: DeviceMessage): number | 'expired' | undefined {
    const expires = message.payload.expires
    if (!expires) return undefined
    const at = Date.parse(expires)
    if (Number.isNaN(at)) return undefined
    const seconds = Math.ceil((at - this.now()) / 1000)
    return seconds <= 0 ? 'expired' : seconds
  }

  private properties(ctx: SendContext, expiry: number | undefined, json: boolean): IClientPublishOptions['properties'] {
    if (this.connection.protocolVersion !== 5) return undefined
    return {
      ...(json ? { payloadFormatIndicator: true, contentType: 'application/json' } : {}),
      ...(expiry !== undefined ? { messageExpiryInterval: expiry } : {}),
      userProperties: { 'sargs-idempotency-key': ctx.idempotencyKey },
    }
  }

  /** One QoS 1 publish; settles on PUBACK, refusal, connection loss or timeout (never throws). */
  private publish(
    topic: string,
    payload: string,
    retain: boolean,
    properties: IClientPublishOptions['properties'],
    timeoutMs: number,
  ): Promise<PublishOutcome> {
    const client = this.connection.client
    return new Promise<PublishOutcome>((resolve) => {
      let settled = false
      const finish = (outcome: PublishOutcome) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.inFlight.delete(onClose)
        if (outcome.kind === 'failed') withdraw()
        resolve(outcome)
      }
      // take an unacknowledged publish back out of MQTT.js: it would resend it after a reconnect,
      // a retry behind the dispatcher's back
      const withdraw = () => {
        for (const [id, entry] of Object.entries(client.outgoing)) {
          if (entry.cb === callback) client.removeOutgoingMessage(Number(id))
        }
      }
      const callback = (error?: Error, packet?: unknown) => {
        if (!error) return finish({ kind: 'acked' })
        const reasonCode = (error as { code?: unknown }).code ?? (packet as IPublishPacket & { reasonCode?: number } | undefined)?.reasonCode
        if (typeof reasonCode === 'number' && reasonCode >= 0x80) {
          return finish({ kind: 'refused', reasonCode, reason: error.message })
        }
        finish({ kind: 'failed', reason: `publish: ${error.message}` })
      }
      const onClose = () => finish({ kind: 'failed', reason: 'connection lost before PUBACK' })
      const timer = setTimeout(() => finish({ kind: 'failed', reason: `no PUBACK within ${timeoutMs} ms` }), timeoutMs)
      this.inFlight.add(onClose)
      const options: IClientPublishOptions = { qos: 1, retain, ...(properties ? { properties } : {}) }
      try {
        client.publish(topic, payload, options, callback)
      } catch (error) {
        finish({ kind: 'failed', reason: `publish: ${error instanceof Error ? error.message : String(error)}` })
      }
    })
  }
}
