// What Sargs publishes to sirens, displays and audio paging gateways, and what they send back
// (decision 016). Messages are JSON (UTF-8), one object per MQTT message, keys always in the order
// written here so the bytes are stable. Every message carries the CAP identifier of the message it
// comes from: MQTT QoS 1 is at-least-once, so a device drops a message whose identifier it has seen.
//
//   buildDeviceMessage({ alert, territory, group, kind, language, pattern? })  → DeviceMessage
//   serializeDevicePayload(payload)                                            → the exact bytes
//   parseDeviceAck(bytes) / parseDeviceStatus(bytes)                           → typed or null
import type { CapAlert, CapInfo, CapSeverity, CapUrgency } from '#notify/cap/types.ts'
import { alertTopic, pageTopic } from './topics.ts'

/** What a siren controller or display does with the message. */
export type DeviceCommand = 'alert' | 'all-clear' | 'test' | 'cancel'

export type DevicePayload = {
  /** `alert`: sirens and displays (topic …/alert); `page`: audio paging gateways (…/page) */
  kind: 'alert' | 'page'
  /** the CAP identifier of this message: devices drop a message whose identifier they have seen */
  identifier: string
  msgType: 'Alert' | 'Update' | 'Cancel'
  /** identifiers of the earlier messages this one updates or cancels */
  references: string[]
  command: DeviceCommand
  /** the siren pattern configured for the group (e.g. `wail-3min`); null: the device's default */
  pattern: string | null
  /** the device group this was addressed to (its topic segment) */
  group: string
  /** page only: the paging group's name as people know it (the topic names it by id) */
  groupName?: string
  severity: CapSeverity
  urgency: CapUrgency
  headline: string
  instruction: string
  /** page only: the text a paging gateway reads out (headline, then instruction) */
  text?: string
  /** CAP language tag of the texts, e.g. lv-LV */
  language: string
  /** CAP date-times (with offset) */
  sent: string
  expires: string | null
}

export type DeviceMessage = {
  /** sargs/{territory}/{group}/alert or …/page (topics.ts) */
  topic: string
  payload: DevicePayload
  /** kept by the broker for devices that subscribe later (the alert in force) */
  retain: boolean
  /** a Cancel: after the payload, clear the retained alert with an empty retained message */
  clearRetained: boolean
}

export type BuildDeviceMessageOptions = {
  alert: CapAlert
  territory: string
  group: string
  kind: 'alert' | 'page'
  /** the group's language as a CAP tag (lv-LV …): its info block is used, else the first one */
  language: string
  /** the group's siren pattern, if it has one */
  pattern?: string | null
  /** the group's name as people know it (pages: the paging group's name) */
  groupName?: string
}

/** The message for one device group: the info block in the group's language, no translation. */
export function buildDeviceMessage(options: BuildDeviceMessageOptions): DeviceMessage {
  const { alert, kind } = options
  if (alert.msgType !== 'Alert' && alert.msgType !== 'Update' && alert.msgType !== 'Cancel') {
    throw new Error(`device message: msgType ${alert.msgType} is not sent to devices`)
  }
  const info = pickInfo(alert.info, options.language)
  const headline = info?.headline ?? info?.event ?? ''
  const instruction = info?.instruction ?? ''
  const payload: DevicePayload = {
    kind,
    identifier: alert.identifier,
    msgType: alert.msgType,
    references: alert.references.map((r) => r.identifier),
    command: commandOf(alert, info),
    pattern: options.pattern ?? null,
    group: options.group,
    ...(options.groupName !== undefined ? { groupName: options.groupName } : {}),
    severity: info?.severity ?? 'Unknown',
    urgency: info?.urgency ?? 'Unknown',
    headline,
    instruction,
    ...(kind === 'page' ? { text: [headline, instruction].filter(Boolean).join('. ') } : {}),
    language: info?.language ?? options.language,
    sent: alert.sent,
    expires: info?.expires ?? null,
  }
  const cancel = alert.msgType === 'Cancel'
  return {
    topic: kind === 'alert' ? alertTopic(options.territory, options.group) : pageTopic(options.territory, options.group),
    payload,
    // a page is announced once; the alert in force stays retained until a Cancel clears it
    retain: kind === 'alert' && !cancel,
    clearRetained: kind === 'alert' && cancel,
  }
}

function pickInfo(infos: CapInfo[], language: string): CapInfo | undefined {
  const lower = language.toLowerCase()
  return (
    infos.find((i) => i.language.toLowerCase() === lower) ??
    infos.find((i) => i.language.slice(0, 2).toLowerCase() === lower.slice(0, 2)) ??
    infos[0]
  )
}

function commandOf(alert: CapAlert, info: CapInfo | undefined): DeviceCommand {
  if (alert.msgType === 'Cancel') return 'cancel'
  if (info?.responseType.includes('AllClear')) return 'all-clear'
  if (alert.status === 'Test') return 'test'
  return 'alert'
}

/** The exact bytes of a payload: JSON with the keys in DevicePayload's order. */
export function serializeDevicePayload(payload: DevicePayload): string {
  const ordered: Record<string, unknown> = {
    kind: payload.kind,
    identifier: payload.identifier,
    msgType: payload.msgType,
    references: payload.references,
    command: payload.command,
    pattern: payload.pattern,
    group: payload.group,
  }
  if (payload.groupName !== undefined) ordered.groupName = payload.groupName
  Object.assign(ordered, {
    severity: payload.severity,
    urgency: payload.urgency,
    headline: payload.headline,
    instruction: payload.instruction,
  })
  if (payload.text !== undefined) ordered.text = payload.text
  ordered.language = payload.language
  ordered.sent = payload.sent
  ordered.expires = payload.expires
  return JSON.stringify(ordered)
}

/** What a device did with a message (its ack). */
export const deviceAckActions = ['received', 'sounded', 'displayed', 'played', 'ignored', 'failed'] as const
export type DeviceAckAction = (typeof deviceAckActions)[number]

/** sargs/{territory}/device/{deviceId}/ack: {"identifier":…,"action":…,"at":…,"detail"?:…} */
export type DeviceAck = { identifier: string; action: DeviceAckAction; at: string | null; detail?: string }

/** sargs/{territory}/device/{deviceId}/status, retained; the Last Will says offline. */
export type DeviceStatus = { state: 'online' | 'offline'; at: string | null; detail?: string }

export function parseDeviceAck(bytes: Buffer | string): DeviceAck | null {
  const value = parseObject(bytes)
  if (!value) return null
  const { identifier, action, at, detail } = value
  if (typeof identifier !== 'string' || identifier.length === 0 || identifier.length > 255) return null
  if (typeof action !== 'string' || !(deviceAckActions as readonly string[]).includes(action)) return null
  return {
    identifier,
    action: action as DeviceAckAction,
    at: typeof at === 'string' ? at.slice(0, 40) : null,
    ...(typeof detail === 'string' ? { detail: detail.slice(0, 500) } : {}),
  }
}

export function parseDeviceStatus(bytes: Buffer | string): DeviceStatus | null {
  const value = parseObject(bytes)
  if (!value) return null
  const { state, at, detail } = value
  if (state !== 'online' && state !== 'offline') return null
  return {
    state,
    at: typeof at === 'string' ? at.slice(0, 40) : null,
    ...(typeof detail === 'string' ? { detail: detail.slice(0, 500) } : {}),
  }
}

function parseObject(bytes: Buffer | string): Record<string, unknown> | null {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8')
  if (text.length === 0 || text.length > 4096) return null
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}
