import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { flag } from './schemas.ts'
import { HOUSEHOLDS_SETTING, type ShelterSettings } from './shelter-settings.ts'

/** Switch household records on or off (manage:settings:any), audited with the old and new value. */
export async function updateShelterSettings(options: { prisma: PrismaClient; actor: Actor; input: Record<string, unknown> }): Promise<ShelterSettings> {
  const { prisma, actor } = options
  authorize(actor, 'manage:settings:any')
  const households = flag.parse(options.input.households)
  return prisma.$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: HOUSEHOLDS_SETTING } })
    const previous = before?.value === true
    if (!before || previous !== households) {
      await tx.setting.upsert({ where: { key: HOUSEHOLDS_SETTING }, create: { key: HOUSEHOLDS_SETTING, value: households }, update: { value: households } })
      await recordAudit(tx, { ...actorFields(actor), action: 'settings.updated', entityType: 'Setting', entityId: HOUSEHOLDS_SETTING, data: { key: HOUSEHOLDS_SETTING, from: previous, to: households } })
    }
    return { households }
  })
}
