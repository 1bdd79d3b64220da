import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { closeIncident } from '#domain/incidents/close-incident.ts'
import { createIncident } from '#domain/incidents/create-incident.ts'
import { centreSquare, createStaff, demoTerritory, recordingPublisher } from '#domain/incidents/test-support.ts'
import { calculateNeeds, neededQuantity } from './calculate-needs.ts'
import { getReservesReport } from './get-reserves-report.ts'
import { getStockCard } from './get-stock-card.ts'
import { issueStock } from './issue-stock.ts'
import { listBelowMinimum } from './list-below-minimum.ts'
import { listExpiringLots } from './list-expiring-lots.ts'
import { listIssueTargets } from './list-issue-targets.ts'
import { listItemAvailability } from './list-item-availability.ts'
import { listStockLots } from './list-stock-lots.ts'
import { receiveStock } from './receive-stock.ts'
import { reservesReportCsv } from './reserves-report-csv.ts'
import { setMinimumLevel } from './set-minimum-level.ts'
import { stockCardCsv } from './stock-card-csv.ts'
import { takeStocktake } from './take-stocktake.ts'
import { transferStock } from './transfer-stock.ts'
import { verifyReserveLedger } from './verify-reserve-ledger.ts'
import { writeOffStock } from './write-off-stock.ts'
import { makeItem, makeWarehouse, refusal } from './test-support.ts'

const NOW = new Date('2026-06-10T09:00:00Z')

describeEachBackend('material reserves', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  let operator: Actor & { id: string }
  let trainer: Actor
  let coordinator: Actor
  let territoryId: string

  beforeAll(async () => {
    prisma = db().prisma
    territoryId = (await demoTerritory(prisma)).id
    operator = await createStaff(prisma, 'OPERATOR', 'Anna Bērziņa')
    trainer = await createStaff(prisma, 'TRAINER')
    coordinator = await createStaff(prisma, 'VOLUNTEER_COORDINATOR')
  }, 120_000)

  const balanceOf = async (lotId: string) => (await prisma.stockBalance.findUniqueOrThrow({ where: { lotId } })).quantity
  const counts = async () => ({
    movements: await prisma.stockMovement.count(),
    lots: await prisma.stockLot.count(),
    audit: await prisma.auditLog.count(),
    log: await prisma.incidentLogEntry.count(),
  })
  const receive = (warehouseId: string, itemId: string, quantity: number, expiresOn: string | null, extra: Record<string, unknown> = {}) =>
    receiveStock({ prisma, actor: operator, now: NOW, input: { warehouseId, itemId, quantity, expiresOn, source: 'Valsts rezerves', ...extra } })

  it('the demo seed is a sound ledger: balances equal the sum of movements, nothing negative', async () => {
    const verified = await verifyReserveLedger({ prisma })
    expect(verified.lots).toBeGreaterThan(15)
    expect(verified.mismatches).toEqual([])
    expect(await prisma.warehouse.count({ where: { demo: true } })).toBe(3)
    const water = await prisma.reserveItem.findUniqueOrThrow({ where: { code: 'WATER-BOTTLED' } })
    expect(Number(water.normQuantity)).toBe(3)
    expect(water.normBasis).toBe('PERSON_DAY')
  })

  it('a receipt is a new lot with a RECEIPT movement; the expiry defaults to the shelf life; audited', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator, { shelfLifeDays: 365 })
    const before = await counts()
    const { lotId } = await receive(warehouse.id, item.id, 500, null)
    expect(await balanceOf(lotId)).toBe(500)
    const lot = await prisma.stockLot.findUniqueOrThrow({ where: { id: lotId } })
    expect(lot.expiresOn?.toISOString().slice(0, 10)).toBe('2027-06-10')
    const after = await counts()
    expect(after.movements - before.movements).toBe(1)
    expect(after.audit - before.audit).toBe(1)
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'reserves.received', entityId: lotId } })
    expect(audit.actorId).toBe(operator.id)
    const bad = await refusal(receiveStock({ prisma, actor: operator, input: { warehouseId: warehouse.id, itemId: item.id, quantity: '-3', source: '' } }))
    expect(bad.code).toBe('INVALID_INPUT')
    expect(bad.fields).toMatchObject({ quantity: 'reserves:errors.quantity', source: 'reserves:errors.required' })
  })

  it('issues rotate: soonest-expiring usable lots first, lots without expiry last, expired lots never', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    const far = await receive(warehouse.id, item.id, 100, '2027-12-31')
    const none = await receive(warehouse.id, item.id, 100, null)
    const soon = await receive(warehouse.id, item.id, 30, '2026-07-01')
    const expired = await receive(warehouse.id, item.id, 50, '2026-06-09')
    const result = await issueStock({
      prisma,
      actor: operator,
      now: NOW,
      input: { target: { kind: 'recipient', label: 'Jelgavas Sarkanais Krusts' }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: 180 }] },
    })
    expect(result.movements.map((m) => [m.lotId, m.quantity])).toEqual([
      [soon.lotId, -30],
      [far.lotId, -100],
      [none.lotId, -50],
    ])
    expect(await balanceOf(expired.lotId)).toBe(50)
    expect(await balanceOf(none.lotId)).toBe(50)
    // 50 usable left (the expired 50 do not count)
    const error = await refusal(
      issueStock({ prisma, actor: operator, now: NOW, input: { target: { kind: 'recipient', label: 'X' }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: 51 }] } }),
    )
    expect(error.code).toBe('CONFLICT')
    expect(error.fields).toEqual({ quantity: 'reserves:errors.insufficientStock' })
    expect(error.message).toContain('50 l available')
    // the expired lot cannot be named either
    const named = await refusal(
      issueStock({
        prisma,
        actor: operator,
        now: NOW,
        input: { target: { kind: 'recipient', label: 'X' }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: 5, lots: [{ lotId: expired.lotId, quantity: 5 }] }] },
      }),
    )
    expect(named.fields).toEqual({ lots: 'reserves:errors.lotExpired' })
    // explicit lots are honoured
    const explicit = await issueStock({
      prisma,
      actor: operator,
      now: NOW,
      input: { target: { kind: 'recipient', label: 'X' }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: 10, lots: [{ lotId: none.lotId, quantity: 10 }] }] },
    })
    expect(explicit.movements.map((m) => [m.lotId, m.quantity])).toEqual([[none.lotId, -10]])
    // two lines over the same lots share the balance; the second line is refused by its field
    const twoLines = await refusal(
      issueStock({
        prisma,
        actor: operator,
        now: NOW,
        input: {
          target: { kind: 'recipient', label: 'X' },
          lines: [
            { warehouseId: warehouse.id, itemId: item.id, quantity: 30 },
            { warehouseId: warehouse.id, itemId: item.id, quantity: 30 },
          ],
        },
      }),
    )
    expect(twoLines.fields).toEqual({ 'lines.1.quantity': 'reserves:errors.insufficientStock' })
    expect(await balanceOf(none.lotId)).toBe(40)
  })

  it('an issue to an incident writes its event log in the same transaction and publishes the entry', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator, { nameLv: 'Vilnas sega', unit: 'pcs', category: 'SHELTER' })
    await receive(warehouse.id, item.id, 20, null)
    const incident = await createIncident({ prisma, actor: operator, realtime: null, input: { title: 'Plūdi Pasta salā', type: 'FLOOD', severity: 'SEVERE', area: centreSquare() } })
    const realtime = recordingPublisher()
    const result = await issueStock({
      prisma,
      actor: coordinator,
      now: NOW,
      realtime,
      input: { target: { kind: 'incident', id: incident.id }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: '12' }], note: 'Evakuētajiem' },
    })
    expect(result.target.label).toBe(`${incident.reference} Plūdi Pasta salā`)
    const entries = await prisma.incidentLogEntry.findMany({ where: { incidentId: incident.id } })
    expect(entries).toHaveLength(1)
    expect(entries[0].body).toBe(`Izsniegti materiālie resursi: 12 pcs Vilnas sega (${warehouse.name}). Evakuētajiem`)
    expect(result.logEntry?.id).toBe(entries[0].id)
    expect(realtime.events.map((e) => [e.room, e.type])).toEqual([
      [`territory:${incident.territoryId}`, 'log-entry.created'],
      [`incident:${incident.id}`, 'log-entry.created'],
    ])
    const movements = await prisma.stockMovement.findMany({ where: { operationId: result.operationId } })
    expect(movements.every((m) => m.targetKind === 'incident' && m.targetId === incident.id)).toBe(true)
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'reserves.issued', entityId: result.operationId } })
    expect((audit.data as { logEntryId: string }).logEntryId).toBe(entries[0].id)

    // a refused issue leaves no log entry behind
    const before = await counts()
    const refused = await refusal(
      issueStock({ prisma, actor: operator, now: NOW, input: { target: { kind: 'incident', id: incident.id }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: 9 }] } }),
    )
    expect(refused.code).toBe('CONFLICT')
    expect(await counts()).toEqual(before)

    await closeIncident({ prisma, actor: operator, id: incident.id, realtime: null, input: { note: 'Beigts' } })
    const late = await refusal(
      issueStock({ prisma, actor: operator, now: NOW, input: { target: { kind: 'incident', id: incident.id }, lines: [{ warehouseId: warehouse.id, itemId: item.id, quantity: 1 }] } }),
    )
    expect(late).toMatchObject({ code: 'CONFLICT', fields: { 'target.id': 'reserves:errors.targetClosed' } })
  })

  it('targets: a shelter (logged in the incident it was opened for), a recipient needs a name, unknown ones are refused', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator, { nameLv: 'Higiēnas komplekts', unit: 'set', category: 'HYGIENE' })
    await receive(warehouse.id, item.id, 5, null)
    const line = { warehouseId: warehouse.id, itemId: item.id, quantity: 1 }
    const issue = (target: unknown) => refusal(issueStock({ prisma, actor: operator, input: { target, lines: [line] } }))
    const incident = await createIncident({ prisma, actor: operator, realtime: null, input: { title: 'Vētra', type: 'STORM', severity: 'MODERATE', area: centreSquare(1) } })
    const shelter = await prisma.shelter.create({
      data: {
        territoryId,
        code: `T-${Date.now()}`,
        name: 'Sporta halle',
        kind: 'SHORT_STAY',
        address: 'Kronvalda iela 1',
        lng: 23.72,
        lat: 56.65,
        capacityDay: 100,
        capacityNight: 80,
        qrToken: crypto.randomUUID(),
        status: 'OPEN',
        incidentId: incident.id,
      },
    })
    const toShelter = await issueStock({ prisma, actor: operator, realtime: null, input: { target: { kind: 'shelter', id: shelter.id }, lines: [{ ...line, quantity: 2 }] } })
    expect(toShelter.target).toEqual({ kind: 'shelter', id: shelter.id, label: `${shelter.code} Sporta halle` })
    expect(toShelter.logEntry?.incidentId).toBe(incident.id)
    expect(toShelter.logEntry?.body).toBe(`Izsniegti materiālie resursi patvertnei ${shelter.code} Sporta halle: 2 set Higiēnas komplekts (${warehouse.name}).`)
    expect((await issue({ kind: 'shelter', id: crypto.randomUUID() })).fields).toEqual({ 'target.id': 'reserves:errors.targetNotFound' })
    expect((await issue({ kind: 'recipient', label: '  ' })).fields).toEqual({ 'target.label': 'reserves:errors.required' })
    expect((await issue({ kind: 'incident', id: crypto.randomUUID() })).fields).toEqual({ 'target.id': 'reserves:errors.targetNotFound' })
    expect((await issue({ kind: 'warehouse' })).fields).toEqual({ 'target.kind': 'reserves:errors.invalid' })
  })

  it('a transfer is two legs in one transaction: the destination lot keeps expiry, source and age', async () => {
    const from = await makeWarehouse(prisma, operator, territoryId)
    const to = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    const a = await receive(from.id, item.id, 40, '2026-08-01', { receivedAt: '2026-01-02T10:00:00Z' })
    const b = await receive(from.id, item.id, 40, '2026-09-01')
    const result = await transferStock({ prisma, actor: operator, now: NOW, input: { fromWarehouseId: from.id, toWarehouseId: to.id, itemId: item.id, quantity: 50, note: 'Uz Miera ielu' } })
    expect(result.lots.map((l) => [l.fromLotId, l.quantity])).toEqual([
      [a.lotId, 40],
      [b.lotId, 10],
    ])
    const moved = await prisma.stockLot.findUniqueOrThrow({ where: { id: result.lots[0].toLotId } })
    expect(moved).toMatchObject({ warehouseId: to.id, originLotId: a.lotId, source: 'Valsts rezerves' })
    expect(moved.expiresOn?.toISOString().slice(0, 10)).toBe('2026-08-01')
    expect(moved.receivedAt.toISOString()).toBe('2026-01-02T10:00:00.000Z')
    const legs = await prisma.stockMovement.findMany({ where: { operationId: result.operationId }, orderBy: { id: 'asc' } })
    expect(legs.map((m) => [m.kind, m.quantity, m.warehouseId, m.counterpartWarehouseId])).toEqual([
      ['TRANSFER_OUT', -40, from.id, to.id],
      ['TRANSFER_IN', 40, to.id, from.id],
      ['TRANSFER_OUT', -10, from.id, to.id],
      ['TRANSFER_IN', 10, to.id, from.id],
    ])
    expect(await balanceOf(b.lotId)).toBe(30)
    const same = await refusal(transferStock({ prisma, actor: operator, input: { fromWarehouseId: from.id, toWarehouseId: from.id, itemId: item.id, quantity: 1 } }))
    expect(same.fields).toEqual({ toWarehouseId: 'reserves:errors.sameWarehouse' })
    const tooMuch = await refusal(transferStock({ prisma, actor: operator, now: NOW, input: { fromWarehouseId: from.id, toWarehouseId: to.id, itemId: item.id, quantity: 31 } }))
    expect(tooMuch).toMatchObject({ code: 'CONFLICT', fields: { quantity: 'reserves:errors.insufficientStock' } })
  })

  it('write-offs need a reason and never exceed the lot; a stocktake books the difference only', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    const lot = await receive(warehouse.id, item.id, 100, '2026-06-01')
    const w = await writeOffStock({ prisma, actor: operator, input: { lotId: lot.lotId, quantity: 60, reason: 'EXPIRED' } })
    expect(w.remaining).toBe(40)
    expect((await refusal(writeOffStock({ prisma, actor: operator, input: { lotId: lot.lotId, quantity: 41, reason: 'LOST' } }))).fields).toEqual({
      quantity: 'reserves:errors.insufficientStock',
    })
    expect((await refusal(writeOffStock({ prisma, actor: operator, input: { lotId: lot.lotId, quantity: 1, reason: 'STOLEN' } }))).fields).toEqual({
      reason: 'reserves:errors.reason',
    })
    const other = await receive(warehouse.id, item.id, 10, null)
    const take = await takeStocktake({
      prisma,
      actor: operator,
      input: {
        warehouseId: warehouse.id,
        counts: [
          { lotId: lot.lotId, counted: 37 },
          { lotId: other.lotId, counted: '10' },
        ],
      },
    })
    expect(take.corrections).toEqual([{ lotId: lot.lotId, before: 40, counted: 37 }])
    expect(await balanceOf(lot.lotId)).toBe(37)
    const stranger = await makeWarehouse(prisma, operator, territoryId)
    const wrong = await refusal(takeStocktake({ prisma, actor: operator, input: { warehouseId: stranger.id, counts: [{ lotId: lot.lotId, counted: 1 }] } }))
    expect(wrong.fields).toEqual({ 'counts.0.lotId': 'reserves:errors.lotNotFound' })
  })

  it('the database keeps the ledger append-only and the balances derived and never negative', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    const lot = await receive(warehouse.id, item.id, 3, null)
    const refused = async (sql: string) => {
      const error = await prisma.$executeRawUnsafe(sql).then(
        () => null,
        (e: unknown) => e as Error,
      )
      expect(error, sql).not.toBeNull()
      return String(error?.message)
    }
    expect(await refused(`UPDATE "StockMovement" SET quantity = 30 WHERE "lotId" = '${lot.lotId}'`)).toContain('append-only')
    expect(await refused(`DELETE FROM "StockMovement" WHERE "lotId" = '${lot.lotId}'`)).toContain('append-only')
    expect(await refused(`UPDATE "StockLot" SET source = 'x' WHERE id = '${lot.lotId}'`)).toContain('append-only')
    expect(await refused(`UPDATE "StockBalance" SET quantity = 300 WHERE "lotId" = '${lot.lotId}'`)).toContain('derived')
    const insert = (kind: string, quantity: number, extra = '') =>
      `INSERT INTO "StockMovement" ("operationId", kind, "lotId", "warehouseId", "itemId", quantity, "actorLabel", "occurredAt"${extra ? ', reason' : ''})
       VALUES ('op', '${kind}', '${lot.lotId}', '${warehouse.id}', '${item.id}', ${quantity}, 'test', now()${extra ? `, '${extra}'` : ''})`
    expect(await refused(insert('WRITE_OFF', -4, 'LOST'))).toContain('StockBalance_not_negative')
    expect(await refused(insert('RECEIPT', -1))).toContain('StockMovement_quantity_sign')
    expect(await refused(insert('WRITE_OFF', -1))).toContain('StockMovement_write_off_reason')
    expect(await balanceOf(lot.lotId)).toBe(3)
    expect((await verifyReserveLedger({ prisma })).mismatches).toEqual([])
  })

  it('stock card: every movement with the running balance; CSV with BOM, language header and neutralised formulas', async () => {
    const a = await makeWarehouse(prisma, operator, territoryId)
    const b = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    const lot = await receive(a.id, item.id, 100, null, { note: '=HYPERLINK("http://evil")' })
    await issueStock({ prisma, actor: operator, input: { target: { kind: 'recipient', label: '+371 Pensionāru biedrība; "Zemgale"' }, lines: [{ warehouseId: a.id, itemId: item.id, quantity: 25 }] } })
    await transferStock({ prisma, actor: operator, input: { fromWarehouseId: a.id, toWarehouseId: b.id, itemId: item.id, quantity: 30 } })
    await writeOffStock({ prisma, actor: operator, input: { lotId: lot.lotId, quantity: 5, reason: 'DAMAGED' } })
    const card = await getStockCard({ prisma, actor: trainer, itemId: item.id })
    expect(card.rows.map((r) => [r.kind, r.quantity, r.balance])).toEqual([
      ['RECEIPT', 100, 100],
      ['ISSUE', -25, 75],
      ['TRANSFER_OUT', -30, 45],
      ['TRANSFER_IN', 30, 75],
      ['WRITE_OFF', -5, 70],
    ])
    const cardA = await getStockCard({ prisma, actor: trainer, itemId: item.id, warehouseId: a.id })
    expect(cardA.balance).toBe(40)
    const csv = await stockCardCsv({ prisma, actor: trainer, itemId: item.id, language: 'lv' })
    expect(csv.startsWith('\uFEFFNr.;Laiks (UTC);')).toBe(true)
    const lines = csv.split('\r\n')
    expect(lines).toHaveLength(7)
    expect(lines[1]).toContain(`;'=HYPERLINK(""http://evil"");`.replace(`;'=`, `;"'=`).replace('"");', '"")";'))
    expect(lines[2]).toContain(`"'+371 Pensionāru biedrība; ""Zemgale"""`)
    const en = await stockCardCsv({ prisma, actor: trainer, itemId: item.id, warehouseId: a.id, language: 'en' })
    expect(en.split('\r\n')[0]).toBe('\uFEFFNo.,Time (UTC),Recorded (UTC),Movement,Warehouse,Other warehouse,Lot,Expires,Quantity,Balance,Target kind,Target,Reason,Note,By')
  })

  it('report, below-minimum and expiring lists; minimum levels are set and removed', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator, { expiryWarningDays: 30 })
    const tins = await makeItem(prisma, operator, { unit: 'pcs', category: 'FOOD', nameEn: '=1+1' })
    await receive(warehouse.id, item.id, 100, '2026-06-20') // expiring soon
    await receive(warehouse.id, item.id, 50, '2026-06-01') // expired
    await receive(warehouse.id, item.id, 200, '2027-01-01')
    await setMinimumLevel({ prisma, actor: operator, input: { warehouseId: warehouse.id, itemId: item.id, quantity: 400 } })
    await setMinimumLevel({ prisma, actor: operator, input: { warehouseId: warehouse.id, itemId: tins.id, quantity: 10 } })
    const report = await getReservesReport({ prisma, actor: coordinator, warehouseId: warehouse.id, now: NOW })
    expect(report.rows.map((r) => [r.item.code, r.usable, r.expiringSoon, r.expired, r.minimum, r.belowMinimum, r.nearestExpiry])).toEqual(
      [
        // by category: FOOD before WATER
        [tins.code, 0, 0, 0, 10, true, null],
        [item.code, 300, 100, 50, 400, true, '2026-06-20'],
      ],
    )
    const below = (await listBelowMinimum({ prisma, actor: coordinator, now: NOW })).filter((r) => r.warehouseId === warehouse.id)
    expect(below.map((r) => [r.item.code, r.missing])).toEqual([
      [tins.code, 10],
      [item.code, 100],
    ])
    const expiring = await listExpiringLots({ prisma, actor: coordinator, warehouseId: warehouse.id, now: NOW })
    expect(expiring.map((l) => [l.expiresOn, l.expiry])).toEqual([
      ['2026-06-01', 'expired'],
      ['2026-06-20', 'expiring'],
    ])
    const lots = await listStockLots({ prisma, actor: coordinator, warehouseId: warehouse.id, itemId: item.id, now: NOW })
    expect(lots.map((l) => l.expiresOn)).toEqual(['2026-06-01', '2026-06-20', '2027-01-01'])
    await setMinimumLevel({ prisma, actor: operator, input: { warehouseId: warehouse.id, itemId: tins.id, quantity: 0 } })
    expect(await prisma.minimumLevel.count({ where: { warehouseId: warehouse.id } })).toBe(1)
    const csv = await reservesReportCsv({ prisma, actor: coordinator, warehouseId: warehouse.id, language: 'en', now: NOW })
    expect(csv.split('\r\n')[1]).toBe(`${warehouse.name},${item.code},Drinking water,WATER,l,300,100,50,400,yes,2026-06-20,3`)
  })

  it('needs calculator: norms × people × days, on hand nearest first, what to take, shortfall', async () => {
    expect(neededQuantity({ normQuantity: 3, normBasis: 'PERSON_DAY' }, 100, 72)).toBe(900)
    expect(neededQuantity({ normQuantity: 0.02, normBasis: 'PERSON' }, 120, 72)).toBe(3)
    expect(neededQuantity({ normQuantity: 0.1, normBasis: 'PERSON_DAY' }, 3, 24)).toBe(1)
    expect(neededQuantity({ normQuantity: null, normBasis: null }, 100, 72)).toBe(0)
    // the demo reserves: 500 people for 72 hours from Pasta sala
    const needs = await calculateNeeds({ prisma, actor: coordinator, territoryId, now: NOW, input: { people: '500', lng: '23.727', lat: '56.651' } })
    expect(needs.hours).toBe(72)
    const water = needs.rows.find((r) => r.item.code === 'WATER-BOTTLED')!
    expect(water.needed).toBe(4500)
    const total = water.sources.reduce((s, x) => s + x.take, 0)
    expect(total).toBe(Math.min(4500, water.onHand))
    expect(water.shortfall).toBe(Math.max(0, 4500 - water.onHand))
    const distances = water.sources.map((s) => s.distanceKm!)
    expect(distances).toEqual([...distances].sort((x, y) => x - y))
    expect(needs.rows.some((r) => r.item.code === 'SANDBAG')).toBe(false)
    const blankets = needs.rows.find((r) => r.item.code === 'BLANKET-WOOL')!
    expect(blankets.needed).toBe(500)
    const bad = await refusal(calculateNeeds({ prisma, actor: coordinator, input: { people: 0 } }))
    expect(bad.fields).toEqual({ people: 'reserves:errors.invalid' })
  })

  it('availability of an item: usable stock per active warehouse, nearest first; issue targets with their points', async () => {
    const near = await makeWarehouse(prisma, operator, territoryId, [23.72, 56.65])
    const far = await makeWarehouse(prisma, operator, territoryId, [23.78, 56.63])
    const item = await makeItem(prisma, operator)
    await receive(far.id, item.id, 500, '2027-01-01')
    await receive(near.id, item.id, 20, '2026-12-01')
    await receive(near.id, item.id, 70, '2026-05-01') // expired: not available
    const nearest = await listItemAvailability({ prisma, actor: coordinator, itemId: item.id, point: [23.721, 56.651], now: NOW })
    expect(nearest.map((a) => [a.warehouseId, a.usable, a.nextExpiry])).toEqual([
      [near.id, 20, '2026-12-01'],
      [far.id, 500, '2027-01-01'],
    ])
    expect(nearest[0].distanceKm).toBeLessThan(nearest[1].distanceKm!)
    const most = await listItemAvailability({ prisma, actor: coordinator, itemId: item.id, now: NOW })
    expect(most.map((a) => a.warehouseId)).toEqual([far.id, near.id])
    const targets = await listIssueTargets({ prisma, actor: coordinator, territoryId })
    const flood = targets.find((t) => t.kind === 'incident' && t.label.includes('Lielupes pavasara pali'))
    expect(flood?.point).not.toBeNull()
    expect(targets.every((t) => t.detail !== 'CLOSED')).toBe(true)
  })

  it('roles: a trainer reads but cannot issue; a volunteer coordinator issues but cannot receive or write off', async () => {
    const warehouse = await makeWarehouse(prisma, operator, territoryId)
    const item = await makeItem(prisma, operator)
    const lot = await receive(warehouse.id, item.id, 5, null)
    const line = { warehouseId: warehouse.id, itemId: item.id, quantity: 1 }
    expect((await refusal(issueStock({ prisma, actor: trainer, input: { target: { kind: 'recipient', label: 'X' }, lines: [line] } }))).code).toBe('FORBIDDEN')
    expect((await refusal(receiveStock({ prisma, actor: coordinator, input: {} }))).code).toBe('FORBIDDEN')
    expect((await refusal(writeOffStock({ prisma, actor: coordinator, input: { lotId: lot.lotId, quantity: 1, reason: 'LOST' } }))).code).toBe('FORBIDDEN')
    expect((await refusal(makeItem(prisma, coordinator))).code).toBe('FORBIDDEN')
    await issueStock({ prisma, actor: coordinator, input: { target: { kind: 'recipient', label: 'X' }, lines: [line] } })
    expect(await balanceOf(lot.lotId)).toBe(4)
  })
})

describe('needs quantities', () => {
  it('rounds up only real fractions', () => {
    expect(neededQuantity({ normQuantity: 0.1, normBasis: 'PERSON_DAY' }, 30, 72)).toBe(9)
  })
})
