// After the commit: `shelter.updated` with the shelter's public record (free places, live status)
// to the territory room, so every dashboard sees it (decision 004). Never throws: the change is
// done, and reconnecting dashboards replay from the stored events.
import type { Shelter } from '#generated/prisma/client.ts'
import { territoryRoom } from '#domain/realtime/rooms.ts'
import { getRuntime, type RealtimePublisher } from '#domain/runtime.ts'
import { toPublicShelter } from './serialize.ts'

export async function publishShelter(shelter: Shelter, now: Date, realtime?: RealtimePublisher | null): Promise<void> {
  let publisher: RealtimePublisher | undefined | null = realtime
  if (publisher === undefined) {
    try {
      publisher = getRuntime().realtime
    } catch {
      publisher = undefined // no runtime (a script or a test without one)
    }
  }
  if (!publisher) return
  try {
    await publisher.publish(territoryRoom(shelter.territoryId), 'shelter.updated', toPublicShelter(shelter, now))
  } catch (error) {
    console.error(`realtime: could not publish shelter.updated for ${shelter.id}:`, error)
  }
}
