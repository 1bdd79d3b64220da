// The scopes a machine API token can carry. One for now: issuing alerts through POST /api/cap.
export const apiTokenScopes = ['alerts:issue'] as const
export type ApiTokenScope = (typeof apiTokenScopes)[number]

export const isApiTokenScope = (value: string): value is ApiTokenScope => (apiTokenScopes as readonly string[]).includes(value)

/** Token names: what `sargs token revoke --name` takes and the audit log shows. */
export const TOKEN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
