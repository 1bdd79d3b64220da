// sargs phones group add --name N [--language lv|en|ru] [--ack] [--audio-gateway]
// sargs phones group list
// sargs phones group enable|disable --name N
// sargs phones add --group G --name N --vendor cisco|yealink|poly --address http://10.20.0.15
//   (the credentials as a JSON object on standard input, {"username":"…","password":"…"}, or {}
//   for a phone without authentication: never in arguments, which end up in shell history)
// sargs phones list
// sargs phones remove --name N [--group G]
//
// Paging groups and their desk IP phones for the 'phone' channel (decision 021). Credentials are
// sealed with SECRETS_KEY (or the data directory's key file) and never printed; `list` shows a hint
// of the username only. Every change is audited (actor "cli").
import type { PrismaClient } from '#generated/prisma/client.ts'
import { cliActor } from '#domain/auth/actor.ts'
import { isAppError } from '#domain/errors.ts'
import { addPhone, createPagingGroup, listPagingGroups, removePhone, setPagingGroupEnabled } from '#domain/paging/paging-groups.ts'
import { applyMigrations } from '../../db/migrations.ts'
import { parseEnv } from '../../env.ts'
import { loadSecretsKey } from '../../secrets-key.ts'
import { UsageError } from '../main.ts'
import { readStdinJson } from '../stdin-json.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage =
  'phones group add --name N [--language lv] [--ack] [--audio-gateway] | phones group list | phones group enable|disable --name N | ' +
  'phones add --group G --name N --vendor cisco|yealink|poly --address URL (credentials JSON on stdin) | phones list | phones remove --name N [--group G]'

export type PhonesCommand =
  | { sub: 'group add'; name: string; language: string; requireAck: boolean; audioGateway: boolean }
  | { sub: 'group list' }
  | { sub: 'group enable' | 'group disable'; name: string }
  | { sub: 'add'; group: string; name: string; vendor: string; address: string }
  | { sub: 'list' }
  | { sub: 'remove'; name: string; group?: string }

const VALUE_FLAGS: Record<string, string[]> = {
  'group add': ['name', 'language'],
  'group list': [],
  'group enable': ['name'],
  'group disable': ['name'],
  add: ['group', 'name', 'vendor', 'address'],
  list: [],
  remove: ['name', 'group'],
}
const SWITCHES: Record<string, string[]> = { 'group add': ['ack', 'audio-gateway'] }

export function parsePhonesArgs(args: string[]): PhonesCommand {
  const grouped = args[0] === 'group'
  const sub = grouped ? `group ${args[1] ?? ''}` : (args[0] ?? '')
  const rest = args.slice(grouped ? 2 : 1)
  if (!(sub in VALUE_FLAGS)) throw new UsageError(args.length ? `unknown subcommand "${sub.trim()}" (usage: sargs ${usage})` : `usage: sargs ${usage}`)
  const flags = new Map<string, string>()
  const switches = new Set<string>()
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(rest[i])
    if (m && (SWITCHES[sub] ?? []).includes(m[1]) && m[2] === undefined) {
      switches.add(m[1])
      continue
    }
    if (!m || !VALUE_FLAGS[sub].includes(m[1])) throw new UsageError(`unexpected argument "${rest[i]}" (usage: sargs ${usage})`)
    const value = m[2] ?? rest[++i]
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value`)
    flags.set(m[1], value)
  }
  const need = (flag: string, hint = '') => {
    const value = flags.get(flag)
    if (!value) throw new UsageError(`--${flag} is required${hint}`)
    return value
  }
  switch (sub) {
    case 'group list':
    case 'list':
      return { sub }
    case 'group add':
      return { sub, name: need('name'), language: flags.get('language') ?? 'lv', requireAck: switches.has('ack'), audioGateway: switches.has('audio-gateway') }
    case 'group enable':
    case 'group disable':
      return { sub, name: need('name') }
    case 'add':
      return { sub, group: need('group'), name: need('name'), vendor: need('vendor', ': cisco, yealink or poly'), address: need('address', ', e.g. http://10.20.0.15') }
    default:
      return { sub: 'remove', name: need('name'), ...(flags.get('group') ? { group: flags.get('group') } : {}) }
  }
}

export async function phonesCommand(options: { prisma: PrismaClient; command: PhonesCommand; secretsKey: Buffer; credentials?: Record<string, unknown>; print?: (line: string) => void }): Promise<number> {
  const print = options.print ?? console.log
  const fail = (message: string) => {
    console.error(`sargs phones: ${message}`)
    return 1
  }
  const { prisma, command } = options
  try {
    if (command.sub === 'group add') {
      const group = await createPagingGroup({ prisma, actor: cliActor, input: { name: command.name, language: command.language, requireAck: command.requireAck, audioGateway: command.audioGateway } })
      print(`Added paging group "${group.name}" (${group.language}${group.requireAck ? ', acknowledgement required' : ''}${group.audioGateway ? ', audio gateway' : ''}).`)
      return 0
    }
    const groups = await listPagingGroups({ prisma, actor: cliActor })
    const groupNamed = (name: string) => groups.find((g) => g.name === name)
    switch (command.sub) {
      case 'group list':
        if (groups.length === 0) print('No paging groups.')
        for (const g of groups) print(`${g.name}  (${g.language}, ${g.enabled ? 'on' : 'off'}, ${g.phones.length} phone(s)${g.requireAck ? ', ack' : ''}${g.audioGateway ? ', audio gateway' : ''})`)
        return 0
      case 'group enable':
      case 'group disable': {
        const group = groupNamed(command.name)
        if (!group) return fail(`no paging group named "${command.name}"`)
        await setPagingGroupEnabled({ prisma, actor: cliActor, id: group.id, enabled: command.sub === 'group enable' })
        print(`${command.sub === 'group enable' ? 'Enabled' : 'Disabled'} paging group "${group.name}".`)
        return 0
      }
      case 'add': {
        const group = groupNamed(command.group)
        if (!group) return fail(`no paging group named "${command.group}"`)
        const c = options.credentials ?? {}
        const phone = await addPhone({ prisma, actor: cliActor, secretsKey: options.secretsKey, groupId: group.id, input: { name: command.name, vendor: command.vendor, address: command.address, username: c.username, password: c.password } })
        print(`Added ${phone.vendor} phone "${phone.name}" to "${group.name}" (${phone.address}; ${phone.hasCredentials ? `credentials sealed, user ${phone.secretHint}` : 'no credentials'}).`)
        return 0
      }
      case 'list':
        if (groups.every((g) => g.phones.length === 0)) print('No phones.')
        for (const g of groups)
          for (const p of g.phones) print(`${g.name} / ${p.name}  (${p.vendor}, ${p.address}, ${p.enabled ? 'on' : 'off'}, ${p.hasCredentials ? `credentials ${p.secretHint}` : 'no credentials'}${p.lastAckAt ? `, last ack ${p.lastAckAt}` : ''})`)
        return 0
      case 'remove': {
        const matches = groups.filter((g) => !command.group || g.name === command.group).flatMap((g) => g.phones.filter((p) => p.name === command.name))
        if (matches.length === 0) return fail(`no phone named "${command.name}"${command.group ? ` in "${command.group}"` : ''}`)
        if (matches.length > 1) return fail(`${matches.length} phones are named "${command.name}": say which group with --group`)
        await removePhone({ prisma, actor: cliActor, id: matches[0].id })
        print(`Removed phone "${command.name}".`)
        return 0
      }
    }
  } catch (error) {
    if (isAppError(error) && (error.code === 'INVALID_INPUT' || error.code === 'CONFLICT' || error.code === 'NOT_FOUND')) {
      return fail(error.message)
    }
    throw error
  }
}

export async function run(args: string[]): Promise<number> {
  const command = parsePhonesArgs(args)
  const env = parseEnv()
  const credentials = command.sub === 'add' ? await readStdinJson(`echo '{"username":"…","password":"…"}' | sargs phones add … ({} for none)`) : undefined
  return withCliDatabase(async (db) => {
    for (const name of await applyMigrations({ adapterFactory: db.adapterFactory })) console.log(`Applied ${name}`)
    const secretsKey = await loadSecretsKey({ secretsKey: env.secretsKey, dataDir: env.dataDir })
    const code = await phonesCommand({ prisma: db.prisma, command, secretsKey, credentials })
    if (code === 0 && command.sub !== 'list' && command.sub !== 'group list') console.log(`(${describeDatabase(db)})`)
    return code
  })
}
