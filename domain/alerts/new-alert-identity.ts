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
  return { identifier: identifierOf(territory.slug, sent, randomBytes(4).toString('hex')), sender, sent }
}

// sent is whole seconds; the stamp keeps identifiers sortable, the random part (8 hex) unique
const identifierOf = (slug: string, sent: string, random: string) => `sargs:${slug}:${sent.slice(0, 19).replace(/[-:]/g, '')}:${random}`

/**
 * An identifier of the shape and length issuing will give (the random part zeros), for what a
 * preview shows before issuing — the SMS link to the alert's page counts its characters.
 */
export function previewAlertIdentifier(slug: string, now: Date = new Date()): string {
  return identifierOf(slug, formatCapTime(now), '00000000')
}
