// The delivery report's view of MQTT deliveries (decision 022): a device group delivery
// ("group:<DeviceGroup id>") shows the acks of that group's devices for the alert, a paging group's
// audio gateway delivery ("paging:<PagingGroup id>") the acks of the gateway devices (device groups
// of kind 'gateway'). Devices are the municipality's equipment, not residents: they are named.
import type { PrismaClient } from '#generated/prisma/client.ts'

export type ReportDeviceAck = {
  /** the device's name and username */
  device: string
  username: string
  /** what it reported: received | sounded | displayed | played | ignored | failed */
  status: string
  /** ISO time Sargs received it */
  at: string
  detail: string | null
}

export type MqttReportInfo = {
  /** the group's name (device group or paging group) */
  label: Map<string, string>
  /** acks per recipientKey */
  acks: Map<string, ReportDeviceAck[]>
}

/** Names and acks for the mqtt deliveries of one alert (recipient keys of one report page). */
export async function mqttReportInfo(prisma: PrismaClient, alertId: string, recipientKeys: string[]): Promise<MqttReportInfo> {
  const label = new Map<string, string>()
  const acks = new Map<string, ReportDeviceAck[]>()
  const groupIds = recipientKeys.filter((k) => k.startsWith('group:')).map((k) => k.slice(6))
  const pagingIds = recipientKeys.filter((k) => k.startsWith('paging:')).map((k) => k.slice(7))
  if (groupIds.length === 0 && pagingIds.length === 0) return { label, acks }
  const [groups, paging, rows] = await Promise.all([
    groupIds.length ? prisma.deviceGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true } }) : [],
    pagingIds.length ? prisma.pagingGroup.findMany({ where: { id: { in: pagingIds } }, select: { id: true, name: true } }) : [],
    prisma.deviceAck.findMany({
      where: { alertId, OR: [{ device: { groupId: { in: groupIds } } }, ...(pagingIds.length ? [{ device: { group: { kind: 'gateway' } } }] : [])] },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      select: { status: true, detail: true, at: true, device: { select: { name: true, username: true, groupId: true, group: { select: { kind: true } } } } },
    }),
  ])
  for (const g of groups) label.set(`group:${g.id}`, g.name)
  for (const p of paging) label.set(`paging:${p.id}`, p.name)
  const push = (key: string, ack: ReportDeviceAck) => {
    const list = acks.get(key) ?? []
    list.push(ack)
    acks.set(key, list)
  }
  for (const row of rows) {
    const ack: ReportDeviceAck = { device: row.device.name, username: row.device.username, status: row.status, at: row.at.toISOString(), detail: row.detail }
    if (groupIds.includes(row.device.groupId)) push(`group:${row.device.groupId}`, ack)
    if (row.device.group.kind === 'gateway') for (const id of pagingIds) push(`paging:${id}`, ack)
  }
  return { label, acks }
}
