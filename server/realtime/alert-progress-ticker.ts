// Live delivery progress for the progress page: while an alert is going out, its progress
// (domain/deliveries/get-alert-progress.ts) is published as `alert.progress` to its room
// `alert:<id>` about once a second.
//
// The dispatcher may run in another process (`sargs worker`) or on another app node, so nothing
// here relies on it: the web process reads the ledger. With several app nodes only one of them
// publishes: a leader lease in the database (Setting `realtime.progressTicker`, renewed every tick
// on the database clock, taken over when it lapses). Its publishes are stored events, carried to
// every node by the Redis adapter and replayed to dashboards that reconnect, like any other event.
//
// Which alerts: those whose fan-out is not done or ended within the last hour, plus those this
// leader saw unfinished. An event is published only when the reading changed (counts or rate),
// so a finished alert costs nothing; an alert whose last published reading says `complete` is not
// read again (nothing of a complete alert changes: supersession only cancels PENDING rows).
import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { getAlertProgress, type AlertProgress } from '#domain/deliveries/get-alert-progress.ts'
import { alertRoom } from '#domain/realtime/rooms.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'

export const PROGRESS_EVENT = 'alert.progress'
export const PROGRESS_LEASE_KEY = 'realtime.progressTicker'

export type AlertProgressTickerOptions = {
  prisma: PrismaClient
  publisher: RealtimePublisher
  /** default 1000 ms */
  intervalMs?: number
  /** leadership lease; default 5 × the interval, at least 3 s */
  leaseMs?: number
  /** how long after its fan-out ended an alert is still looked at (default 1 h) */
  recentMs?: number
  nodeId?: string
}

export type AlertProgressTicker = {
  readonly nodeId: string
  /** one round (exposed for tests); returns what it published */
  tick(): Promise<{ leader: boolean; published: string[] }>
  stop(): Promise<void>
}

export function startAlertProgressTicker(options: AlertProgressTickerOptions & { autoStart?: boolean }): AlertProgressTicker {
  const { prisma, publisher } = options
  const nodeId = options.nodeId ?? randomUUID()
  const intervalMs = options.intervalMs ?? 1000
  const leaseMs = options.leaseMs ?? Math.max(3000, intervalMs * 5)
  const recentMs = options.recentMs ?? 60 * 60_000
  /** per alert: the last published reading (without its time), and whether it was complete */
  const published = new Map<string, { key: string; complete: boolean }>()
  let leader = false
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()

  async function holdLease(): Promise<boolean> {
    const rows = await prisma.$queryRawUnsafe<{ key: string }[]>(
      `INSERT INTO "Setting" ("key", "value", "createdAt", "updatedAt")
       VALUES ($1, jsonb_build_object('node', $2::text, 'until', now() + ($3::int * interval '1 millisecond')), now(), now())
       ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = now()
        WHERE ("Setting"."value"->>'node') = $2 OR ("Setting"."value"->>'until')::timestamptz < now()
       RETURNING "key"`,
      PROGRESS_LEASE_KEY,
      nodeId,
      leaseMs,
    )
    return rows.length === 1
  }

  async function tick(): Promise<{ leader: boolean; published: string[] }> {
    const wasLeader = leader
    leader = await holdLease()
    // a node that (re)gains the lease does not know what the previous leader published
    if (!leader || !wasLeader) published.clear()
    if (!leader) return { leader, published: [] }
    const recent = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT "id" FROM "Alert"
        WHERE "status" <> 'Draft' AND ("fanoutDoneAt" IS NULL OR "fanoutDoneAt" > now() - ($1::int * interval '1 millisecond'))`,
      recentMs,
    )
    const candidates = new Set([...recent.map((r) => r.id), ...[...published].filter(([, p]) => !p.complete).map(([id]) => id)])
    const out: string[] = []
    for (const id of candidates) {
      if (stopped) break
      if (!published.has(id)) {
        const last = await lastPublished(prisma, id)
        if (last) published.set(id, last)
      }
      if (published.get(id)?.complete) continue
      let progress: AlertProgress
      try {
        progress = await getAlertProgress({ prisma, alertId: id })
      } catch (error) {
        console.error(`realtime: progress of alert ${id} could not be read`, error)
        continue
      }
      const key = readingKey(progress)
      if (published.get(id)?.key === key) continue
      await publisher.publish(alertRoom(id), PROGRESS_EVENT, progress)
      published.set(id, { key, complete: progress.complete })
      out.push(id)
    }
    // forget alerts that are neither recent nor unfinished
    for (const id of published.keys()) if (!candidates.has(id)) published.delete(id)
    return { leader, published: out }
  }

  const loop = () => {
    if (stopped) return
    running = tick()
      .catch((error: unknown) => console.error('realtime: progress tick failed', error))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs)
        timer?.unref()
      })
  }
  if (options.autoStart !== false) loop()

  return {
    nodeId,
    tick,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      // hand the lease over at once instead of letting it lapse
      await prisma
        .$executeRawUnsafe(
          `UPDATE "Setting" SET "value" = jsonb_set("value", '{until}', to_jsonb(now() - interval '1 second')), "updatedAt" = now()
            WHERE "key" = $1 AND ("value"->>'node') = $2`,
          PROGRESS_LEASE_KEY,
          nodeId,
        )
        .catch(() => undefined)
    },
  }
}

/** The reading as it matters to a viewer: everything but the time it was taken. */
function readingKey(progress: AlertProgress): string {
  const { at: _at, ...rest } = progress
  return JSON.stringify(rest)
}

async function lastPublished(prisma: PrismaClient, alertId: string): Promise<{ key: string; complete: boolean } | null> {
  const event = await prisma.realtimeEvent.findFirst({
    where: { room: alertRoom(alertId), type: PROGRESS_EVENT },
    orderBy: { id: 'desc' },
    select: { payload: true },
  })
  if (!event) return null
  const payload = event.payload as unknown as AlertProgress
  return { key: readingKey(payload), complete: payload.complete === true }
}
