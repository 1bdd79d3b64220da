// What the composer starts with: empty, a template (in lv/en/ru, {{area}} filled with the
// territory's name until the operator names the area), or the alert an Update, Cancel or
// all-clear refers to (its texts and areas, its status, its channels, a reference to it — not its
// hand-written SMS texts: they said what the original said, and an Update or Cancel says more).
// A new alert goes out on defaultComposerChannels.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { AppError } from '#domain/errors.ts'
import { toLocalInputValue } from '#domain/incidents/datetime.ts'
import { alertFromTemplate } from '#notify/cap/templates/alert-from-template.ts'
import { alertTemplateIds, metPhenomena, type AlertTemplateId, type MetPhenomenon } from '#notify/cap/templates/alert-templates.ts'
import type { CapAlert, CapStatus } from '#notify/cap/types.ts'
import { authorizeCompose } from './authorize-alert.ts'
import { areaNameOf } from './compose-alert.ts'
import { composerChannelNames, defaultComposerChannels, type ComposerValues } from './composer-fields.ts'
import { composerValuesOf, referenceText } from './composer-values.ts'

export type PrefillComposerOptions = {
  prisma: PrismaClient
  actor: Actor
  territory: { id: string; name: string }
  templateId?: string | null
  /** the Alert id an Update or Cancel refers to */
  referencesAlertId?: string | null
  /** with referencesAlertId: Update (default) or Cancel */
  msgType?: string | null
  phenomenon?: string | null
  shelter?: string | null
  /** the area's name as residents know it (fills {{area}} and the drawn area's label) */
  areaName?: string | null
  now?: Date
}

export type ComposerPrefill = { values: ComposerValues; templateId: AlertTemplateId | null; original: { id: string; identifier: string } | null }

export async function prefillComposer(options: PrefillComposerOptions): Promise<ComposerPrefill> {
  const { prisma, actor } = options
  authorizeCompose(actor)
  const now = options.now ?? new Date()
  const mayIssueReal = actor.role === null || can(actor.role, 'create:alert:any')
  const defaultStatus: CapStatus = mayIssueReal ? 'Actual' : 'Exercise'
  const templateId = alertTemplateIds.find((id) => id === options.templateId) ?? null

  let original: CapAlert | null = null
  let originalId: string | null = null
  let channels: string[] = defaultComposerChannels
  if (options.referencesAlertId) {
    const row = await prisma.alert.findFirst({ where: { id: options.referencesAlertId, territoryId: options.territory.id } })
    if (!row) throw new AppError('NOT_FOUND', 'Alert not found', { fields: { references: 'alerts:errors.referenceUnknown' } })
    original = row.payload as unknown as CapAlert
    originalId = row.id
    // an Update or Cancel reaches whom the original reached: on its channels (those still offered)
    const offered = composerChannelNames.filter((c) => row.channels.includes(c))
    if (offered.length) channels = offered
  }
  const status: CapStatus = original && (original.status !== 'Actual' || mayIssueReal) ? original.status : defaultStatus

  const areaName = options.areaName?.trim() || (original ? areaNameOf(original) : options.territory.name)
  let values: ComposerValues
  if (templateId) {
    const areas = original?.info[0]?.area ?? []
    const filled = alertFromTemplate({
      templateId,
      identifier: 'draft',
      sender: 'draft',
      sent: now,
      status,
      areaName,
      areas,
      phenomenon: options.phenomenon && options.phenomenon in metPhenomena ? (options.phenomenon as MetPhenomenon) : undefined,
      shelter: options.shelter ?? undefined,
      references: original ? [{ sender: original.sender, identifier: original.identifier, sent: original.sent }] : undefined,
    })
    values = composerValuesOf(filled as Parameters<typeof composerValuesOf>[0])
  } else if (original) {
    values = composerValuesOf(original)
    values.msgType = options.msgType === 'Cancel' ? 'Cancel' : 'Update'
    values.references = [referenceText(original)]
    for (const key of Object.keys(values) as (keyof ComposerValues)[]) if (key.endsWith('.sms')) delete values[key]
  } else {
    values = {
      status,
      msgType: 'Alert',
      category: ['Safety'],
      urgency: 'Expected',
      severity: 'Moderate',
      certainty: 'Likely',
      expires: toLocalInputValue(new Date(now.getTime() + 24 * 3600_000)),
    }
  }
  values.status = status
  values.channels = [...channels]
  if (!values.areaLabel && !original) values.areaLabel = areaName
  return { values, templateId, original: original && originalId ? { id: originalId, identifier: original.identifier } : null }
}
