// The dead-letter list: deliveries the dispatcher gave up on after the last retry (status DEAD),
// newest first, across the territory's alerts, with the alert, the pseudonymous recipient (as in
// the delivery report), the number of attempts and the last answer. A page at a time (keyset on
// the Delivery id, newest first).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'
import { recipientPseudonym, redactDetail } from './list-delivery-report.ts'

export type DeadLetter = {
  id: string
  alertId: string
  identifier: string
  alertStatus: AlertStatus
  headlines: Record<string, string>
  channel: string
  recipient: string
  attempts: number
  lastError: string | null
  lastHttpStatus: number | null
  /** ISO time it was dead-lettered (its last change) */
  at: string
}

export type DeadLetterPage = { rows: DeadLetter[]; next: string | null }

export async function listDeadLetters(options: {
  prisma: PrismaClient
  territoryId: string
  /** Delivery id: continue with older ones */
  before?: string | null
  limit?: number
}): Promise<DeadLetterPage> {
  const { prisma, territoryId } = options
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 50)), 500)
  if (options.before && !/^\d{1,19}$/.test(options.before)) {
    throw new AppError('INVALID_INPUT', 'bad dead-letter cursor', { fields: { before: 'errors:invalid' } })
  }
  const rows = await prisma.delivery.findMany({
    where: {
      status: 'DEAD',
      alert: { territoryId },
      ...(options.before ? { id: { lt: BigInt(options.before) } } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
    select: {
      id: true, channel: true, recipientKey: true, attempts: true, lastError: true, updatedAt: true, alertId: true,
      alert: { select: { identifier: true, status: true, payload: true } },
      attemptsLog: { orderBy: { id: 'desc' }, take: 1, select: { httpStatus: true } },
    },
  })
  const page = rows.slice(0, limit)
  return {
    rows: page.map((d) => ({
      id: d.id.toString(),
      alertId: d.alertId,
      identifier: d.alert.identifier,
      alertStatus: d.alert.status,
      headlines: headlinesOf(d.alert.payload),
      channel: d.channel,
      recipient: recipientPseudonym(d.channel, d.recipientKey),
      attempts: d.attempts,
      lastError: redactDetail(d.lastError),
      lastHttpStatus: d.attemptsLog[0]?.httpStatus ?? null,
      at: d.updatedAt.toISOString(),
    })),
    next: rows.length > limit ? page.at(-1)!.id.toString() : null,
  }
}

function headlinesOf(payload: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  const info = (payload as { info?: { language?: string; headline?: string; event?: string }[] } | null)?.info
  for (const i of Array.isArray(info) ? info : []) {
    const language = typeof i?.language === 'string' ? i.language.slice(0, 2).toLowerCase() : 'en'
    const text = i?.headline || i?.event
    if (typeof text === 'string' && text && !out[language]) out[language] = text
  }
  return out
}
