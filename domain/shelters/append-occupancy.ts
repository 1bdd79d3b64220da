// The one writer of the occupancy ledger, inside the caller's transaction after lockShelter: the
// entry, the shelter's running total and its OPEN/FULL flag, and the audit row (counts only, never
// a household's label or needs). Check-outs never take occupancy below zero; check-ins over the
// capacity are accepted (nobody is turned away at the door by a computer) and make it FULL.
import type { Prisma, Shelter } from '#generated/prisma/client.ts'
import type { OccupancyDirection, OccupancySource } from '#generated/prisma/enums.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { shelterErrors } from './shelter-errors.ts'
import { settleFullStatus } from './settle-full-status.ts'

export async function appendOccupancy(
  tx: Prisma.TransactionClient,
  options: { shelter: Shelter; actor: Actor; direction: OccupancyDirection; people: number; source: OccupancySource; householdId?: string | null; now: Date },
): Promise<Shelter> {
  const { shelter, direction, people, now } = options
  if (shelter.status !== 'OPEN' && shelter.status !== 'FULL') {
    throw new AppError('CONFLICT', `Shelter ${shelter.code} is ${shelter.status}`, { fields: { form: shelterErrors.notOpen } })
  }
  const occupancy = shelter.occupancy + (direction === 'IN' ? people : -people)
  if (occupancy < 0) {
    throw new AppError('CONFLICT', `Only ${shelter.occupancy} people are inside`, { fields: { people: shelterErrors.checkOutTooMany } })
  }
  const status = settleFullStatus({ ...shelter, occupancy }, now)
  await tx.shelterOccupancyEntry.create({
    data: {
      shelterId: shelter.id,
      direction,
      people,
      source: options.source,
      occupancyAfter: occupancy,
      householdId: options.householdId ?? null,
      actorId: options.actor.id,
      actorLabel: options.actor.label,
      occurredAt: now,
      createdAt: now,
    },
  })
  const updated = await tx.shelter.update({
    where: { id: shelter.id },
    data: { occupancy, status, statusChangedAt: status !== shelter.status ? now : shelter.statusChangedAt, updatedAt: now },
  })
  await recordAudit(tx, {
    ...actorFields(options.actor),
    action: direction === 'IN' ? 'shelter.checked-in' : 'shelter.checked-out',
    entityType: 'Shelter',
    entityId: shelter.id,
    data: { people, source: options.source, occupancy, status, householdId: options.householdId ?? null },
  })
  return updated
}
