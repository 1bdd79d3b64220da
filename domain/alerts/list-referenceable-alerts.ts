// The alerts an Update, Cancel or all-clear can refer to: issued here, in force (not expired, not
// superseded by a later Update or Cancel), newest first.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { pickInfo } from '#notify/cap/languages.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { alertExpiresMs } from '#notify/feeds/select-alerts.ts'
import { referenceText } from './composer-values.ts'
import { areaNameOf } from './compose-alert.ts'

export type ReferenceableAlert = {
  id: string
  /** CAP reference "sender,identifier,sent": the composer's value */
  reference: string
  identifier: string
  status: string
  msgType: string
  headline: string
  areaName: string
  sent: string
}

export async function listReferenceableAlerts(options: {
  prisma: PrismaClient
  territoryId: string
  /** headline language */
  language: string
  now?: Date
  limit?: number
}): Promise<ReferenceableAlert[]> {
  const now = (options.now ?? new Date()).getTime()
  const rows = await options.prisma.alert.findMany({
    where: { territoryId: options.territoryId, supersededAt: null, msgType: { in: ['Alert', 'Update'] }, status: { not: 'Draft' } },
    orderBy: { createdAt: 'desc' },
    take: options.limit ?? 100,
    select: { id: true, payload: true },
  })
  const out: ReferenceableAlert[] = []
  for (const row of rows) {
    const alert = row.payload as unknown as CapAlert
    const expires = alertExpiresMs(alert)
    if (expires !== undefined && expires <= now) continue
    const info = pickInfo(alert, options.language)
    out.push({
      id: row.id,
      reference: referenceText(alert),
      identifier: alert.identifier,
      status: alert.status,
      msgType: alert.msgType,
      headline: info?.headline ?? info?.event ?? alert.identifier,
      areaName: areaNameOf(alert),
      sent: alert.sent,
    })
  }
  return out
}
