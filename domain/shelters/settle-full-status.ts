// The stored OPEN/FULL flag after occupancy or capacity changed: FULL once occupancy reaches the
// capacity of the current period, OPEN again below it. Other statuses are left alone.
import type { ShelterStatus } from '#generated/prisma/enums.ts'
import { capacityAt } from './capacity.ts'

export function settleFullStatus(
  shelter: { status: ShelterStatus; occupancy: number; capacityDay: number; capacityNight: number },
  now: Date,
): ShelterStatus {
  if (shelter.status !== 'OPEN' && shelter.status !== 'FULL') return shelter.status
  return shelter.occupancy >= capacityAt(shelter, now) ? 'FULL' : 'OPEN'
}
