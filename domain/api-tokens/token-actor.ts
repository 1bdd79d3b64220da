// The actor for what a machine token does: no user and no role; the audit log names the token.
import type { Actor } from '#domain/auth/actor.ts'

export type TokenActor = Actor & { scopes: string[]; tokenId: string }

export function tokenActor(token: { id: string; name: string; scopes: string[] }, ip?: string | null): TokenActor {
  return { id: null, role: null, label: `token:${token.name}`, ip: ip ?? null, scopes: [...token.scopes], tokenId: token.id }
}
