// Changing the alert settings (manage:settings:any), audited with the old and new values.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import type { AlertSettings } from './get-alert-settings.ts'
import { REQUIRE_APPROVAL_SETTING } from './issue-cap-alert.ts'

/** Form input: requireApproval "true"/"false" (or "on" from a checkbox), or a boolean. */
function readBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 'on') return true
  if (value === 'false' || value === undefined || value === null || value === '') return false
  return null
}

export async function updateAlertSettings(options: { prisma: PrismaClient; actor: Actor; input: Record<string, unknown> }): Promise<AlertSettings> {
  const { prisma, actor } = options
  authorize(actor, 'manage:settings:any')
  const requireApproval = readBoolean(options.input.requireApproval)
  if (requireApproval === null) throw new AppError('INVALID_INPUT', 'Invalid setting', { fields: { requireApproval: 'errors:invalid' } })
  return prisma.$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: REQUIRE_APPROVAL_SETTING } })
    const previous = before?.value === true
    if (previous !== requireApproval || !before) {
      await tx.setting.upsert({
        where: { key: REQUIRE_APPROVAL_SETTING },
        create: { key: REQUIRE_APPROVAL_SETTING, value: requireApproval },
        update: { value: requireApproval },
      })
      await recordAudit(tx, {
        ...actorFields(actor),
        action: 'settings.updated',
        entityType: 'Setting',
        entityId: REQUIRE_APPROVAL_SETTING,
        data: { key: REQUIRE_APPROVAL_SETTING, from: previous, to: requireApproval },
      })
    }
    return { requireApproval }
  })
}
