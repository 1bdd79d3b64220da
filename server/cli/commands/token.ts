// sargs token create --name N --scope alerts:issue [--mode issue|draft]
// sargs token list
// sargs token revoke --name N
//
// Machine API tokens (POST /api/cap). `create` prints the secret once — it is stored only as its
// SHA-256 and cannot be shown again; `list` shows names, the first characters, scopes, mode and
// use, never a secret; `revoke` stops a token at once. Creating and revoking are audited (actor
// "cli"). --mode draft (the default) keeps each received alert as a draft for an operator to
// review; --mode issue issues it right away (subject to the approval setting).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ApiTokenCapMode } from '#generated/prisma/enums.ts'
import { cliActor } from '#domain/auth/actor.ts'
import { apiTokenScopes, isApiTokenScope, TOKEN_NAME_RE } from '#domain/api-tokens/api-token-scopes.ts'
import { createApiToken } from '#domain/api-tokens/create-api-token.ts'
import { listApiTokens } from '#domain/api-tokens/list-api-tokens.ts'
import { revokeApiToken } from '#domain/api-tokens/revoke-api-token.ts'
import { isAppError } from '#domain/errors.ts'
import { applyMigrations } from '../../db/migrations.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'token create --name N --scope alerts:issue [--mode issue|draft] | token list | token revoke --name N'

export type TokenCommand =
  | { sub: 'create'; name: string; scopes: string[]; capMode: ApiTokenCapMode }
  | { sub: 'list' }
  | { sub: 'revoke'; name: string }

const allowedFlags: Record<TokenCommand['sub'], string[]> = { create: ['name', 'scope', 'mode'], list: [], revoke: ['name'] }

/** Parse the arguments after "token"; throws UsageError with a clear message. */
export function parseTokenArgs(args: string[]): TokenCommand {
  const [sub, ...rest] = args
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') {
    throw new UsageError(sub ? `unknown subcommand "${sub}" (usage: sargs ${usage})` : `usage: sargs ${usage}`)
  }
  const flags = new Map<string, string[]>()
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    const match = /^--([a-z]+)(?:=(.*))?$/s.exec(arg)
    if (!match || !allowedFlags[sub].includes(match[1])) throw new UsageError(`unexpected argument "${arg}" (usage: sargs ${usage})`)
    const value = match[2] ?? rest[++i]
    if (value === undefined || (match[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${match[1]} needs a value`)
    if (flags.has(match[1]) && match[1] !== 'scope') throw new UsageError(`--${match[1]} given twice`)
    flags.set(match[1], [...(flags.get(match[1]) ?? []), value])
  }
  if (sub === 'list') return { sub }
  const name = flags.get('name')?.[0]
  if (!name) throw new UsageError(`--name is required (usage: sargs ${usage})`)
  if (!TOKEN_NAME_RE.test(name)) throw new UsageError(`"${name}" is not a valid token name: letters, digits, ".", "-", "_", up to 64 characters`)
  if (sub === 'revoke') return { sub, name }
  const scopes = (flags.get('scope') ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
  if (scopes.length === 0) throw new UsageError(`--scope is required; one of: ${apiTokenScopes.join(', ')}`)
  for (const scope of scopes) if (!isApiTokenScope(scope)) throw new UsageError(`unknown scope "${scope}"; one of: ${apiTokenScopes.join(', ')}`)
  const mode = (flags.get('mode')?.[0] ?? 'draft').toLowerCase()
  if (mode !== 'issue' && mode !== 'draft') throw new UsageError(`unknown mode "${mode}"; one of: issue, draft`)
  return { sub, name, scopes, capMode: mode === 'issue' ? 'ISSUE' : 'DRAFT' }
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-')

/** Run a parsed command against the database; returns the exit code. */
export async function tokenCommand(prisma: PrismaClient, command: TokenCommand, print: (line: string) => void = console.log): Promise<number> {
  try {
    if (command.sub === 'create') {
      const token = await createApiToken({ prisma, actor: cliActor, name: command.name, scopes: command.scopes, capMode: command.capMode })
      print(`Created token ${token.name} (scopes: ${token.scopes.join(', ')}; CAP in: ${token.capMode === 'ISSUE' ? 'issue at once' : 'keep as drafts for review'}).`)
      print('')
      print('Secret (shown only now; Sargs keeps only its SHA-256):')
      print(token.secret)
      print('')
      print(`Use it as: Authorization: Bearer ${token.prefix}…`)
      return 0
    }
    if (command.sub === 'revoke') {
      const revoked = await revokeApiToken({ prisma, actor: cliActor, name: command.name })
      print(revoked.already ? `Token ${command.name} was revoked already (${when(revoked.revokedAt)}).` : `Revoked token ${command.name}.`)
      return 0
    }
    const tokens = await listApiTokens({ prisma })
    if (tokens.length === 0) {
      print('No API tokens.')
      return 0
    }
    const rows = [
      ['NAME', 'PREFIX', 'SCOPES', 'MODE', 'CREATED', 'LAST USED', 'STATUS'],
      ...tokens.map((t) => [t.name, `${t.prefix}…`, t.scopes.join(','), t.capMode.toLowerCase(), when(t.createdAt), when(t.lastUsedAt), t.revokedAt ? `revoked ${when(t.revokedAt)}` : 'active']),
    ]
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
    for (const row of rows) print(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd())
    return 0
  } catch (error) {
    if (isAppError(error) && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND' || error.code === 'INVALID_INPUT')) {
      console.error(`sargs token: ${error.message}`)
      return 1
    }
    throw error
  }
}

export async function run(args: string[]): Promise<number> {
  const command = parseTokenArgs(args)
  return withCliDatabase(async (db) => {
    for (const name of await applyMigrations({ adapterFactory: db.adapterFactory })) console.log(`Applied ${name}`)
    const code = await tokenCommand(db.prisma, command)
    if (code === 0 && command.sub !== 'list') console.log(`(${describeDatabase(db)})`)
    return code
  })
}
