// sargs social add --network mastodon|telegram|facebook|x --name N [--language lv|en|ru] [--config key=value …]
//   (the credentials as a JSON object on standard input, e.g. {"accessToken":"…"}: never in
//   arguments, which end up in shell history and process lists)
// sargs social list
// sargs social enable|disable --name N
//
// The municipality's social accounts for the 'social' channel (decision 019). Credentials are
// sealed with SECRETS_KEY (or the data directory's key file) and never printed; `list` shows the
// last characters only. Every change is audited (actor "cli").
import type { PrismaClient } from '#generated/prisma/client.ts'
import { cliActor } from '#domain/auth/actor.ts'
import { isAppError } from '#domain/errors.ts'
import { addSocialAccount, listSocialAccounts, setSocialAccountEnabled } from '#domain/social/social-accounts.ts'
import { applyMigrations } from '../../db/migrations.ts'
import { parseEnv } from '../../env.ts'
import { loadSecretsKey } from '../../secrets-key.ts'
import { UsageError } from '../main.ts'
import { readStdinJson } from '../stdin-json.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'social add --network N --name N [--language lv] [--config key=value …] (credentials JSON on stdin) | social list | social enable|disable --name N'

export type SocialCommand =
  | { sub: 'add'; network: string; name: string; language: string; config: Record<string, string> }
  | { sub: 'list' }
  | { sub: 'enable' | 'disable'; name: string }

const SUBS = ['add', 'list', 'enable', 'disable'] as const

export function parseSocialArgs(args: string[]): SocialCommand {
  const [sub, ...rest] = args
  if (!SUBS.includes(sub as (typeof SUBS)[number])) throw new UsageError(sub ? `unknown subcommand "${sub}" (usage: sargs ${usage})` : `usage: sargs ${usage}`)
  const allowed = sub === 'add' ? ['network', 'name', 'language', 'config'] : sub === 'list' ? [] : ['name']
  const flags = new Map<string, string[]>()
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(rest[i])
    if (!m || !allowed.includes(m[1])) throw new UsageError(`unexpected argument "${rest[i]}" (usage: sargs ${usage})`)
    const value = m[2] ?? rest[++i]
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value`)
    flags.set(m[1], [...(flags.get(m[1]) ?? []), value])
  }
  if (sub === 'list') return { sub }
  const name = flags.get('name')?.[0]
  if (!name) throw new UsageError('--name is required')
  if (sub !== 'add') return { sub: sub as 'enable' | 'disable', name }
  const network = flags.get('network')?.[0]
  if (!network) throw new UsageError('--network is required: mastodon, telegram, facebook or x')
  const config: Record<string, string> = {}
  for (const pair of flags.get('config') ?? []) {
    const eq = pair.indexOf('=')
    if (eq < 1) throw new UsageError(`--config takes key=value, not "${pair}"`)
    config[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return { sub: 'add', network, name, language: flags.get('language')?.[0] ?? 'lv', config }
}

export async function socialCommand(options: { prisma: PrismaClient; command: SocialCommand; secretsKey: Buffer; credentials?: Record<string, unknown>; print?: (line: string) => void }): Promise<number> {
  const print = options.print ?? console.log
  const { prisma, command } = options
  try {
    if (command.sub === 'add') {
      const account = await addSocialAccount({ prisma, actor: cliActor, secretsKey: options.secretsKey, input: { ...options.credentials, ...command.config, network: command.network, name: command.name, language: command.language } })
      print(`Added ${account.network} account "${account.name}" (${account.language}; credentials sealed, ${account.secretHint}).`)
      return 0
    }
    const accounts = await listSocialAccounts({ prisma, actor: cliActor })
    if (command.sub === 'list') {
      if (accounts.length === 0) print('No social accounts.')
      for (const a of accounts) print(`${a.network.padEnd(9)} ${a.name}  (${a.language}, ${a.enabled ? 'on' : 'off'}, ${Object.entries(a.config).map(([k, v]) => `${k}=${v}`).join(' ')}, credentials ${a.secretHint})`)
      return 0
    }
    const account = accounts.find((a) => a.name === command.name)
    if (!account) {
      console.error(`sargs social: no account named "${command.name}"`)
      return 1
    }
    await setSocialAccountEnabled({ prisma, actor: cliActor, id: account.id, enabled: command.sub === 'enable' })
    print(`${command.sub === 'enable' ? 'Enabled' : 'Disabled'} "${account.name}".`)
    return 0
  } catch (error) {
    if (isAppError(error) && (error.code === 'INVALID_INPUT' || error.code === 'CONFLICT')) {
      console.error(`sargs social: ${error.message}`)
      return 1
    }
    throw error
  }
}

export async function run(args: string[]): Promise<number> {
  const command = parseSocialArgs(args)
  const env = parseEnv()
  const credentials = command.sub === 'add' ? await readStdinJson(`echo '{"accessToken":"…"}' | sargs social add …`) : undefined
  return withCliDatabase(async (db) => {
    for (const name of await applyMigrations({ adapterFactory: db.adapterFactory })) console.log(`Applied ${name}`)
    const secretsKey = await loadSecretsKey({ secretsKey: env.secretsKey, dataDir: env.dataDir })
    const code = await socialCommand({ prisma: db.prisma, command, secretsKey, credentials })
    if (code === 0 && command.sub !== 'list') console.log(`(${describeDatabase(db)})`)
    return code
  })
}
