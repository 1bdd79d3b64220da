// Staff at the door check people in and out: a count, or (only when household records are
// switched on) a household with its needs. Free places go out live to every dashboard.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { appendOccupancy } from './append-occupancy.ts'
import { lockShelter } from './lock-shelter.ts'
import { publishShelter } from './publish-shelter.ts'
import { occupancySchema, parseShelterInput } from './schemas.ts'
import { toShelterRecord, type ShelterRecord } from './serialize.ts'
import { shelterErrors } from './shelter-errors.ts'
import { getShelterSettings } from './shelter-settings.ts'

export type RecordOccupancyOptions = {
  prisma: PrismaClient
  actor: Actor
  shelterId: string
  /** { direction: IN | OUT, people, householdLabel?, needs?, note?, householdId? (OUT of a household) } */
  input: unknown
  now?: Date
  realtime?: RealtimePublisher | null
}

export async function recordOccupancy(options: RecordOccupancyOptions): Promise<ShelterRecord> {
  const { prisma, actor } = options
  authorize(actor, 'operate:shelter:any')
  const now = options.now ?? new Date()
  const input = parseShelterInput(occupancySchema, options.input)
  const wantsHousehold = Boolean(input.householdLabel || input.householdId || input.needs.length || input.note)

  const shelter = await prisma.$transaction(async (tx) => {
    const shelter = await lockShelter(tx, options.shelterId)
    let householdId: string | null = null
    let people = input.people
    if (wantsHousehold) {
      const { households } = await getShelterSettings({ prisma: tx })
      if (!households) throw new AppError('INVALID_INPUT', 'Household records are switched off', { fields: { householdLabel: shelterErrors.householdsOff } })
      if (input.direction === 'IN') {
        if (!input.householdLabel) throw new AppError('INVALID_INPUT', 'Household label', { fields: { householdLabel: shelterErrors.required } })
        const household = await tx.shelterHousehold.create({
          data: { shelterId: shelter.id, label: input.householdLabel, size: people, needs: input.needs, note: input.note, checkedInAt: now, createdAt: now, updatedAt: now },
        })
        householdId = household.id
      } else {
        const household = input.householdId
          ? await tx.shelterHousehold.findFirst({ where: { id: input.householdId, shelterId: shelter.id, checkedOutAt: null } })
          : null
        if (!household) throw new AppError('INVALID_INPUT', 'Household not in this shelter', { fields: { householdId: shelterErrors.householdNotHere } })
        await tx.shelterHousehold.update({ where: { id: household.id }, data: { checkedOutAt: now, updatedAt: now } })
        householdId = household.id
        people = household.size
      }
    }
    return appendOccupancy(tx, { shelter, actor, direction: input.direction, people, source: 'STAFF', householdId, now })
  })
  await publishShelter(shelter, now, options.realtime)
  return toShelterRecord(shelter, now)
}
