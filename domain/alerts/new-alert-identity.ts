// A fresh CAP identity for an alert Sargs originates: sender, identifier and sent time.
// sender: the `alerts.sender` setting when an administrator set one (e.g. civilprotection@jelgava.lv),
// else `sargs@<territory slug>`. identifier: readable and unique, without spaces, commas, < or &.
import { randomBytes } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { CapDateTime } from '#notify/cap/types.ts'

export const ALERT_SENDER_SETTING = 'alerts.sender'

export type AlertIdentity = { identifier: string; sender: string; sent: CapDateTime }

type Db = Pick<PrismaClient, 'territory' | 'setting'>

export async function newAlertIdentity(options: { prisma: Db; territoryId: string; now?: Date }): Promise<AlertIdentity> {
  const { prisma, territoryId } = options
  const now = options.now ?? new Date()
  const territory = await prisma.territory.findUnique({ where: { id: territoryId }, select: { slug: true } })
  if (!territory) throw new AppError('NOT_FOUND', 'Territory not found')
  const setting = await prisma.setting.findUnique({ where: { key: ALERT_SENDER_SETTING } })
  const configured = typeof setting?.value === 'string' && /^[!-~]+$/.test(setting.value) && !/[,<&]/.test(setting.value)
    ? setting.value
    : undefined
  const sender = configured ?? `sargs@${territory.slug}`
  const sent = formatCapTime(now)
  // sent is whole seconds; the stamp keeps identifiers sortable, the random part unique
  const stamp = sent.slice(0, 19).replace(/[-:]/g, '')
  const identifier = `sargs:${territory.slug}:${stamp}:${randomBytes(4).toString('hex')}`
  return { identifier, sender, sent }
}
