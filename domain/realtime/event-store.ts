// The realtime event store: every published event is a RealtimeEvent row first, so a dashboard
// that reconnects can be sent what it missed. Ids come from one sequence and are handed out under
// one advisory lock held until commit, so the order of ids is the order of commits: when event N
// is visible, every event below N that will ever exist is visible too. That makes "every event
// after id X" a complete answer, across any number of app processes.
import type { Prisma } from '#generated/prisma/client.ts'
import type { RealtimeEventMessage } from './protocol.ts'

/** pg_advisory_xact_lock key serialising event inserts and pruning ("sargs" in ASCII) */
export const REALTIME_LOCK_KEY = 0x7361726773n
/** Setting key holding the highest event id that pruning may have removed */
export const PRUNED_THROUGH_KEY = 'realtime.prunedThrough'

export type RealtimeEventRecord = {
  id: bigint
  /** the previous event in the same room at insert time (null for the first) */
  prev: bigint | null
  room: string
  type: string
  payload: unknown
  createdAt: Date
}

/** Take the realtime lock for the rest of the transaction. */
export async function lockRealtimeEvents(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REALTIME_LOCK_KEY.toString()})`)
}

export function toEventMessage(event: RealtimeEventRecord): RealtimeEventMessage {
  return {
    id: event.id.toString(),
    prev: event.prev === null ? null : event.prev.toString(),
    room: event.room,
    type: event.type,
    payload: event.payload,
    at: event.createdAt.toISOString(),
  }
}
