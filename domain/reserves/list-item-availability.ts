import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { isUsable } from './allocate-lots.ts'
import { distanceKm } from './calculate-needs.ts'
import { calendarDay } from './calendar-day.ts'

export type Availability = { warehouseId: string; warehouseName: string; address: string; distanceKm: number | null; usable: number; nextExpiry: string | null }

/**
 * Where an item can be taken from: usable stock per active warehouse (expired lots excluded),
 * nearest first from a point when one is given, otherwise the most first.
 */
export async function listItemAvailability(options: {
  prisma: PrismaClient
  actor: Actor
  itemId: string
  point?: [number, number] | null
  territoryId?: string
  now?: Date
}): Promise<Availability[]> {
  authorize(options.actor, 'read:reserves:any')
  const today = calendarDay(options.now ?? new Date())!
  const lots = await options.prisma.stockLot.findMany({
    where: { itemId: options.itemId, balance: { quantity: { gt: 0 } }, warehouse: { active: true, territoryId: options.territoryId } },
    include: { balance: true, warehouse: true },
  })
  const by = new Map<string, Availability>()
  for (const lot of lots) {
    if (!isUsable(lot, today)) continue
    const w = lot.warehouse
    const entry = by.get(w.id) ?? {
      warehouseId: w.id,
      warehouseName: w.name,
      address: w.address,
      distanceKm: options.point ? Math.round(distanceKm(options.point, [w.lng, w.lat]) * 10) / 10 : null,
      usable: 0,
      nextExpiry: null,
    }
    entry.usable += lot.balance?.quantity ?? 0
    const day = lot.expiresOn?.toISOString().slice(0, 10) ?? null
    if (day && (entry.nextExpiry === null || day < entry.nextExpiry)) entry.nextExpiry = day
    by.set(w.id, entry)
  }
  return [...by.values()].sort((a, b) =>
    options.point ? a.distanceKm! - b.distanceKm! || a.warehouseName.localeCompare(b.warehouseName) : b.usable - a.usable || a.warehouseName.localeCompare(b.warehouseName),
  )
}
