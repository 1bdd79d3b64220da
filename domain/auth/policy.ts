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
  // alerts (issue 3): reading covers the progress view and the delivery report
  'read:alert:any',
  // compose and issue any status (Actual, Test, Exercise); Actual may need approval
  'create:alert:any',
  // compose and issue Exercise alerts only (a trainer can never issue a real alert)
  'create:alert:exercise',
  // approve or reject an Actual alert someone else submitted
  'approve:alert:any',
  'manage:settings:any',
  // material reserves (issue 5, decision 010): stock, cards, reports, needs calculator
  'read:reserves:any',
  // hand out stock to an incident, a shelter or a named recipient
  'issue:reserves:any',
  // receipts, transfers, write-offs, stocktakes, warehouses, catalogue, minimum levels
  'manage:reserves:any',
  // shelters (issue 5, decision 012): registry, map layer, occupancy, inspections
  'read:shelter:any',
  // open and close shelters, check people in and out (households when switched on)
  'operate:shelter:any',
  // create and edit shelters, CSV import, inspections and defects, QR codes
  'manage:shelter:any',
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

const alertWork: Permission[] = ['read:alert:any', 'create:alert:any', 'create:alert:exercise']

const reservesWork: Permission[] = ['read:reserves:any', 'issue:reserves:any', 'manage:reserves:any']

const shelterWork: Permission[] = ['read:shelter:any', 'operate:shelter:any', 'manage:shelter:any']

export const rolePermissions: Record<Role, readonly Permission[]> = {
  ADMINISTRATOR: [...incidentWork, ...alertWork, ...reservesWork, ...shelterWork, 'approve:alert:any', 'read:user:any', 'manage:user:any', 'read:audit:any', 'manage:settings:any'],
  COMMISSION_MEMBER: [...incidentWork, ...alertWork, ...reservesWork, ...shelterWork, 'approve:alert:any', 'read:user:any', 'read:audit:any'],
  OPERATOR: [...incidentWork, ...alertWork, ...reservesWork, ...shelterWork, 'read:user:any'],
  TRAINER: ['read:incident:any', 'read:task:any', 'read:alert:any', 'create:alert:exercise', 'read:reserves:any', 'read:shelter:any'],
  VOLUNTEER_COORDINATOR: ['read:incident:any', 'read:task:any', 'update:task:any', 'create:log-entry:any', 'read:reserves:any', 'issue:reserves:any', 'read:shelter:any', 'operate:shelter:any'],
}

export const roles = Object.keys(rolePermissions) as Role[]

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission)
}
