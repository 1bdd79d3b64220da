// Discarding a draft that will not be issued (kept, marked DISCARDED, for the record).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorizeStatus } from './authorize-alert.ts'

export async function discardAlertDraft(options: { prisma: PrismaClient; actor: Actor; id: string }): Promise<void> {
  const { prisma, actor } = options
  const draft = await prisma.alertDraft.findUnique({ where: { id: options.id } })
  if (!draft) throw new AppError('NOT_FOUND', 'Alert draft not found')
  authorizeStatus(actor, (draft.payload as { status?: string }).status)
  await prisma.$transaction(async (tx) => {
    const updated = await tx.alertDraft.updateMany({
      where: { id: draft.id, state: { in: ['DRAFT', 'AWAITING_APPROVAL', 'REJECTED'] } },
      data: { state: 'DISCARDED' },
    })
    if (updated.count !== 1) throw new AppError('CONFLICT', 'The draft was issued or discarded', { fields: { form: 'alerts:errors.draftNotOpen' } })
    await recordAudit(tx, { ...actorFields(actor), action: 'alert.draft.discarded', entityType: 'AlertDraft', entityId: draft.id, data: {} })
  })
}
