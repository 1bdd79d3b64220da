// Realtime rooms: one per territory, one per incident and one per alert (its live delivery
// progress). A room name is "<kind>:<uuid>".
// Joining a room is authorised by the policy table (domain/auth/policy.ts) through roomPolicy.
import type { Permission } from '#domain/auth/policy.ts'

export const roomKinds = ['territory', 'incident', 'alert'] as const
export type RoomKind = (typeof roomKinds)[number]

/** The permission a role needs to join a room of each kind. */
export const roomPolicy: Record<RoomKind, Permission> = {
  territory: 'read:incident:any',
  incident: 'read:incident:any',
  alert: 'read:alert:any',
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ROOM = /^(territory|incident|alert):(.+)$/

export function territoryRoom(territoryId: string): string {
  return `territory:${territoryId}`
}

export function incidentRoom(incidentId: string): string {
  return `incident:${incidentId}`
}

export function alertRoom(alertId: string): string {
  return `alert:${alertId}`
}

/** The kind and id of a room name, or null when it is not one of ours. */
export function parseRoom(room: unknown): { kind: RoomKind; id: string } | null {
  if (typeof room !== 'string' || room.length > 60) return null
  const match = ROOM.exec(room)
  if (!match || !UUID.test(match[2])) return null
  return { kind: match[1] as RoomKind, id: match[2].toLowerCase() }
}
