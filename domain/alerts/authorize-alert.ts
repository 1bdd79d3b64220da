// Who may compose, approve and issue what (defence in depth: routes check the permission too).
// Composing needs at least create:alert:exercise; any status other than Exercise needs
// create:alert:any, so a trainer can never prepare or issue a real alert.
import type { Actor } from '#domain/auth/actor.ts'
import { can, type Permission } from '#domain/auth/policy.ts'
import { AppError } from '#domain/errors.ts'

function allowed(actor: Actor, permission: Permission): boolean {
  if (actor.role === null) return actor.label === 'system' || actor.label === 'cli'
  return can(actor.role, permission)
}

export function authorizeCompose(actor: Actor): void {
  if (!allowed(actor, 'create:alert:exercise') && !allowed(actor, 'create:alert:any')) {
    throw new AppError('FORBIDDEN', `${actor.label} may not compose alerts`)
  }
}

/** The status of an alert being composed, saved or issued. */
export function authorizeStatus(actor: Actor, status: string | undefined): void {
  authorizeCompose(actor)
  // no status yet: validation names the missing field
  if (status === undefined || status === 'Exercise' || allowed(actor, 'create:alert:any')) return
  throw new AppError('FORBIDDEN', `${actor.label} may only compose exercise alerts`, {
    fields: { status: 'alerts:errors.statusNotAllowed' },
  })
}

export function authorizeApprove(actor: Actor): void {
  if (!allowed(actor, 'approve:alert:any')) throw new AppError('FORBIDDEN', `${actor.label} may not approve alerts`)
}
