import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { newQrToken } from './create-shelter.ts'
import { lockShelter } from './lock-shelter.ts'

/** A new QR code for a shelter (a poster was misused or lost): the old code stops counting. */
export async function rotateQrToken(options: { prisma: PrismaClient; actor: Actor; shelterId: string; now?: Date }): Promise<void> {
  authorize(options.actor, 'manage:shelter:any')
  const now = options.now ?? new Date()
  await options.prisma.$transaction(async (tx) => {
    const shelter = await lockShelter(tx, options.shelterId)
    await tx.shelter.update({ where: { id: shelter.id }, data: { qrToken: newQrToken(), updatedAt: now } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'shelter.qr-rotated', entityType: 'Shelter', entityId: shelter.id, data: {} })
  })
}
