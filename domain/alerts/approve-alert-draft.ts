// Approving a submitted draft: a second staff member with approve:alert:any, never the one who
// composed or submitted it. The approval is recorded on the draft; the issuer then issues it
// (issueAlertDraft passes the approver to issueCapAlert, which checks the two are different).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorizeApprove } from './authorize-alert.ts'

export async function approveAlertDraft(options: { prisma: PrismaClient; actor: Actor; id: string; now?: Date }): Promise<void> {
  const { prisma, actor } = options
  const now = options.now ?? new Date()
  authorizeApprove(actor)
  const draft = await prisma.alertDraft.findUnique({ where: { id: options.id } })
  if (!draft) throw new AppError('NOT_FOUND', 'Alert draft not found')
  if (draft.state !== 'AWAITING_APPROVAL' || draft.decidedById) {
    throw new AppError('CONFLICT', 'The draft is not waiting for approval', { fields: { form: 'errors:alert.notAwaitingApproval' } })
  }
  if (actor.id === null || actor.id === draft.createdById || actor.id === draft.submittedById) {
    throw new AppError('FORBIDDEN', 'An alert is approved by someone else than who composed or submitted it', {
      fields: { form: 'alerts:errors.ownApproval' },
    })
  }
  await prisma.$transaction(async (tx) => {
    const updated = await tx.alertDraft.updateMany({
      where: { id: draft.id, state: 'AWAITING_APPROVAL', decidedById: null, updatedAt: draft.updatedAt },
      data: { decidedById: actor.id, decidedAt: now },
    })
    if (updated.count !== 1) throw new AppError('CONFLICT', 'The draft changed meanwhile', { fields: { form: 'errors:alert.notAwaitingApproval' } })
    await recordAudit(tx, { ...actorFields(actor), action: 'alert.draft.approved', entityType: 'AlertDraft', entityId: draft.id, data: {} })
  })
}
