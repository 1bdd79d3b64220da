// Which lots an outgoing movement takes from. Pure: the caller has locked the lots (lockLots).
// - FIFO by expiry (rotation): the soonest-expiring usable lot first, lots without expiry last,
//   then the oldest receipt; expired lots are never picked (they are written off, not handed out).
// - Explicit lots: each must belong to the warehouse and item, be unexpired and hold enough.
import type { LockedLot } from './lock-lots.ts'

export type Allocation = { lotId: string; quantity: number }
export type AllocationResult =
  | { ok: true; allocations: Allocation[] }
  | { ok: false; problem: 'insufficient'; available: number }
  | { ok: false; problem: 'lotNotFound' | 'lotExpired' | 'lotMismatch'; lotId: string; available?: number }

export function isUsable(lot: Pick<LockedLot, 'expiresOn'>, today: Date): boolean {
  return lot.expiresOn === null || lot.expiresOn.getTime() >= today.getTime()
}

/** Rotation order: soonest expiry first (no expiry last), then oldest receipt, then id. */
export function rotationOrder(a: Pick<LockedLot, 'expiresOn' | 'receivedAt' | 'lotId'>, b: typeof a): number {
  const ea = a.expiresOn?.getTime() ?? Infinity
  const eb = b.expiresOn?.getTime() ?? Infinity
  if (ea !== eb) return ea < eb ? -1 : 1
  const ra = a.receivedAt.getTime()
  const rb = b.receivedAt.getTime()
  if (ra !== rb) return ra - rb
  return a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0
}

export function allocateLots(options: {
  lots: LockedLot[]
  warehouseId: string
  itemId: string
  quantity: number
  today: Date
  explicit?: Allocation[]
}): AllocationResult {
  const { warehouseId, itemId, quantity, today } = options
  const mine = options.lots.filter((l) => l.warehouseId === warehouseId && l.itemId === itemId)
  if (options.explicit && options.explicit.length > 0) {
    const wanted = new Map<string, number>()
    for (const a of options.explicit) wanted.set(a.lotId, (wanted.get(a.lotId) ?? 0) + a.quantity)
    const allocations: Allocation[] = []
    for (const [lotId, q] of wanted) {
      const lot = options.lots.find((l) => l.lotId === lotId)
      if (!lot) return { ok: false, problem: 'lotNotFound', lotId }
      if (lot.warehouseId !== warehouseId || lot.itemId !== itemId) return { ok: false, problem: 'lotMismatch', lotId }
      if (!isUsable(lot, today)) return { ok: false, problem: 'lotExpired', lotId }
      if (lot.quantity < q) return { ok: false, problem: 'insufficient', available: lot.quantity }
      allocations.push({ lotId, quantity: q })
    }
    const total = allocations.reduce((s, a) => s + a.quantity, 0)
    if (total !== quantity) return { ok: false, problem: 'insufficient', available: total }
    return { ok: true, allocations }
  }
  const usable = mine.filter((l) => l.quantity > 0 && isUsable(l, today)).sort(rotationOrder)
  const available = usable.reduce((s, l) => s + l.quantity, 0)
  if (available < quantity) return { ok: false, problem: 'insufficient', available }
  const allocations: Allocation[] = []
  let left = quantity
  for (const lot of usable) {
    if (left === 0) break
    const take = Math.min(left, lot.quantity)
    allocations.push({ lotId: lot.lotId, quantity: take })
    left -= take
  }
  return { ok: true, allocations }
}
