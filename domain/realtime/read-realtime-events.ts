// Replay for dashboards that (re)subscribe: per room, every stored event after the id the client
// last saw, in id order — or "resync" when some of them are no longer kept (pruned) or there are
// too many to send. Read the events first and the prune mark second: a prune that lands between
// the two makes the answer a (safe) resync, never a silent gap.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { PRUNED_THROUGH_KEY, type RealtimeEventRecord } from './event-store.ts'

export const REPLAY_LIMIT = 500

export type RoomReplayRecord =
  | { resync: false; events: RealtimeEventRecord[]; head: bigint }
  | { resync: true; head: bigint }

export async function readRealtimeEvents(options: {
  prisma: PrismaClient
  /** per room: the last id seen, or null for "from now on" */
  rooms: { room: string; since: bigint | null }[]
  limit?: number
}): Promise<Record<string, RoomReplayRecord>> {
  const { prisma } = options
  const limit = options.limit ?? REPLAY_LIMIT
  // The newest id first: every event up to it is committed, so it is visible to the reads below;
  // any event committed later has a higher id and (the caller joined the rooms already) is
  // emitted to the client live. So the client may treat everything up to `head` as known.
  const cursor = await readRealtimeCursor({ prisma })
  const read = await Promise.all(
    options.rooms.map(async ({ room, since }) => {
      if (since === null) return { room, since, rows: [], truncated: false }
      const rows = await prisma.realtimeEvent.findMany({
        where: { room, id: { gt: since } },
        orderBy: { id: 'asc' },
        take: limit + 1,
      })
      return { room, since, rows, truncated: rows.length > limit }
    }),
  )
  const prunedThrough = await readPrunedThrough(prisma)
  const max = (...ids: bigint[]) => ids.reduce((a, b) => (b > a ? b : a))
  const result: Record<string, RoomReplayRecord> = {}
  for (const { room, since, rows, truncated } of read) {
    if (since !== null && (since < prunedThrough || truncated)) {
      result[room] = { resync: true, head: max(cursor, prunedThrough) }
      continue
    }
    let prev: bigint | null = since
    const events = rows.map((row) => {
      const event: RealtimeEventRecord = { ...row, prev }
      prev = row.id
      return event
    })
    result[room] = { resync: false, events, head: max(cursor, prunedThrough, since ?? 0n, rows.at(-1)?.id ?? 0n) }
  }
  return result
}

/** The highest id pruning may have removed (0 when nothing was ever pruned). */
export async function readPrunedThrough(prisma: PrismaClient): Promise<bigint> {
  const row = await prisma.setting.findUnique({ where: { key: PRUNED_THROUGH_KEY } })
  return typeof row?.value === 'string' ? BigInt(row.value) : 0n
}

/**
 * The newest event id overall. A loader that wants a gapless live view reads this BEFORE its
 * data and hands it to useRealtime as `since`: every event after the data was read is replayed.
 */
export async function readRealtimeCursor(options: { prisma: PrismaClient }): Promise<bigint> {
  const newest = await options.prisma.realtimeEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } })
  return newest?.id ?? 0n
}
