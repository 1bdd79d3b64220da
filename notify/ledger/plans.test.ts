// The ledger's hot statements must stay proportional to the batch, not to the ledger (decision
// 020). Each statement is run under EXPLAIN ANALYZE on a ledger of 30,000 rows whose statistics
// are as stale as they are mid fan-out (no ANALYZE since the rows came), and the plan is read:
// how many rows each node produced and how many it threw away.
import { expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import type { Db } from './db.ts'
import { claimDeliveries, reclaimExpiredLeases } from './claim.ts'
import { completeDeliveries, type Outcome } from './complete.ts'
import { issueAlert } from './issue-alert.ts'
import { deliveryStateSql } from '#tests/support/delivery-state.ts'

const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }
const POLICY = { maxAttempts: 5, backoff: { baseMs: 1000, capMs: 60_000 } }

type PlanNode = { 'Node Type': string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; 'Rows Removed by Join Filter'?: number; 'Relation Name'?: string; Plans?: PlanNode[] }

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)]
}

/**
 * A Db whose raw queries run under EXPLAIN ANALYZE (so they still take effect) and keep the plan;
 * with `only`, just the statements that contain it (the others run as they are).
 */
function explaining(db: Db, plans: PlanNode[], only?: string): Db {
  const explain = async (sql: string, ...args: unknown[]) => {
    if (only && !sql.includes(only)) return db.$queryRawUnsafe(sql, ...args)
    const rows = await db.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, ...args)
    const raw = rows[0]['QUERY PLAN']
    plans.push((typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan)
    return []
  }
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === '$queryRawUnsafe' || key === '$executeRawUnsafe') return explain
      return Reflect.get(target, key, receiver)
    },
  }) as Db
}

/** Rows read from the Delivery table by all its scans together (each loop counted). */
function deliveryRowsRead(plan: PlanNode): number {
  return nodes(plan)
    .filter((n) => n['Relation Name'] === 'Delivery' && /Scan/.test(n['Node Type']))
    .reduce((sum, n) => sum + (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops'], 0)
}

function rowsThrownAwayByJoins(plan: PlanNode): number {
  return nodes(plan).reduce((sum, n) => sum + (n['Rows Removed by Join Filter'] ?? 0) * n['Actual Loops'], 0)
}

describeEachBackend('ledger query plans', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('claim, complete and reclaim touch about as many Delivery rows as the batch, however many wait or are done', async () => {
    const prisma = db().prisma
    const alert = await issueAlert(prisma, { identifier: 'urn:plans', status: 'Actual', msgType: 'Alert', territoryId: 't', payload: {}, severity: 'Severe', area: AREA, idempotencyKey: 'plans' })
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey", "updatedAt")
       SELECT $1, 'webpush', 'r' || g, $1 || ':webpush:r' || g, now() FROM generate_series(1, 30000) g`,
      alert.id,
    )
    // the first 15,000 are done: the claim must not walk past them
    await prisma.$executeRawUnsafe(`UPDATE "Delivery" SET ${deliveryStateSql('SENT')}, "attempts" = 1 WHERE "recipientKey" IN (SELECT 'r' || g FROM generate_series(1, 15000) g)`)

    const plans: PlanNode[] = []
    // the claim itself runs for real (EXPLAIN ANALYZE of an UPDATE does the update); its RETURNING
    // rows are not returned through EXPLAIN, so the claimed ids are read back afterwards
    await claimDeliveries(explaining(prisma, plans), { channel: 'webpush', limit: 500, leaseMs: 60_000, token: 'tok-1' })
    const claimed = await prisma.delivery.findMany({ where: { leaseToken: 'tok-1' }, orderBy: { id: 'asc' } })
    expect(claimed).toHaveLength(500)
    expect(claimed[0].recipientKey).toBe('r15001')
    // an index walk in order: 500 rows and their locks, not the 15,000 pending ones sorted
    expect(deliveryRowsRead(plans[0])).toBeLessThan(1500)
    expect(nodes(plans[0]).some((n) => n['Node Type'] === 'Sort')).toBe(false)

    const outcomes: Outcome[] = claimed.map((d) => ({
      delivery: { id: d.id, alertId: d.alertId, channel: d.channel, recipientKey: d.recipientKey, attempts: d.attempts, idempotencyKey: d.idempotencyKey },
      result: { kind: 'sent', httpStatus: 201 },
    }))
    await completeDeliveries(explaining(prisma, plans), 'tok-1', outcomes, POLICY)
    expect(await prisma.delivery.count({ where: { status: 'SENT' } })).toBe(15500)
    // accepted sends are on the deliveries, not attempt rows (decision 023)
    expect(await prisma.delivery.count({ where: { sentAt: { not: null }, sentHttpStatus: 201 } })).toBe(500)
    expect(await prisma.deliveryAttempt.count()).toBe(0)
    // found by primary key: no input row compared with every SENDING row
    expect(rowsThrownAwayByJoins(plans[1])).toBe(0)
    expect(deliveryRowsRead(plans[1])).toBeLessThan(1500)

    // the sweep of expired leases: one lease of 500 run out, among 15,500 done and 14,000 waiting
    await claimDeliveries(prisma, { channel: 'webpush', limit: 500, leaseMs: 1, token: 'tok-2' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    await reclaimExpiredLeases(explaining(prisma, plans, 'WITH leases'), { maxAttempts: 5 })
    expect(await prisma.delivery.count({ where: { leaseToken: 'tok-2' } })).toBe(0)
    expect(await prisma.deliveryLease.count()).toBe(1) // tok-1's: its results were written without closing it
    expect(deliveryRowsRead(plans[2])).toBeLessThan(1500)
  })
})
