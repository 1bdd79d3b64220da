// The one policy table: which role may do what. Routes, actions and socket events all ask
// `can(role, permission)`; the policy test walks every route and event against this table.
// Permission strings are action:entity:access.
import type { Role } from '#generated/prisma/enums.ts'

export const permissions = [
  'read:incident:any',
  'create:incident:any',
  'update:incident:any',
  'close:incident:any',
  'create:log-entry:any',
  'read:task:any',
  'create:task:any',
  'update:task:any',
  'read:user:any',
  'manage:user:any',
  'read:audit:any',
] as const
export type Permission = (typeof permissions)[number]

const incidentWork: Permission[] = [
  'read:incident:any',
  'create:incident:any',
  'update:incident:any',
  'close:incident:any',
  'create:log-entry:any',
  'read:task:any',
  'create:task:any',
  'update:task:any',
]

export const rolePermissions: Record<Role, readonly Permission[]> = {
  ADMINISTRATOR: [...incidentWork, 'read:user:any', 'manage:user:any', 'read:audit:any'],
  COMMISSION_MEMBER: [...incidentWork, 'read:user:any', 'read:audit:any'],
  OPERATOR: [...incidentWork, 'read:user:any'],
  TRAINER: ['read:incident:any', 'read:task:any'],
  VOLUNTEER_COORDINATOR: ['read:incident:any', 'read:task:any', 'update:task:any', 'create:log-entry:any'],
}

export const roles = Object.keys(rolePermissions) as Role[]

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission)
}
