// Helpers for the reserves tests (real database, no mocks): a warehouse and an item made through
// the domain functions, and a refusal catcher.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { createReserveItem } from './create-reserve-item.ts'
import { createWarehouse } from './create-warehouse.ts'

let counter = 0

export async function makeWarehouse(prisma: PrismaClient, actor: Actor, territoryId: string, at: [number, number] = [23.72, 56.65]) {
  counter += 1
  return createWarehouse({
    prisma,
    actor,
    territoryId,
    input: { name: `Noliktava ${counter}-${Date.now()}`, address: `Testa iela ${counter}, Jelgava`, lng: at[0], lat: at[1] },
  })
}

export async function makeItem(prisma: PrismaClient, actor: Actor, overrides: Record<string, unknown> = {}) {
  counter += 1
  return createReserveItem({
    prisma,
    actor,
    input: {
      code: `T-${counter}-${Math.floor(Math.random() * 1e6)}`,
      nameLv: 'Dzeramais ūdens',
      nameEn: 'Drinking water',
      nameRu: 'Питьевая вода',
      category: 'WATER',
      unit: 'l',
      ...overrides,
    },
  })
}

export { refusal } from '#tests/support/refusal.ts'
