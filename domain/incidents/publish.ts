// Realtime events, published AFTER the transaction committed: a dashboard never hears of a
// change that was rolled back. A failure to publish is logged, never thrown: the change is
// done, and reconnecting dashboards replay from the stored events anyway.
import { getRuntime, type RealtimePublisher } from '#domain/runtime.ts'

export type IncidentEventType =
  | 'incident.created'
  | 'incident.updated'
  | 'incident.closed'
  | 'log-entry.created'
  | 'task.created'
  | 'task.updated'

export type IncidentEvent = { type: IncidentEventType; payload: unknown; territoryId: string; incidentId: string }

export const territoryRoom = (territoryId: string) => `territory:${territoryId}`
export const incidentRoom = (incidentId: string) => `incident:${incidentId}`

function runtimePublisher(): RealtimePublisher | undefined {
  try {
    return getRuntime().realtime
  } catch {
    return undefined // no runtime (a script or a test without one): nothing to publish to
  }
}

/**
 * Publishes each event to the territory's room and the incident's room.
 * `realtime` null: publish nothing; undefined: the process runtime's publisher (if any).
 */
export async function publishIncidentEvents(
  events: IncidentEvent[],
  realtime?: RealtimePublisher | null,
): Promise<void> {
  const publisher = realtime === undefined ? runtimePublisher() : realtime
  if (!publisher) return
  for (const event of events) {
    for (const room of [territoryRoom(event.territoryId), incidentRoom(event.incidentId)]) {
      try {
        await publisher.publish(room, event.type, event.payload)
      } catch (error) {
        console.error(`realtime: could not publish ${event.type} to ${room}:`, error)
      }
    }
  }
}
