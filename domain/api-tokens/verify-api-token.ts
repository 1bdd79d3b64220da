// Verifying the bearer token of a machine request (POST /api/cap). The presented secret is hashed
// before anything else, so the work done does not depend on whether or where it matches; the
// lookup is by the digest (unique index) and the digests are compared again in constant time.
// A revoked, unknown or malformed token is UNAUTHENTICATED; a token without the scope FORBIDDEN.
// lastUsedAt is kept to the minute (one write a minute per token, not one per request).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ApiTokenCapMode } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'
import { hashTokenSecret, looksLikeTokenSecret, sameDigest } from './api-token-secret.ts'
import type { ApiTokenScope } from './api-token-scopes.ts'

export type VerifiedApiToken = { id: string; name: string; prefix: string; scopes: string[]; capMode: ApiTokenCapMode }

export type VerifyApiTokenOptions = {
  prisma: Pick<PrismaClient, 'apiToken'>
  /** the Authorization header as received (null when absent) */
  authorization: string | null
  /** the scope the request needs */
  scope: ApiTokenScope
  now?: Date
}

/** The secret of an `Authorization: Bearer <secret>` header (RFC 6750 §2.1), or null. */
export function bearerSecret(authorization: string | null): string | null {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '')
  return match ? match[1] : null
}

export async function verifyApiToken(options: VerifyApiTokenOptions): Promise<VerifiedApiToken> {
  const secret = bearerSecret(options.authorization)
  if (secret === null) throw new AppError('UNAUTHENTICATED', 'A bearer token is required', { fields: { authorization: 'errors:apiToken.missing' } })
  const digest = hashTokenSecret(secret)
  const token = looksLikeTokenSecret(secret)
    ? await options.prisma.apiToken.findUnique({ where: { secretHash: digest } })
    : null
  if (!token || !sameDigest(token.secretHash, digest) || token.revokedAt) {
    throw new AppError('UNAUTHENTICATED', 'The bearer token is unknown or revoked', { fields: { authorization: 'errors:apiToken.invalid' } })
  }
  if (!token.scopes.includes(options.scope)) {
    throw new AppError('FORBIDDEN', `The token ${token.name} lacks the scope ${options.scope}`, { fields: { scope: options.scope } })
  }
  const now = options.now ?? new Date()
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= 60_000) {
    await options.prisma.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { lastUsedAt: now } })
  }
  return { id: token.id, name: token.name, prefix: token.prefix, scopes: token.scopes, capMode: token.capMode }
}
