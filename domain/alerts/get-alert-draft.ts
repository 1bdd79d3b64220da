// One alert draft as the draft page shows it: the composition, its state, who did what, and where
// it stands with approval (an Actual public alert needs a second person when the setting is on).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertDraftSource, AlertDraftState } from '#generated/prisma/enums.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { AppError } from '#domain/errors.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { authorizeCompose } from './authorize-alert.ts'
import { areaNameOf } from './compose-alert.ts'
import { splitDraftPayload, type GroupPicks } from './group-picks.ts'
import { approvalRequired } from './issue-cap-alert.ts'

/** not-needed: issue directly; needed: submit first; awaiting / approved / rejected: the decision. */
export type ApprovalStage = 'not-needed' | 'needed' | 'awaiting' | 'approved' | 'rejected'

export type AlertDraftView = {
  id: string
  territoryId: string
  state: AlertDraftState
  source: AlertDraftSource
  templateId: string | null
  payload: Omit<CapAlert, 'identifier' | 'sender' | 'sent'>
  namedAreaIds: string[]
  channels: string[]
  /** the group picks (paging, device, staff groups) stored beside the payload */
  picks: GroupPicks
  status: string
  msgType: string
  areaName: string
  approval: ApprovalStage
  createdById: string | null
  createdByName: string | null
  submittedById: string | null
  submittedByName: string | null
  submittedAt: string | null
  decidedById: string | null
  decidedByName: string | null
  decidedAt: string | null
  rejectReason: string | null
  alertId: string | null
  createdAt: string
  updatedAt: string
}

export function approvalStage(options: {
  needsApproval: boolean
  state: AlertDraftState
  decidedById: string | null
  rejectReason: string | null
}): ApprovalStage {
  if (options.state === 'REJECTED') return 'rejected'
  if (options.state === 'AWAITING_APPROVAL') return options.decidedById ? 'approved' : 'awaiting'
  if (options.state === 'ISSUED' && options.decidedById) return 'approved'
  return options.needsApproval ? 'needed' : 'not-needed'
}

/** Does this alert need a second person's approval (Actual, public, and the setting is on)? */
export async function needsApproval(prisma: Pick<PrismaClient, 'setting'>, payload: { status?: string; scope?: string }): Promise<boolean> {
  return payload.status === 'Actual' && (payload.scope ?? 'Public') === 'Public' && (await approvalRequired(prisma))
}

export async function getAlertDraft(options: { prisma: PrismaClient; actor: Actor; id: string }): Promise<AlertDraftView> {
  const { prisma, actor } = options
  authorizeCompose(actor)
  const draft = await prisma.alertDraft.findUnique({ where: { id: options.id } })
  if (!draft) throw new AppError('NOT_FOUND', 'Alert draft not found')
  const { payload, picks } = splitDraftPayload(draft.payload as unknown as AlertDraftView['payload'])
  // a trainer sees exercise drafts only
  if (payload.status !== 'Exercise' && actor.role !== null && !can(actor.role, 'create:alert:any')) {
    throw new AppError('FORBIDDEN', `${actor.label} may only see exercise drafts`)
  }
  const ids = [draft.createdById, draft.submittedById, draft.decidedById].filter((x): x is string => Boolean(x))
  const users = new Map((await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]))
  const name = (id: string | null) => (id ? (users.get(id) ?? null) : null)
  return {
    id: draft.id,
    territoryId: draft.territoryId,
    state: draft.state,
    source: draft.source,
    templateId: draft.templateId,
    payload,
    namedAreaIds: draft.namedAreaIds,
    channels: draft.channels,
    picks,
    status: payload.status,
    msgType: payload.msgType,
    areaName: areaNameOf({ info: payload.info ?? [] }),
    approval: approvalStage({
      needsApproval: await needsApproval(prisma, payload),
      state: draft.state,
      decidedById: draft.decidedById,
      rejectReason: draft.rejectReason,
    }),
    createdById: draft.createdById,
    createdByName: name(draft.createdById),
    submittedById: draft.submittedById,
    submittedByName: name(draft.submittedById),
    submittedAt: draft.submittedAt?.toISOString() ?? null,
    decidedById: draft.decidedById,
    decidedByName: name(draft.decidedById),
    decidedAt: draft.decidedAt?.toISOString() ?? null,
    rejectReason: draft.rejectReason,
    alertId: draft.alertId,
    createdAt: draft.createdAt.toISOString(),
    updatedAt: draft.updatedAt.toISOString(),
  }
}
