// Revoking a machine API token (sargs token revoke): it stops working at once, in every process
// (each request looks the token up). Revoking twice changes nothing. Audited.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'

export async function revokeApiToken(options: { prisma: PrismaClient; actor: Actor; name: string; now?: Date }): Promise<{ id: string; revokedAt: Date; already: boolean }> {
  const { prisma, actor, name } = options
  if (actor.role !== null) throw new AppError('FORBIDDEN', 'API tokens are revoked on the command line')
  return prisma.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { name } })
    if (!token) throw new AppError('NOT_FOUND', `No token named ${name}`)
    if (token.revokedAt) return { id: token.id, revokedAt: token.revokedAt, already: true }
    const revokedAt = options.now ?? new Date()
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt } })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'api-token.revoked',
      entityType: 'ApiToken',
      entityId: token.id,
      data: { name, prefix: token.prefix },
    })
    return { id: token.id, revokedAt, already: false }
  })
}
