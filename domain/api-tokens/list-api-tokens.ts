// The machine API tokens, for sargs token list (never a secret or its hash).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ApiTokenCapMode } from '#generated/prisma/enums.ts'

export type ApiTokenSummary = {
  id: string
  name: string
  prefix: string
  scopes: string[]
  capMode: ApiTokenCapMode
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

export async function listApiTokens(options: { prisma: Pick<PrismaClient, 'apiToken'> }): Promise<ApiTokenSummary[]> {
  return options.prisma.apiToken.findMany({
    orderBy: [{ createdAt: 'asc' }, { name: 'asc' }],
    select: { id: true, name: true, prefix: true, scopes: true, capMode: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  })
}
