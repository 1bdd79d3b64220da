// Issuing a draft: the operator typed the area's name; the alert gets its CAP identity, is
// validated again (time has passed since it was composed), and goes to issueCapAlert with the
// draft's idempotency key — a double click, a second tab or a retried POST give the one alert.
// When the alert needs approval, the draft must carry an approval by someone else.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError, isAppError } from '#domain/errors.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { appLanguageOf } from '#notify/cap/languages.ts'
import { authorizeStatus } from './authorize-alert.ts'
import { areaNameOf } from './compose-alert.ts'
import { composerFieldOf } from './composer-fields.ts'
import { areaNameMatches } from './confirm-area-name.ts'
import { needsApproval } from './get-alert-draft.ts'
import { splitDraftPayload } from './group-picks.ts'
import { issueCapAlert } from './issue-cap-alert.ts'
import { loadComposerContext } from './load-composer-context.ts'
import { newAlertIdentity } from './new-alert-identity.ts'

export type IssueAlertDraftOptions = {
  prisma: PrismaClient
  actor: Actor
  id: string
  /** what the operator typed: must be the area's name */
  confirmation: unknown
  now?: Date
}

export async function issueAlertDraft(options: IssueAlertDraftOptions): Promise<{ alertId: string; created: boolean }> {
  const { prisma, actor } = options
  const draft = await prisma.alertDraft.findUnique({ where: { id: options.id } })
  if (!draft) throw new AppError('NOT_FOUND', 'Alert draft not found')
  // the group picks are stored beside the CAP payload: never part of the CAP that is validated
  const { payload, picks } = splitDraftPayload(draft.payload as object)
  const cap = payload as { status?: string; scope?: string; info?: { language?: string; area?: { areaDesc: string }[] }[] }
  authorizeStatus(actor, cap.status)
  // issued already (a second tab, a retried request): the same alert
  if (draft.state === 'ISSUED' && draft.alertId) return { alertId: draft.alertId, created: false }
  if (draft.state !== 'DRAFT' && draft.state !== 'AWAITING_APPROVAL') {
    throw new AppError('CONFLICT', 'The draft was discarded or rejected', { fields: { form: 'alerts:errors.draftNotOpen' } })
  }
  const areaName = areaNameOf({ info: (cap.info ?? []) as never })
  if (!areaNameMatches(options.confirmation, areaName)) {
    throw new AppError('INVALID_INPUT', 'The typed area name does not match', { fields: { confirmation: 'errors:alert.confirmationMismatch' } })
  }

  let approvedById: string | null = null
  if (await needsApproval(prisma, cap)) {
    if (draft.state !== 'AWAITING_APPROVAL' || !draft.decidedById) {
      throw new AppError('CONFLICT', 'This alert needs a second staff member\u2019s approval first', {
        fields: { form: 'alerts:errors.approvalRequired' },
      })
    }
    approvedById = draft.decidedById
  }

  const { territory } = await loadComposerContext({ prisma, territoryId: draft.territoryId })
  const identity = await newAlertIdentity({ prisma, territoryId: territory.id, now: options.now })
  let alert
  try {
    alert = validateAlert({ input: { ...payload, ...identity }, boundary: territory.boundary })
  } catch (error) {
    if (!isAppError(error) || !error.fields) throw error
    const languages = (cap.info ?? []).map((i) => appLanguageOf(i.language ?? '') ?? 'lv')
    const fields: Record<string, string> = {}
    for (const [path, key] of Object.entries(error.fields)) fields[composerFieldOf(path, languages, null)] ??= key
    throw new AppError('INVALID_INPUT', error.message, { fields })
  }
  const issued = await issueCapAlert({
    prisma,
    alert,
    actor,
    idempotencyKey: draft.idempotencyKey,
    channels: draft.channels,
    pagingGroupIds: picks.pagingGroupIds,
    deviceGroupIds: picks.deviceGroupIds,
    staffGroupIds: picks.staffGroupIds,
    approvedById,
    draftId: draft.id,
    territoryId: territory.id,
    now: options.now,
  })
  return { alertId: issued.id, created: issued.created }
}
