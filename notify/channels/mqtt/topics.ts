// The MQTT topic layout for sirens, displays and audio paging gateways (decision 016). One place
// builds and reads every topic, so the broker's ACLs, the adapter and the devices agree.
//
//   sargs/{territory}/{group}/alert                 Sargs → devices   retained: the alert in force
//   sargs/{territory}/{group}/page                  Sargs → gateways  a page for the group, its language
//   sargs/{territory}/device/{deviceId}/ack         device → Sargs    identifier + what it did
//   sargs/{territory}/device/{deviceId}/status      device → Sargs    online/offline (Last Will), retained
//
// A segment (territory, group, device id) is 1–64 characters of [A-Za-z0-9_-]: never '/', '+', '#'
// or '$', so one name can never reach into another's topics. The group name `device` is reserved.

export const topicRoot = 'sargs'

const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/

/** Whether a territory, group or device id can be a topic segment. */
export function isTopicSegment(value: string): boolean {
  return SEGMENT.test(value)
}

/** Whether a group name is usable (a segment, and not the reserved `device`). */
export function isGroupName(value: string): boolean {
  return isTopicSegment(value) && value !== 'device'
}

function segment(value: string, what: string): string {
  if (!isTopicSegment(value)) throw new Error(`MQTT topic: ${what} "${value}" is not 1-64 of [A-Za-z0-9_-]`)
  return value
}

function group(value: string): string {
  if (!isGroupName(value)) throw new Error(`MQTT topic: group "${value}" is not a usable group name`)
  return value
}

/**
 * The topic segment of a paging group's audio gateway: `paging-{PagingGroup id}` (a paging group has
 * no slug; its id is stable across renames). Device group slugs may not start with `paging-`.
 */
export function pagingGroupSegment(pagingGroupId: string): string {
  return `paging-${pagingGroupId}`
}

export function alertTopic(territory: string, groupName: string): string {
  return `${topicRoot}/${segment(territory, 'territory')}/${group(groupName)}/alert`
}

export function pageTopic(territory: string, groupName: string): string {
  return `${topicRoot}/${segment(territory, 'territory')}/${group(groupName)}/page`
}

export function ackTopic(territory: string, deviceId: string): string {
  return `${topicRoot}/${segment(territory, 'territory')}/device/${segment(deviceId, 'device id')}/ack`
}

export function statusTopic(territory: string, deviceId: string): string {
  return `${topicRoot}/${segment(territory, 'territory')}/device/${segment(deviceId, 'device id')}/status`
}

/** The subscriptions Sargs makes to hear its devices in one territory. */
export function deviceReportFilters(territory: string): string[] {
  const t = segment(territory, 'territory')
  return [`${topicRoot}/${t}/device/+/ack`, `${topicRoot}/${t}/device/+/status`]
}

export type ParsedTopic =
  | { kind: 'alert' | 'page'; territory: string; group: string }
  | { kind: 'ack' | 'status'; territory: string; deviceId: string }

/** Reads a topic of the layout; null for anything else (wildcards, other roots, bad segments). */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/')
  if (parts[0] !== topicRoot || !parts.slice(1).every(isTopicSegment)) return null
  if (parts.length === 4 && (parts[3] === 'alert' || parts[3] === 'page') && isGroupName(parts[2])) {
    return { kind: parts[3], territory: parts[1], group: parts[2] }
  }
  if (parts.length === 5 && parts[2] === 'device' && (parts[4] === 'ack' || parts[4] === 'status')) {
    return { kind: parts[4], territory: parts[1], deviceId: parts[3] }
  }
  return null
}
