// Creating a machine API token (sargs token create). Returns the secret, which is never stored
// and cannot be shown again; the database keeps its SHA-256 and first characters. Audited.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ApiTokenCapMode } from '#generated/prisma/enums.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { hashTokenSecret, newTokenSecret, TOKEN_PREFIX_SHOWN } from './api-token-secret.ts'
import { isApiTokenScope, TOKEN_NAME_RE } from './api-token-scopes.ts'

export type CreateApiTokenOptions = {
  prisma: PrismaClient
  actor: Actor
  name: string
  scopes: string[]
  /** CAP in: issue right away, or keep as a draft for an operator (default) */
  capMode?: ApiTokenCapMode
}

export type CreatedApiToken = { id: string; name: string; prefix: string; scopes: string[]; capMode: ApiTokenCapMode; secret: string }

export async function createApiToken(options: CreateApiTokenOptions): Promise<CreatedApiToken> {
  const { prisma, actor, name } = options
  const capMode = options.capMode ?? 'DRAFT'
  const fields: Record<string, string> = {}
  if (!TOKEN_NAME_RE.test(name)) fields.name = 'errors:apiToken.nameInvalid'
  const scopes = [...new Set(options.scopes)]
  if (scopes.length === 0 || !scopes.every(isApiTokenScope)) fields.scopes = 'errors:apiToken.scopeUnknown'
  if (Object.keys(fields).length) throw new AppError('INVALID_INPUT', 'Invalid API token', { fields })
  if (actor.role !== null) throw new AppError('FORBIDDEN', 'API tokens are created on the command line')

  const secret = newTokenSecret()
  const prefix = secret.slice(0, TOKEN_PREFIX_SHOWN)
  return prisma.$transaction(async (tx) => {
    // names are never reused, also after revocation: the audit log names tokens
    const taken = await tx.apiToken.findUnique({ where: { name }, select: { id: true } })
    if (taken) throw new AppError('CONFLICT', `A token named ${name} exists already`, { fields: { name: 'errors:apiToken.nameTaken' } })
    const row = await tx.apiToken.create({ data: { name, secretHash: hashTokenSecret(secret), prefix, scopes, capMode } })
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'api-token.created',
      entityType: 'ApiToken',
      entityId: row.id,
      data: { name, prefix, scopes, capMode },
    })
    return { id: row.id, name, prefix, scopes, capMode, secret }
  })
}
