// Demo material reserves for Jelgava: warehouses, an item catalogue with norms, lots with
// realistic expiries (one lot expiring soon, one expired), minimum levels (some not met), and a
// few movements (an issue to a named recipient, a transfer, a write-off), written through the
// ledger in the seed's transaction (the database derives the balances). DEMO DATA: the
// warehouses, addresses and people are invented; positions are approximate.
import { randomUUID } from 'node:crypto'
import type { Prisma } from '#generated/prisma/client.ts'
import type { ReserveCategory, ReserveNormBasis, StockMovementKind } from '#generated/prisma/enums.ts'

const DAY = 86_400_000

type DemoItem = {
  code: string
  lv: string
  en: string
  ru: string
  category: ReserveCategory
  unit: string
  shelfLifeDays: number | null
  expiryWarningDays: number
  norm: [number, ReserveNormBasis] | null
}

const items: DemoItem[] = [
  { code: 'WATER-BOTTLED', lv: 'Dzeramais ūdens (pudelēs)', en: 'Drinking water (bottled)', ru: 'Питьевая вода (в бутылках)', category: 'WATER', unit: 'l', shelfLifeDays: 730, expiryWarningDays: 60, norm: [3, 'PERSON_DAY'] },
  { code: 'WATER-CAN-10L', lv: 'Ūdens kanna 10 l', en: 'Water canister 10 l', ru: 'Канистра для воды 10 л', category: 'WATER', unit: 'pcs', shelfLifeDays: null, expiryWarningDays: 30, norm: [0.25, 'PERSON'] },
  { code: 'FOOD-RATION-24H', lv: 'Pārtikas deva diennaktij', en: 'Food ration, 24 hours', ru: 'Суточный продуктовый паёк', category: 'FOOD', unit: 'ration', shelfLifeDays: 1095, expiryWarningDays: 90, norm: [1, 'PERSON_DAY'] },
  { code: 'BLANKET-WOOL', lv: 'Vilnas sega', en: 'Wool blanket', ru: 'Шерстяное одеяло', category: 'SHELTER', unit: 'pcs', shelfLifeDays: null, expiryWarningDays: 30, norm: [1, 'PERSON'] },
  { code: 'COT-FOLDING', lv: 'Saliekamā gulta', en: 'Folding cot', ru: 'Раскладушка', category: 'SHELTER', unit: 'pcs', shelfLifeDays: null, expiryWarningDays: 30, norm: [1, 'PERSON'] },
  { code: 'HYGIENE-KIT', lv: 'Higiēnas komplekts', en: 'Hygiene kit', ru: 'Гигиенический набор', category: 'HYGIENE', unit: 'set', shelfLifeDays: 1825, expiryWarningDays: 90, norm: [1, 'PERSON'] },
  { code: 'FIRST-AID-KIT', lv: 'Pirmās palīdzības aptieciņa', en: 'First-aid kit', ru: 'Аптечка первой помощи', category: 'MEDICAL', unit: 'set', shelfLifeDays: 1825, expiryWarningDays: 90, norm: [0.02, 'PERSON'] },
  { code: 'DIESEL', lv: 'Dīzeļdegviela', en: 'Diesel fuel', ru: 'Дизельное топливо', category: 'ENERGY', unit: 'l', shelfLifeDays: 365, expiryWarningDays: 60, norm: null },
  { code: 'GENERATOR-5KW', lv: 'Elektroģenerators 5 kW', en: 'Generator 5 kW', ru: 'Электрогенератор 5 кВт', category: 'ENERGY', unit: 'pcs', shelfLifeDays: null, expiryWarningDays: 30, norm: null },
  { code: 'SANDBAG', lv: 'Smilšu maiss (tukšs)', en: 'Sandbag (empty)', ru: 'Мешок для песка (пустой)', category: 'FLOOD_PROTECTION', unit: 'pcs', shelfLifeDays: null, expiryWarningDays: 30, norm: null },
]

const warehouses = [
  { key: 'central', name: 'Centrālā rezervju noliktava', address: 'Rūpniecības iela 13, Jelgava', lng: 23.7455, lat: 56.6612, responsibleName: 'Inese Kalniņa', responsiblePhone: '+371 20000101', responsibleEmail: 'noliktava@example.lv' },
  { key: 'west', name: 'Kalnciema ceļa noliktava', address: 'Kalnciema ceļš 110, Jelgava', lng: 23.6905, lat: 56.6712, responsibleName: 'Māris Ozols', responsiblePhone: '+371 20000102', responsibleEmail: 'kalnciema@example.lv' },
  { key: 'south', name: 'Miera ielas noliktava', address: 'Miera iela 3, Jelgava', lng: 23.7402, lat: 56.6341, responsibleName: 'Olga Petrova', responsiblePhone: '+371 20000103', responsibleEmail: 'miera@example.lv' },
] as const
type WarehouseKey = (typeof warehouses)[number]['key']

/** [warehouse, item, quantity, days until expiry (null: from shelf life), source, days ago received] */
const lots: [WarehouseKey, string, number, number | null, string, number][] = [
  ['central', 'WATER-BOTTLED', 2400, 400, 'Valsts materiālās rezerves', 320],
  ['central', 'WATER-BOTTLED', 600, 20, 'SIA Ūdens piegāde, pav. 2024/118', 700],
  ['central', 'FOOD-RATION-24H', 800, 600, 'Valsts materiālās rezerves', 480],
  ['central', 'FOOD-RATION-24H', 120, -5, 'Ziedojums, Latvijas Sarkanais Krusts', 1100],
  ['central', 'BLANKET-WOOL', 350, null, 'Iepirkums JPD 2025/14', 200],
  ['central', 'COT-FOLDING', 120, null, 'Iepirkums JPD 2025/14', 200],
  ['central', 'HYGIENE-KIT', 300, 1400, 'Iepirkums JPD 2025/21', 150],
  ['central', 'FIRST-AID-KIT', 40, 900, 'Iepirkums JPD 2025/21', 150],
  ['central', 'GENERATOR-5KW', 4, null, 'Valsts materiālās rezerves', 400],
  ['central', 'DIESEL', 800, 200, 'SIA Degviela', 160],
  ['west', 'WATER-BOTTLED', 900, 500, 'Valsts materiālās rezerves', 230],
  ['west', 'FOOD-RATION-24H', 300, 700, 'Valsts materiālās rezerves', 380],
  ['west', 'BLANKET-WOOL', 150, null, 'Iepirkums JPD 2024/07', 500],
  ['west', 'SANDBAG', 5000, null, 'Iepirkums JPD 2024/03', 600],
  ['west', 'WATER-CAN-10L', 200, null, 'Iepirkums JPD 2024/07', 500],
  ['south', 'WATER-BOTTLED', 300, 45, 'SIA Ūdens piegāde, pav. 2025/041', 680],
  ['south', 'SANDBAG', 3000, null, 'Iepirkums JPD 2024/03', 600],
  ['south', 'GENERATOR-5KW', 2, null, 'Valsts materiālās rezerves', 400],
  ['south', 'DIESEL', 400, 100, 'SIA Degviela', 260],
]

/** [warehouse, item, minimum] */
const minimums: [WarehouseKey, string, number][] = [
  ['central', 'WATER-BOTTLED', 3500],
  ['central', 'FOOD-RATION-24H', 1000],
  ['central', 'BLANKET-WOOL', 250],
  ['central', 'FIRST-AID-KIT', 50],
  ['central', 'GENERATOR-5KW', 4],
  ['west', 'SANDBAG', 3000],
  ['west', 'WATER-BOTTLED', 500],
  ['south', 'SANDBAG', 3000],
  ['south', 'DIESEL', 500],
]

export async function seedDemoReserves(
  tx: Prisma.TransactionClient,
  options: { territoryId: string; now: Date; actorLabel: string },
): Promise<{ warehouses: number; items: number; lots: number; movements: number }> {
  const { now, actorLabel } = options
  const day = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + offset * DAY)
  const itemIds = new Map<string, string>()
  const shelfLife = new Map<string, number | null>()
  for (const i of items) {
    // the catalogue is shared by all territories: an instance that has these codes keeps its items
    const existing = await tx.reserveItem.findUnique({ where: { code: i.code } })
    if (existing) {
      itemIds.set(i.code, existing.id)
      shelfLife.set(i.code, existing.shelfLifeDays)
      continue
    }
    const created = await tx.reserveItem.create({
      data: {
        code: i.code,
        nameLv: i.lv,
        nameEn: i.en,
        nameRu: i.ru,
        category: i.category,
        unit: i.unit,
        shelfLifeDays: i.shelfLifeDays,
        expiryWarningDays: i.expiryWarningDays,
        normQuantity: i.norm?.[0] ?? null,
        normBasis: i.norm?.[1] ?? null,
        demo: true,
      },
    })
    itemIds.set(i.code, created.id)
    shelfLife.set(i.code, i.shelfLifeDays)
  }
  const warehouseIds = new Map<WarehouseKey, string>()
  for (const { key, ...w } of warehouses) {
    const created = await tx.warehouse.create({ data: { ...w, territoryId: options.territoryId, demo: true } })
    warehouseIds.set(key, created.id)
  }
  let movements = 0
  const move = async (kind: StockMovementKind, lot: { id: string; warehouseId: string; itemId: string }, quantity: number, extra: Partial<Prisma.StockMovementCreateManyInput>, at: Date) => {
    await tx.stockMovement.create({
      data: { operationId: randomUUID(), kind, lotId: lot.id, warehouseId: lot.warehouseId, itemId: lot.itemId, quantity, actorLabel, occurredAt: at, createdAt: at, ...extra },
    })
    movements += 1
  }
  const created: { id: string; warehouseId: string; itemId: string; code: string; key: WarehouseKey; expiresOn: Date | null }[] = []
  // oldest receipts first, so the ledger reads in time order
  for (const [key, code, quantity, expiresIn, source, daysAgo] of [...lots].sort((a, b) => b[5] - a[5])) {
    const receivedAt = new Date(now.getTime() - daysAgo * DAY)
    const life = shelfLife.get(code)
    const expiresOn = expiresIn !== null ? day(expiresIn) : life ? day(life - daysAgo) : null
    const lot = await tx.stockLot.create({
      data: { warehouseId: warehouseIds.get(key)!, itemId: itemIds.get(code)!, expiresOn, source, receivedAt, createdAt: receivedAt },
    })
    await move('RECEIPT', lot, quantity, {}, receivedAt)
    created.push({ ...lot, code, key })
  }
  const find = (key: WarehouseKey, code: string) => created.find((l) => l.key === key && l.code === code)!
  // a few movements so the stock cards have a story
  const recent = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY)
  await move('ISSUE', find('west', 'SANDBAG'), -1200, { targetKind: 'recipient', targetLabel: 'Jelgavas novada pašvaldības policija (Lielupes krasts)' }, recent(40))
  const centralBlankets = find('central', 'BLANKET-WOOL')
  const westId = warehouseIds.get('west')!
  const transferred = await tx.stockLot.create({
    data: { warehouseId: westId, itemId: centralBlankets.itemId, expiresOn: null, source: 'Iepirkums JPD 2025/14', receivedAt: recent(200), originLotId: centralBlankets.id, createdAt: recent(30) },
  })
  const operationId = randomUUID()
  for (const [lot, quantity, counterpart] of [
    [centralBlankets, -60, westId],
    [transferred, 60, centralBlankets.warehouseId],
  ] as const) {
    await tx.stockMovement.create({
      data: { operationId, kind: quantity < 0 ? 'TRANSFER_OUT' : 'TRANSFER_IN', lotId: lot.id, warehouseId: lot.warehouseId, itemId: lot.itemId, quantity, counterpartWarehouseId: counterpart, actorLabel, occurredAt: recent(30), createdAt: recent(30) },
    })
    movements += 1
  }
  await move('WRITE_OFF', find('central', 'COT-FOLDING'), -4, { reason: 'DAMAGED', note: 'Salūzuši rāmji pēc mācībām' }, recent(12))
  await move('STOCKTAKE', find('central', 'HYGIENE-KIT'), -2, { note: 'Inventarizācija' }, recent(7))
  for (const [key, code, quantity] of minimums) {
    await tx.minimumLevel.create({ data: { warehouseId: warehouseIds.get(key)!, itemId: itemIds.get(code)!, quantity } })
  }
  return { warehouses: warehouses.length, items: items.length, lots: created.length + 1, movements }
}
