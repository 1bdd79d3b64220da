// Keep realtime events for a bounded time. Deletes a prefix of the id sequence (every event up to
// the newest one older than the cutoff) and remembers how far it went, so a client whose last
// seen id is below that mark is told to resync instead of being sent an incomplete replay.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { PRUNED_THROUGH_KEY, lockRealtimeEvents } from './event-store.ts'

export const REALTIME_RETENTION_MS = 24 * 60 * 60_000

export async function pruneRealtimeEvents(options: {
  prisma: PrismaClient
  now?: Date
  retentionMs?: number
}): Promise<{ deleted: number; prunedThrough: bigint }> {
  const now = options.now ?? new Date()
  const cutoff = new Date(now.getTime() - (options.retentionMs ?? REALTIME_RETENTION_MS))
  return options.prisma.$transaction(async (tx) => {
    await lockRealtimeEvents(tx)
    const current = await tx.setting.findUnique({ where: { key: PRUNED_THROUGH_KEY } })
    const previous = typeof current?.value === 'string' ? BigInt(current.value) : 0n
    const newestOld = await tx.realtimeEvent.findFirst({
      where: { createdAt: { lt: cutoff } },
      orderBy: { id: 'desc' },
      select: { id: true },
    })
    if (!newestOld || newestOld.id <= previous) return { deleted: 0, prunedThrough: previous }
    const { count } = await tx.realtimeEvent.deleteMany({ where: { id: { lte: newestOld.id } } })
    const value = newestOld.id.toString()
    await tx.setting.upsert({
      where: { key: PRUNED_THROUGH_KEY },
      create: { key: PRUNED_THROUGH_KEY, value },
      update: { value },
    })
    return { deleted: count, prunedThrough: newestOld.id }
  })
}
