// Decision 028: Delivery.alertId has no per-row foreign key; one trigger per INSERT statement
// checks (and locks FOR KEY SHARE) the alerts its rows name, and an alert with deliveries cannot be
// deleted or renumbered. These are the foreign key's guarantees, tested as such on both backends;
// the races between an insert and a delete on PostgreSQL, where two connections can race.
import { expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { composeAlert, demoTerritory, issue } from '#notify/dispatch/fixtures/engine-support.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { sqlState } from './fan-out.ts'

const insertSql = `INSERT INTO "Delivery" ("alertId", "channel", "recipientKey", "idempotencyKey")
  SELECT a, 'phone', r, a || ':phone:' || r FROM unnest($1::text[], $2::text[]) AS x(a, r)`

function insert(db: Pick<PrismaClient, '$executeRawUnsafe'>, rows: [alertId: string, recipientKey: string][]): Promise<number> {
  return db.$executeRawUnsafe(insertSql, rows.map((r) => r[0]), rows.map((r) => r[1]))
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (error: unknown) => error)

describeEachBackend('a delivery and its alert (decision 028)', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  async function twoAlerts(prisma: PrismaClient): Promise<[string, string]> {
    const territory = await demoTerritory(prisma)
    // 'phone' with no paging group picked: the fan-out makes no rows of its own
    return [await issue(prisma, await composeAlert(prisma, territory), ['phone']), await issue(prisma, await composeAlert(prisma, territory), ['phone'])]
  }

  it('an INSERT whose rows name an alert that does not exist is refused as a whole; one naming existing alerts is not', async () => {
    const prisma = db().prisma
    const [a, b] = await twoAlerts(prisma)
    const error = await failure(insert(prisma, [[a, 'p1'], ['no-such-alert', 'p2'], [b, 'p3']]))
    expect(sqlState(error)).toBe('23503')
    expect(String(error)).toContain('Delivery_alertId_fkey')
    expect(await prisma.delivery.count()).toBe(0)
    expect(await insert(prisma, [[a, 'p1'], [b, 'p2'], [a, 'p3']])).toBe(3)
    // an INSERT that inserts nothing (ON CONFLICT) passes too
    expect(await prisma.$executeRawUnsafe(`${insertSql} ON CONFLICT DO NOTHING`, [a], ['p1'])).toBe(0)
    expect(await prisma.delivery.count()).toBe(3)
  })

  it('an alert with deliveries is neither deleted nor renumbered; one without is deleted; a delivery keeps its alert', async () => {
    const prisma = db().prisma
    const [a, b] = await twoAlerts(prisma)
    await insert(prisma, [[a, 'p1']])
    expect(sqlState(await failure(prisma.$executeRawUnsafe(`DELETE FROM "Alert" WHERE "id" = $1`, a)))).toBe('23503')
    expect(sqlState(await failure(prisma.$executeRawUnsafe(`UPDATE "Alert" SET "id" = 'renumbered' WHERE "id" = $1`, a)))).toBe('23503')
    expect(await prisma.alert.count({ where: { id: a } })).toBe(1)
    // other columns of the alert change as before
    await prisma.alert.update({ where: { id: a }, data: { fanoutDoneAt: new Date() } })
    const delivery = await prisma.delivery.findFirstOrThrow({ where: { alertId: a } })
    expect(sqlState(await failure(prisma.$executeRawUnsafe(`UPDATE "Delivery" SET "alertId" = $1 WHERE "id" = $2`, b, delivery.id)))).toBe('23503')
    // setting the same value is no change, and other columns change as before
    await prisma.$executeRawUnsafe(`UPDATE "Delivery" SET "alertId" = $1, "attempts" = 2 WHERE "id" = $2`, a, delivery.id)
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ alertId: a, attempts: 2 })
    expect(await prisma.$executeRawUnsafe(`DELETE FROM "Alert" WHERE "id" = $1`, b)).toBe(1)
  })

  it.skipIf(backend !== 'postgres')('an insert racing a delete: whichever locks the alert first wins, and no delivery is left without its alert', async () => {
    const prisma = db().prisma
    const [a, b] = await twoAlerts(prisma)
    // hold a transaction open after `first`, run `second` on another connection meanwhile
    async function race(first: (tx: PrismaClient) => Promise<unknown>, second: () => Promise<unknown>) {
      let release!: () => void
      let started!: () => void
      const isStarted = new Promise<void>((resolve) => (started = resolve))
      const held = prisma.$transaction(async (tx) => {
        await first(tx as unknown as PrismaClient)
        started()
        await new Promise<void>((resolve) => (release = resolve))
      }, { timeout: 20_000 })
      await isStarted
      let settled = false
      const other = failure(second()).finally(() => (settled = true))
      await new Promise((resolve) => setTimeout(resolve, 300))
      // the second waits for the first's lock on the alert
      expect(settled).toBe(false)
      release()
      await held
      return other
    }

    // the delete first: the insert waits, then finds the alert gone and is refused
    const refusedInsert = await race((tx) => tx.$executeRawUnsafe(`DELETE FROM "Alert" WHERE "id" = $1`, b), () => insert(prisma, [[b, 'p1']]))
    expect(sqlState(refusedInsert)).toBe('23503')
    expect(await prisma.delivery.count({ where: { alertId: b } })).toBe(0)

    // the insert first: the delete waits, then sees the committed deliveries and is refused
    const refusedDelete = await race((tx) => insert(tx, [[a, 'p1'], [a, 'p2']]), () => prisma.$executeRawUnsafe(`DELETE FROM "Alert" WHERE "id" = $1`, a))
    expect(sqlState(refusedDelete)).toBe('23503')
    expect(await prisma.alert.count({ where: { id: a } })).toBe(1)
    expect(await prisma.delivery.count({ where: { alertId: a } })).toBe(2)
  })
})
