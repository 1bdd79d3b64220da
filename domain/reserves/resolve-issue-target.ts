// Whom an issue goes to: kind + id + label, stored on each movement as they are, so a new kind of
// target (shelters, when the registry exists) is one more case here and no ledger change.
// - incident: must exist and be open; locked (lockIncident) so the log entry that records the
//   issue lands in the same transaction; the label is "reference title".
// - recipient: a named person or organisation (label required, no id).
// - shelter: must exist; the label is "code name"; when the shelter was opened for an incident
//   that is still open, the issue is also written into that incident's log.
import type { Prisma } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { lockIncident } from '#domain/incidents/lock-incident.ts'
import { reserveErrors } from './reserve-errors.ts'
import type { IssueTargetKind } from './schemas.ts'

export type ResolvedTarget = {
  kind: IssueTargetKind
  id: string | null
  label: string
  incident?: { id: string; reference: string; territoryId: string }
}

export async function resolveIssueTarget(
  tx: Prisma.TransactionClient,
  target: { kind: IssueTargetKind; id?: string; label?: string },
): Promise<ResolvedTarget> {
  switch (target.kind) {
    case 'incident': {
      if (!target.id) throw new AppError('INVALID_INPUT', 'Which incident?', { fields: { 'target.id': reserveErrors.required } })
      const incident = await lockIncident(tx, target.id).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'NOT_FOUND') {
          throw new AppError('INVALID_INPUT', 'No such incident', { fields: { 'target.id': reserveErrors.targetNotFound } })
        }
        throw error
      })
      if (incident.status === 'CLOSED') {
        throw new AppError('CONFLICT', `Incident ${incident.reference} is closed`, { fields: { 'target.id': reserveErrors.targetClosed } })
      }
      return {
        kind: 'incident',
        id: incident.id,
        label: `${incident.reference} ${incident.title}`,
        incident: { id: incident.id, reference: incident.reference, territoryId: incident.territoryId },
      }
    }
    case 'recipient': {
      const label = target.label?.trim()
      if (!label) throw new AppError('INVALID_INPUT', 'Who receives it?', { fields: { 'target.label': reserveErrors.required } })
      return { kind: 'recipient', id: null, label }
    }
    case 'shelter': {
      if (!target.id) throw new AppError('INVALID_INPUT', 'Which shelter?', { fields: { 'target.id': reserveErrors.required } })
      const shelter = await tx.shelter.findUnique({ where: { id: target.id }, select: { id: true, code: true, name: true, incidentId: true } })
      if (!shelter) throw new AppError('INVALID_INPUT', 'No such shelter', { fields: { 'target.id': reserveErrors.targetNotFound } })
      const resolved: ResolvedTarget = { kind: 'shelter', id: shelter.id, label: `${shelter.code} ${shelter.name}` }
      // a shelter opened for an incident: the issue also goes into that incident's log
      if (shelter.incidentId) {
        const incident = await lockIncident(tx, shelter.incidentId)
        if (incident.status !== 'CLOSED') {
          resolved.incident = { id: incident.id, reference: incident.reference, territoryId: incident.territoryId }
        }
      }
      return resolved
    }
  }
}
