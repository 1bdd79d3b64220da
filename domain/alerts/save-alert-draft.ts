// Saving the composer's form as a draft (new or edited). The composition is validated in full
// (validateAlert) with per-field errors for the form, the channels chosen with it (at least one,
// known names); a trainer may only save exercises. Editing a submitted, approved or rejected draft
// takes it back to DRAFT: an approval is of what was approved (channels and group picks included).
// The group picks (paging, device and staff groups) must be groups of the draft's territory; they
// are stored beside the CAP payload (group-picks.ts).
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { alertTemplateIds } from '#notify/cap/templates/alert-templates.ts'
import { authorizeStatus } from './authorize-alert.ts'
import { composeAlert, type ComposedAlert } from './compose-alert.ts'
import { parseComposerChannels } from './composer-fields.ts'
import { checkGroupPicks, joinDraftPayload, parseGroupPicks, splitDraftPayload } from './group-picks.ts'
import { draftIdentity, loadComposerContext } from './load-composer-context.ts'

export type SaveAlertDraftOptions = {
  prisma: PrismaClient
  actor: Actor
  /** absent: a new draft */
  id?: string
  /** the composer form's values */
  values: Record<string, unknown>
  /**
   * the channels chosen: the form's checkbox group (values.channels, [] when none is ticked).
   * Absent (a caller that is not the form): the draft keeps its channels, a new one gets the default.
   */
  channels?: unknown
  territoryId?: string
  now?: Date
}

export async function saveAlertDraft(options: SaveAlertDraftOptions): Promise<{ id: string }> {
  const { prisma, actor, values } = options
  const now = options.now ?? new Date()
  authorizeStatus(actor, typeof values.status === 'string' ? values.status : undefined)

  const existing = options.id ? await prisma.alertDraft.findUnique({ where: { id: options.id } }) : null
  if (options.id && !existing) throw new AppError('NOT_FOUND', 'Alert draft not found')
  if (existing) {
    if (!['DRAFT', 'AWAITING_APPROVAL', 'REJECTED'].includes(existing.state)) {
      throw new AppError('CONFLICT', 'The draft was issued or discarded', { fields: { form: 'alerts:errors.draftNotOpen' } })
    }
    const was = (existing.payload as { status?: string }).status
    if (was !== 'Exercise' && actor.role !== null && !can(actor.role, 'create:alert:any')) {
      throw new AppError('FORBIDDEN', `${actor.label} may only edit exercise drafts`)
    }
  }

  const context = await loadComposerContext({ prisma, territoryId: existing?.territoryId ?? options.territoryId })
  // the form always sends its picks (none ticked: none); another caller without them keeps the draft's
  const formPicks = options.channels !== undefined || ['pagingGroupIds', 'deviceGroupIds', 'staffGroupIds'].some((f) => f in values)
  const picks = formPicks || !existing ? parseGroupPicks(values) : splitDraftPayload(existing.payload as object).picks
  let composed: ComposedAlert | null = null
  let fields: Record<string, string> = {}
  try {
    composed = composeAlert({
      values,
      namedAreas: context.namedAreas,
      identity: draftIdentity(context.territory, now),
      boundary: context.territory.boundary,
      channels: options.channels ?? existing?.channels,
    })
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'INVALID_INPUT' || !error.fields) throw error
    fields = { ...error.fields }
  }
  // every problem at once: the picks are checked even when the composition has errors
  const channels = composed?.channels ?? parseComposerChannels(options.channels ?? existing?.channels).channels
  const pickErrors = await checkGroupPicks(prisma, { territoryId: context.territory.id, picks, channels })
  fields = { ...pickErrors, ...fields }
  if (!composed || Object.keys(fields).length > 0) {
    throw new AppError('INVALID_INPUT', `Invalid alert: ${Object.keys(fields).join(', ')}`, { fields })
  }
  const templateId =
    typeof values.templateId === 'string' && (alertTemplateIds as readonly string[]).includes(values.templateId) ? values.templateId : null
  const payload = joinDraftPayload(composed.payload, picks) as unknown as Prisma.InputJsonValue
  const summary = {
    status: composed.alert.status,
    msgType: composed.alert.msgType,
    areaName: composed.areaName,
    headline: composed.alert.info[0]?.headline ?? null,
    languages: composed.alert.info.map((i) => i.language),
    references: composed.alert.references.map((r) => r.identifier),
    channels: composed.channels,
    ...picks,
  }

  return prisma.$transaction(async (tx) => {
    if (existing) {
      const updated = await tx.alertDraft.updateMany({
        where: { id: existing.id, state: { in: ['DRAFT', 'AWAITING_APPROVAL', 'REJECTED'] } },
        data: {
          payload,
          namedAreaIds: composed.namedAreaIds,
          channels: composed.channels,
          state: 'DRAFT',
          submittedById: null,
          submittedAt: null,
          decidedById: null,
          decidedAt: null,
          updatedAt: now,
        },
      })
      if (updated.count !== 1) throw new AppError('CONFLICT', 'The draft was issued or discarded', { fields: { form: 'alerts:errors.draftNotOpen' } })
      await recordAudit(tx, {
        ...actorFields(actor),
        action: 'alert.draft.updated',
        entityType: 'AlertDraft',
        entityId: existing.id,
        data: { ...summary, previousState: existing.state },
      })
      return { id: existing.id }
    }
    const draft = await tx.alertDraft.create({
      data: {
        territoryId: context.territory.id,
        source: 'COMPOSER',
        state: 'DRAFT',
        payload,
        namedAreaIds: composed.namedAreaIds,
        channels: composed.channels,
        templateId,
        createdById: actor.id,
        createdAt: now,
        updatedAt: now,
      },
    })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'alert.draft.created',
      entityType: 'AlertDraft',
      entityId: draft.id,
      data: { ...summary, templateId },
    })
    return { id: draft.id }
  })
}
