// One issued alert for its progress page: the CAP message as issued, who issued and approved it,
// what it refers to and what replaced it (Update/Cancel), and its channels.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertMsgType, AlertSeverity, AlertStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'
import type { CapAlert } from '#notify/cap/types.ts'

export type AlertLink = { id: string; identifier: string; msgType: AlertMsgType }

export type IssuedAlert = {
  id: string
  identifier: string
  status: AlertStatus
  msgType: AlertMsgType
  severity: AlertSeverity
  territoryId: string
  cap: CapAlert
  channels: string[]
  createdAt: string
  createdBy: string | null
  approvedBy: string | null
  references: AlertLink[]
  supersededAt: string | null
  supersededBy: AlertLink | null
  /** a Cancel refers to this alert: nothing more may follow it */
  cancelled: boolean
}

export async function getIssuedAlert(options: { prisma: PrismaClient; id: string }): Promise<IssuedAlert> {
  const { prisma, id } = options
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
  const alert = UUID.test(id) ? await prisma.alert.findUnique({ where: { id } }) : null
  if (!alert) throw new AppError('NOT_FOUND', `no alert ${id}`)
  const userIds = [alert.createdById, alert.approvedById].filter((x): x is string => Boolean(x))
  const linkIds = [...alert.referencedAlertIds, ...(alert.supersededById ? [alert.supersededById] : [])]
  const [users, links, cancels] = await Promise.all([
    userIds.length ? prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
    linkIds.length ? prisma.alert.findMany({ where: { id: { in: linkIds } }, select: { id: true, identifier: true, msgType: true } }) : [],
    prisma.alert.count({ where: { msgType: 'Cancel', referencedAlertIds: { has: alert.id } } }),
  ])
  const name = (userId: string | null) => (userId ? (users.find((u) => u.id === userId)?.name ?? null) : null)
  const link = (alertId: string) => links.find((l) => l.id === alertId) ?? null
  return {
    id: alert.id,
    identifier: alert.identifier,
    status: alert.status,
    msgType: alert.msgType,
    severity: alert.severity,
    territoryId: alert.territoryId,
    cap: alert.payload as unknown as CapAlert,
    channels: alert.channels,
    createdAt: alert.createdAt.toISOString(),
    createdBy: name(alert.createdById),
    approvedBy: name(alert.approvedById),
    references: alert.referencedAlertIds.map(link).filter((l): l is AlertLink => l !== null),
    supersededAt: alert.supersededAt?.toISOString() ?? null,
    supersededBy: alert.supersededById ? link(alert.supersededById) : null,
    cancelled: cancels > 0,
  }
}
