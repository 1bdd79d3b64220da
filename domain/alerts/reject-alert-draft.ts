// Rejecting a submitted draft, with a reason the composer reads; they may edit and submit again.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorizeApprove } from './authorize-alert.ts'

export const rejectReasonMax = 1000

export async function rejectAlertDraft(options: { prisma: PrismaClient; actor: Actor; id: string; reason: unknown; now?: Date }): Promise<void> {
  const { prisma, actor } = options
  const now = options.now ?? new Date()
  authorizeApprove(actor)
  const reason = typeof options.reason === 'string' ? options.reason.trim() : ''
  if (!reason) throw new AppError('INVALID_INPUT', 'A reason is required', { fields: { reason: 'errors:alert.rejectReasonRequired' } })
  if (reason.length > rejectReasonMax) throw new AppError('INVALID_INPUT', 'Reason too long', { fields: { reason: 'errors:tooLong' } })
  const draft = await prisma.alertDraft.findUnique({ where: { id: options.id } })
  if (!draft) throw new AppError('NOT_FOUND', 'Alert draft not found')
  if (draft.state !== 'AWAITING_APPROVAL') {
    throw new AppError('CONFLICT', 'The draft is not waiting for approval', { fields: { form: 'errors:alert.notAwaitingApproval' } })
  }
  if (actor.id === null || actor.id === draft.createdById || actor.id === draft.submittedById) {
    throw new AppError('FORBIDDEN', 'A draft is rejected by someone else than who submitted it', { fields: { form: 'alerts:errors.ownApproval' } })
  }
  await prisma.$transaction(async (tx) => {
    const updated = await tx.alertDraft.updateMany({
      where: { id: draft.id, state: 'AWAITING_APPROVAL' },
      data: { state: 'REJECTED', decidedById: actor.id, decidedAt: now, rejectReason: reason },
    })
    if (updated.count !== 1) throw new AppError('CONFLICT', 'The draft changed meanwhile', { fields: { form: 'errors:alert.notAwaitingApproval' } })
    await recordAudit(tx, { ...actorFields(actor), action: 'alert.draft.rejected', entityType: 'AlertDraft', entityId: draft.id, data: { reason } })
  })
}
