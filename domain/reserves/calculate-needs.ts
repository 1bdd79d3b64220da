// The needs calculator: for N people for a period (72 hours by default), from the catalogue's
// norms — what is needed, what is on hand (usable lots in active warehouses) and where, nearest
// first from a point when one is given, what to take from each, and the shortfall.
import { z } from 'zod'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { isUsable } from './allocate-lots.ts'
import { calendarDay } from './calendar-day.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { reserveErrors as e } from './reserve-errors.ts'
import { serializeItem, type ItemRecord } from './serialize.ts'

export const needsSchema = z.object({
  people: z.coerce.number({ invalid_type_error: e.invalid }).int(e.invalid).min(1, e.invalid).max(1_000_000, e.invalid),
  hours: z.coerce.number({ invalid_type_error: e.invalid }).int(e.invalid).min(1, e.invalid).max(24 * 90, e.invalid).default(72),
  lng: z.coerce.number().min(-180, e.location).max(180, e.location).optional(),
  lat: z.coerce.number().min(-90, e.location).max(90, e.location).optional(),
})

export type NeedsSource = { warehouseId: string; warehouseName: string; address: string; distanceKm: number | null; available: number; take: number }
export type NeedsRow = { item: ItemRecord; needed: number; onHand: number; shortfall: number; sources: NeedsSource[] }
export type NeedsResult = { people: number; hours: number; point: [number, number] | null; rows: NeedsRow[] }

/** Great-circle distance in km (haversine). */
export function distanceKm(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180
  const dLat = (b[1] - a[1]) * rad
  const dLng = (b[0] - a[0]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** How much of an item N people need over `hours` (whole units, rounded up). */
export function neededQuantity(item: Pick<ItemRecord, 'normQuantity' | 'normBasis'>, people: number, hours: number): number {
  if (item.normQuantity === null || item.normBasis === null) return 0
  const raw = item.normBasis === 'PERSON_DAY' ? people * (hours / 24) * item.normQuantity : people * item.normQuantity
  return Math.ceil(raw - 1e-9)
}

export async function calculateNeeds(options: {
  prisma: PrismaClient
  actor: Actor
  /** { people, hours? (72), lng?, lat? } */
  input: unknown
  territoryId?: string
  now?: Date
}): Promise<NeedsResult> {
  const { prisma } = options
  authorize(options.actor, 'read:reserves:any')
  const input = parseReserveInput(needsSchema, options.input)
  const point: [number, number] | null = input.lng !== undefined && input.lat !== undefined ? [input.lng, input.lat] : null
  const today = calendarDay(options.now ?? new Date())!
  const items = await prisma.reserveItem.findMany({
    where: { active: true, normQuantity: { not: null }, normBasis: { not: null } },
    orderBy: [{ category: 'asc' }, { code: 'asc' }],
  })
  const lots = await prisma.stockLot.findMany({
    where: {
      itemId: { in: items.map((i) => i.id) },
      balance: { quantity: { gt: 0 } },
      warehouse: { active: true, territoryId: options.territoryId },
    },
    include: { balance: true, warehouse: true },
  })
  const rows = items.map((raw) => {
    const item = serializeItem(raw)
    const needed = neededQuantity(item, input.people, input.hours)
    const byWarehouse = new Map<string, NeedsSource>()
    for (const lot of lots) {
      if (lot.itemId !== item.id || !isUsable(lot, today)) continue
      const w = lot.warehouse
      const source = byWarehouse.get(w.id) ?? {
        warehouseId: w.id,
        warehouseName: w.name,
        address: w.address,
        distanceKm: point ? Math.round(distanceKm(point, [w.lng, w.lat]) * 10) / 10 : null,
        available: 0,
        take: 0,
      }
      source.available += lot.balance?.quantity ?? 0
      byWarehouse.set(w.id, source)
    }
    const sources = [...byWarehouse.values()].sort((a, b) =>
      point ? a.distanceKm! - b.distanceKm! || a.warehouseName.localeCompare(b.warehouseName) : b.available - a.available || a.warehouseName.localeCompare(b.warehouseName),
    )
    let left = needed
    for (const s of sources) {
      s.take = Math.min(left, s.available)
      left -= s.take
    }
    const onHand = sources.reduce((sum, s) => sum + s.available, 0)
    return { item, needed, onHand, shortfall: Math.max(0, needed - onHand), sources }
  })
  return { people: input.people, hours: input.hours, point, rows }
}
