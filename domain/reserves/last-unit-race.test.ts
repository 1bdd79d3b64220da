// Fifty requests issue the last units at the same moment. On PostgreSQL each request has its own
// connection (a pool of 50), so the transactions really overlap and meet at the row locks; PGlite
// runs one transaction at a time. Either way: exactly as many succeed as there are units, the rest
// get CONFLICT naming the quantity, nothing goes negative and the ledger equals the balances.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachBackend, testDatabaseUrl, useTestDatabase } from '#tests/db.ts'
import { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { isAppError } from '#domain/errors.ts'
import { createStaff, demoTerritory } from '#domain/incidents/test-support.ts'
import { pgAdapterFactory, poolConfig } from '#server/db/pg-adapter.ts'
import { issueStock } from './issue-stock.ts'
import { receiveStock } from './receive-stock.ts'
import { transferStock } from './transfer-stock.ts'
import { verifyReserveLedger } from './verify-reserve-ledger.ts'
import { makeItem, makeWarehouse } from './test-support.ts'

const RACERS = 50

describeEachBackend('the last-unit race', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  /** PostgreSQL: a client with a connection per racer */
  let racing: PrismaClient
  let actors: Actor[]
  let territoryId: string

  beforeAll(async () => {
    prisma = db().prisma
    territoryId = (await demoTerritory(prisma)).id
    actors = [await createStaff(prisma, 'OPERATOR'), await createStaff(prisma, 'VOLUNTEER_COORDINATOR'), await createStaff(prisma, 'COMMISSION_MEMBER')]
    if (backend === 'postgres') {
      const schema = db().schema!
      const pool = { ...poolConfig({ connectionString: testDatabaseUrl() }, 'test'), max: RACERS, options: `-c search_path="${schema}"` }
      racing = new PrismaClient({ adapter: pgAdapterFactory({ pool, schema }) })
      // open the connections before the race, so the race is not a queue for connections
      await Promise.all(Array.from({ length: RACERS }, () => racing.$transaction(async (tx) => tx.$executeRaw`SELECT pg_sleep(0.05)`)))
    } else {
      racing = prisma
    }
  }, 120_000)

  afterAll(async () => {
    if (racing && racing !== prisma) await racing.$disconnect()
  })

  async function race(units: number, lots: number) {
    const operator = actors[0]
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    const per = Math.ceil(units / lots)
    for (let i = 0, left = units; i < lots; i++, left -= per) {
      await receiveStock({ prisma, actor: operator, input: { warehouseId: warehouse.id, itemId: item.id, quantity: Math.min(per, left), source: 'Test', expiresOn: `2030-01-${String(10 + i).padStart(2, '0')}` } })
    }
    const results = await Promise.allSettled(
      Array.from({ length: RACERS }, (_, i) =>
        issueStock({
          prisma: racing,
          actor: actors[i % actors.length],
          realtime: null,
          input: { target: { kind: 'recipient', label: `Saņēmējs ${i}` }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: 1 }] },
        }),
      ),
    )
    const ok = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    for (const r of refused) {
      expect(isAppError(r.reason), String(r.reason)).toBe(true)
      expect(r.reason).toMatchObject({ code: 'CONFLICT', fields: { quantity: 'reserves:errors.insufficientStock' } })
      expect(r.reason.message).toMatch(/1 l requested, 0 l available/)
    }
    const balances = await prisma.stockBalance.findMany({ where: { lot: { itemId: item.id } } })
    return { ok: ok.length, refused: refused.length, left: balances.reduce((s, b) => s + b.quantity, 0), balances, item, warehouse }
  }

  it('one unit left, fifty issues: exactly one succeeds, forty-nine are refused with CONFLICT on quantity', async () => {
    const result = await race(1, 1)
    expect(result).toMatchObject({ ok: 1, refused: RACERS - 1, left: 0 })
    expect(await prisma.stockMovement.count({ where: { itemId: result.item.id, kind: 'ISSUE' } })).toBe(1)
    expect((await verifyReserveLedger({ prisma })).mismatches).toEqual([])
  }, 120_000)

  it('seven units over three lots, fifty issues: exactly seven succeed, no lot below zero', async () => {
    const result = await race(7, 3)
    expect(result).toMatchObject({ ok: 7, refused: RACERS - 7, left: 0 })
    expect(result.balances.every((b) => b.quantity === 0)).toBe(true)
    expect((await verifyReserveLedger({ prisma })).mismatches).toEqual([])
  }, 120_000)

  it('issues and transfers of the same stock at once: no deadlock, no negative balance, ledger = balances', async () => {
    const operator = actors[0]
    const a = await makeWarehouse(prisma, operator, territoryId)
    const b = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    for (const [w, expiresOn] of [[a, '2030-02-01'], [a, '2030-03-01'], [b, '2030-02-15']] as const) {
      await receiveStock({ prisma, actor: operator, input: { warehouseId: w.id, itemId: item.id, quantity: 20, source: 'Test', expiresOn } })
    }
    const results = await Promise.allSettled(
      Array.from({ length: RACERS }, (_, i) => {
        const [from, to] = i % 2 ? [a, b] : [b, a]
        return i % 3 === 0
          ? transferStock({ prisma: racing, actor: operator, input: { fromWarehouseId: from.id, toWarehouseId: to.id, itemId: item.id, quantity: 3 } })
          : issueStock({ prisma: racing, actor: operator, realtime: null, input: { target: { kind: 'recipient', label: 'X' }, lines: [{ warehouseId: from.id, itemId: item.id, quantity: 2 }] } })
      }),
    )
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CONFLICT', fields: { quantity: 'reserves:errors.insufficientStock' } })
    }
    const issued = await prisma.stockMovement.aggregate({ where: { itemId: item.id, kind: 'ISSUE' }, _sum: { quantity: true } })
    const balances = await prisma.stockBalance.findMany({ where: { lot: { itemId: item.id } } })
    expect(balances.every((x) => x.quantity >= 0)).toBe(true)
    // stock is conserved: 60 received = what is left + what was issued (transfers net out)
    expect(balances.reduce((s, x) => s + x.quantity, 0) - (issued._sum.quantity ?? 0)).toBe(60)
    expect((await verifyReserveLedger({ prisma })).mismatches).toEqual([])
  }, 120_000)
})
