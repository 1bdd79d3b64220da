// Unsubscribe in one tap: the browser proves it owns the subscription with its endpoint and auth
// secret (both known only to that browser and to us). Its pending deliveries are cancelled in the
// same transaction, so nothing more is sent to it.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { subscriptionErrors } from './limits.ts'
import { validateUnsubscribe } from './validate-subscription.ts'
import { CANCEL_PENDING_SQL, PENDING_SQL } from '#notify/ledger/pending.ts'

const WEB_PUSH_CHANNEL = 'webpush'

export async function removeSubscription(options: { prisma: PrismaClient; input: unknown }): Promise<{ removed: true }> {
  const { endpoint, auth } = validateUnsubscribe(options.input)
  const removed = await options.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `DELETE FROM "PushSubscription" WHERE "endpoint" = $1 AND "auth" = $2 RETURNING "id"`,
      endpoint,
      auth,
    )
    if (rows.length === 0) return false
    await tx.$executeRawUnsafe(
      `UPDATE "Delivery" SET ${CANCEL_PENDING_SQL}, "lastError" = 'unsubscribed', "updatedAt" = now()
        WHERE "channel" = $1 AND "recipientKey" = $2 AND ${PENDING_SQL}`,
      WEB_PUSH_CHANNEL,
      rows[0].id,
    )
    return true
  })
  // the same answer for "no such endpoint" and "wrong secret": nothing to learn from it
  if (!removed) {
    throw new AppError('NOT_FOUND', 'no such subscription', { fields: { endpoint: subscriptionErrors.subscriptionNotFound } })
  }
  return { removed: true }
}
