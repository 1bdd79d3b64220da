// Defence in depth: every incident function checks the permission itself, whatever the route
// already checked. Actors without a role are the process itself (system, cli): trusted.
import { can, type Permission } from '#domain/auth/policy.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'

export function authorize(actor: Actor, permission: Permission): void {
  if (actor.role === null) {
    if (actor.label === 'system' || actor.label === 'cli') return
    throw new AppError('FORBIDDEN', `Actor ${actor.label} may not ${permission}`)
  }
  if (!can(actor.role, permission)) {
    throw new AppError('FORBIDDEN', `Role ${actor.role} may not ${permission}`)
  }
}
