// The registry for staff: every shelter of the territory with free places and live status,
// optionally filtered by kind, status and accessibility; sorted by name.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ShelterKind } from '#generated/prisma/enums.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { toShelterRecord, type ShelterRecord } from './serialize.ts'

export type ShelterFilter = { kinds?: ShelterKind[]; statuses?: string[]; stepFree?: boolean; accessibleToilet?: boolean; petsAllowed?: boolean }

export function matchesFilter(s: { kind: string; status: string; stepFree: boolean; accessibleToilet: boolean; petsAllowed: boolean }, f: ShelterFilter): boolean {
  if (f.kinds?.length && !f.kinds.includes(s.kind as ShelterKind)) return false
  if (f.statuses?.length && !f.statuses.includes(s.status)) return false
  if (f.stepFree && !s.stepFree) return false
  if (f.accessibleToilet && !s.accessibleToilet) return false
  if (f.petsAllowed && !s.petsAllowed) return false
  return true
}

export async function listShelters(options: { prisma: PrismaClient; actor: Actor; territoryId: string; filter?: ShelterFilter; now?: Date }): Promise<ShelterRecord[]> {
  authorize(options.actor, 'read:shelter:any')
  const now = options.now ?? new Date()
  const rows = await options.prisma.shelter.findMany({ where: { territoryId: options.territoryId }, orderBy: [{ name: 'asc' }, { code: 'asc' }] })
  return rows.map((r) => toShelterRecord(r, now)).filter((r) => matchesFilter(r, options.filter ?? {}))
}
