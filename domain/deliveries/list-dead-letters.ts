// The dead-letter list as staff see it: the ledger's list (notify/ledger/list-dead-letters.ts:
// deliveries that will not be tried again — DEAD after the last attempt, FAILED on a permanent
// answer — newest first, keyset-paged) with the recipient as the report's pseudonym, provider
// texts cut to URL origins, and the alert's headline per language.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'
import { listDeadLetters as listLedgerDeadLetters, type DeadLetterStatus } from '#notify/ledger/list-dead-letters.ts'
import { recipientPseudonym, redactDetail } from './list-delivery-report.ts'

export type DeadLetter = {
  id: string
  status: DeadLetterStatus
  alertId: string
  identifier: string
  alertStatus: AlertStatus
  headlines: Record<string, string>
  channel: string
  recipient: string
  attempts: number
  lastError: string | null
  lastHttpStatus: number | null
  /** ISO time it was given up (its last change) */
  at: string
}

export type DeadLetterPage = { rows: DeadLetter[]; next: string | null; total: number }

export async function listDeadLetters(options: {
  prisma: PrismaClient
  /** Delivery id: continue with older ones */
  before?: string | null
  limit?: number
}): Promise<DeadLetterPage> {
  const { prisma } = options
  if (options.before && !/^\d{1,19}$/.test(options.before)) {
    throw new AppError('INVALID_INPUT', 'bad dead-letter cursor', { fields: { before: 'errors:invalid' } })
  }
  const page = await listLedgerDeadLetters(prisma, { cursor: options.before ?? null, take: options.limit ?? 50 })
  const alertIds = [...new Set(page.items.map((i) => i.alert.id))]
  const payloads = alertIds.length
    ? await prisma.alert.findMany({ where: { id: { in: alertIds } }, select: { id: true, payload: true } })
    : []
  const headlines = new Map(payloads.map((a) => [a.id, headlinesOf(a.payload)]))
  return {
    rows: page.items.map((item) => ({
      id: item.id,
      status: item.status,
      alertId: item.alert.id,
      identifier: item.alert.identifier,
      alertStatus: item.alert.status as AlertStatus,
      headlines: headlines.get(item.alert.id) ?? {},
      channel: item.channel,
      recipient: recipientPseudonym(item.channel, item.recipientKey),
      attempts: item.attempts,
      lastError: redactDetail(item.reason ?? item.lastAttempt?.detail ?? null),
      lastHttpStatus: item.lastAttempt?.httpStatus ?? null,
      at: item.updatedAt.toISOString(),
    })),
    next: page.nextCursor,
    total: page.total,
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
