import type { Actor } from '#domain/auth/actor.ts'
import type { AuditInput } from './record-audit.ts'

/** The actor part of an audit row: `recordAudit(tx, { ...actorFields(actor), action, ... })`. */
export function actorFields(actor: Actor): Pick<AuditInput, 'actorId' | 'actorLabel' | 'ip'> {
  return { actorId: actor.id, actorLabel: actor.label, ip: actor.ip ?? null }
}
