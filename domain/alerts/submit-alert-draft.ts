// Submitting a draft for approval: only an alert that needs a second person's approval (Actual,
// public, the setting on) is submitted; the others are issued directly.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorizeStatus } from './authorize-alert.ts'
import { needsApproval } from './get-alert-draft.ts'

export async function submitAlertDraft(options: { prisma: PrismaClient; actor: Actor; id: string; now?: Date }): Promise<void> {
  const { prisma, actor } = options
  const now = options.now ?? new Date()
  const draft = await prisma.alertDraft.findUnique({ where: { id: options.id } })
  if (!draft) throw new AppError('NOT_FOUND', 'Alert draft not found')
  const payload = draft.payload as { status?: string; scope?: string }
  authorizeStatus(actor, payload.status)
  if (draft.state !== 'DRAFT' && draft.state !== 'REJECTED') {
    throw new AppError('CONFLICT', 'The draft is not open for submission', { fields: { form: 'alerts:errors.draftNotOpen' } })
  }
  if (!(await needsApproval(prisma, payload))) {
    throw new AppError('CONFLICT', 'This alert needs no approval: issue it', { fields: { form: 'errors:alert.approvalNotNeeded' } })
  }
  await prisma.$transaction(async (tx) => {
    const updated = await tx.alertDraft.updateMany({
      where: { id: draft.id, state: { in: ['DRAFT', 'REJECTED'] } },
      data: { state: 'AWAITING_APPROVAL', submittedById: actor.id, submittedAt: now, decidedById: null, decidedAt: null, rejectReason: null },
    })
    if (updated.count !== 1) throw new AppError('CONFLICT', 'The draft changed meanwhile', { fields: { form: 'alerts:errors.draftNotOpen' } })
    await recordAudit(tx, { ...actorFields(actor), action: 'alert.draft.submitted', entityType: 'AlertDraft', entityId: draft.id, data: {} })
  })
}
