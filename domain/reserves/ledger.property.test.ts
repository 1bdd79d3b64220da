// Property-based test of the ledger against a model: random sequences of receipts, issues,
// transfers, write-offs and stocktakes over two warehouses and two items. The model predicts
// every refusal (more than is on hand) and every lot's balance (rotation by expiry); after each
// step the database's balances must equal the model's, never be negative, and equal the sum of
// the ledger.
import fc from 'fast-check'
import { beforeAll, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { createStaff, demoTerritory } from '#domain/incidents/test-support.ts'
import { issueStock } from './issue-stock.ts'
import { receiveStock } from './receive-stock.ts'
import { takeStocktake } from './take-stocktake.ts'
import { transferStock } from './transfer-stock.ts'
import { verifyReserveLedger } from './verify-reserve-ledger.ts'
import { writeOffStock } from './write-off-stock.ts'
import { makeItem, makeWarehouse } from './test-support.ts'

type Op =
  | { op: 'receive'; w: number; i: number; q: number; expiry: number }
  | { op: 'issue'; w: number; i: number; q: number }
  | { op: 'transfer'; w: number; i: number; q: number }
  | { op: 'writeOff'; lot: number; q: number; reason: 'EXPIRED' | 'DAMAGED' | 'LOST' }
  | { op: 'stocktake'; lot: number; counted: number }

type ModelLot = { id: string; w: number; i: number; expiresOn: number; receivedAt: number; qty: number }

const DAY = 86_400_000
const BASE = Date.UTC(2030, 0, 1)
const NOW = new Date('2026-06-10T09:00:00Z')

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('receive' as const), w: fc.nat(1), i: fc.nat(1), q: fc.integer({ min: 1, max: 40 }), expiry: fc.nat(20) }),
  fc.record({ op: fc.constant('issue' as const), w: fc.nat(1), i: fc.nat(1), q: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ op: fc.constant('transfer' as const), w: fc.nat(1), i: fc.nat(1), q: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ op: fc.constant('writeOff' as const), lot: fc.nat(30), q: fc.integer({ min: 1, max: 30 }), reason: fc.constantFrom('EXPIRED' as const, 'DAMAGED' as const, 'LOST' as const) }),
  fc.record({ op: fc.constant('stocktake' as const), lot: fc.nat(30), counted: fc.integer({ min: 0, max: 50 }) }),
)

describeEachBackend('ledger properties', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  let operator: Actor
  let territoryId: string

  beforeAll(async () => {
    prisma = db().prisma
    territoryId = (await demoTerritory(prisma)).id
    operator = await createStaff(prisma, 'OPERATOR')
  }, 120_000)

  async function expectConflict(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'CONFLICT', fields: { quantity: 'reserves:errors.insufficientStock' } })
  }

  /** rotation: soonest expiry, oldest receipt, lot id */
  const rotation = (a: ModelLot, b: ModelLot) => a.expiresOn - b.expiresOn || a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

  it('balances follow the model, never go negative, and equal the ledger', async () => {
    let seq = 0
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        const warehouses = [await makeWarehouse(prisma, operator, territoryId), await makeWarehouse(prisma, operator, territoryId)]
        const items = [await makeItem(prisma, operator), await makeItem(prisma, operator)]
        const lots: ModelLot[] = []
        const take = (w: number, i: number, q: number) => {
          const mine = lots.filter((l) => l.w === w && l.i === i && l.qty > 0).sort(rotation)
          const allocations: [ModelLot, number][] = []
          let left = q
          for (const lot of mine) {
            if (left === 0) break
            const n = Math.min(left, lot.qty)
            allocations.push([lot, n])
            left -= n
          }
          return left === 0 ? allocations : null
        }
        for (const op of ops) {
          if (op.op === 'receive') {
            seq += 1
            const receivedAt = NOW.getTime() + seq * 1000
            // distinct days, so the order never rests on a random lot id
            const expiresOn = BASE + (op.expiry * 1000 + seq) * DAY
            const { lotId } = await receiveStock({
              prisma,
              actor: operator,
              now: NOW,
              input: {
                warehouseId: warehouses[op.w].id,
                itemId: items[op.i].id,
                quantity: op.q,
                source: 'Model',
                expiresOn: new Date(expiresOn).toISOString().slice(0, 10),
                receivedAt: new Date(receivedAt).toISOString(),
              },
            })
            lots.push({ id: lotId, w: op.w, i: op.i, expiresOn, receivedAt, qty: op.q })
          } else if (op.op === 'issue') {
            const planned = take(op.w, op.i, op.q)
            const promise = issueStock({
              prisma,
              actor: operator,
              now: NOW,
              realtime: null,
              input: { target: { kind: 'recipient', label: 'Model' }, lines: [{ warehouseId: warehouses[op.w].id, itemId: items[op.i].id, quantity: op.q }] },
            })
            if (!planned) await expectConflict(promise)
            else {
              const result = await promise
              expect(result.movements.map((m) => [m.lotId, -m.quantity])).toEqual(planned.map(([l, n]) => [l.id, n]))
              for (const [l, n] of planned) l.qty -= n
            }
          } else if (op.op === 'transfer') {
            const to = 1 - op.w
            const planned = take(op.w, op.i, op.q)
            const promise = transferStock({
              prisma,
              actor: operator,
              now: NOW,
              input: { fromWarehouseId: warehouses[op.w].id, toWarehouseId: warehouses[to].id, itemId: items[op.i].id, quantity: op.q },
            })
            if (!planned) await expectConflict(promise)
            else {
              const result = await promise
              expect(result.lots.map((l) => [l.fromLotId, l.quantity])).toEqual(planned.map(([l, n]) => [l.id, n]))
              for (const [index, [l, n]] of planned.entries()) {
                l.qty -= n
                lots.push({ id: result.lots[index].toLotId, w: to, i: op.i, expiresOn: l.expiresOn, receivedAt: l.receivedAt, qty: n })
              }
            }
          } else if (lots.length > 0) {
            const lot = lots[op.lot % lots.length]
            if (op.op === 'writeOff') {
              const promise = writeOffStock({ prisma, actor: operator, now: NOW, input: { lotId: lot.id, quantity: op.q, reason: op.reason } })
              if (op.q > lot.qty) await expectConflict(promise)
              else {
                await promise
                lot.qty -= op.q
              }
            } else {
              await takeStocktake({ prisma, actor: operator, now: NOW, input: { warehouseId: warehouses[lot.w].id, counts: [{ lotId: lot.id, counted: op.counted }] } })
              lot.qty = op.counted
            }
          }
          const balances = await prisma.stockBalance.findMany({ where: { lotId: { in: lots.map((l) => l.id) } } })
          const actual = Object.fromEntries(balances.map((b) => [b.lotId, b.quantity]))
          expect(actual).toEqual(Object.fromEntries(lots.map((l) => [l.id, l.qty])))
          expect(balances.every((b) => b.quantity >= 0)).toBe(true)
        }
        const ledger = await prisma.stockMovement.groupBy({ by: ['lotId'], where: { lotId: { in: lots.map((l) => l.id) } }, _sum: { quantity: true } })
        expect(Object.fromEntries(ledger.map((g) => [g.lotId, g._sum.quantity]))).toEqual(Object.fromEntries(lots.map((l) => [l.id, l.qty])))
      }),
      { numRuns: 25 },
    )
    expect((await verifyReserveLedger({ prisma })).mismatches).toEqual([])
  }, 600_000)
})
