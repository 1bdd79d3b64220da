// sargs devices group add --slug S --name N [--kind siren|display|gateway|other] [--language lv|en|ru]
// sargs devices group list
// sargs devices add --group SLUG --username U --name N [--lng X --lat Y]   (prints the secret ONCE)
// sargs devices list
// sargs devices rotate --username U                                         (prints the new secret ONCE)
// sargs devices remove --username U
//
// MQTT device groups and devices for the embedded broker (decision 022). A device signs in with its
// username (also its MQTT client id and topic segment) and the generated secret; only its SHA-256
// is stored, so the secret is printed once and never again. Every change is audited (actor "cli").
import type { PrismaClient } from '#generated/prisma/client.ts'
import { cliActor } from '#domain/auth/actor.ts'
import { addDevice, createDeviceGroup, findDevice, findDeviceGroup, listDeviceGroups, removeDevice, rotateDeviceSecret } from '#domain/devices/devices.ts'
import { isAppError } from '#domain/errors.ts'
import { alertTopic } from '#notify/channels/mqtt/topics.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { applyMigrations } from '../../db/migrations.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage =
  'devices group add --slug S --name N [--kind siren|display|gateway|other] [--language lv|en|ru] | devices group list | devices add --group SLUG --username U --name N [--lng X --lat Y] | devices list | devices rotate --username U | devices remove --username U'

export type DevicesCommand =
  | { sub: 'group add'; slug: string; name: string; kind: string; language: string }
  | { sub: 'group list' }
  | { sub: 'add'; group: string; username: string; name: string; lng?: string; lat?: string }
  | { sub: 'list' }
  | { sub: 'rotate' | 'remove'; username: string }

const ALLOWED: Record<string, string[]> = {
  'group add': ['slug', 'name', 'kind', 'language'],
  'group list': [],
  add: ['group', 'username', 'name', 'lng', 'lat'],
  list: [],
  rotate: ['username'],
  remove: ['username'],
}

export function parseDevicesArgs(args: string[]): DevicesCommand {
  const [first, ...others] = args
  const sub = first === 'group' ? `group ${others[0] ?? ''}` : (first ?? '')
  const rest = first === 'group' ? others.slice(1) : others
  const allowed = ALLOWED[sub]
  if (!allowed) throw new UsageError(first ? `unknown subcommand "${sub.trim()}" (usage: sargs ${usage})` : `usage: sargs ${usage}`)
  const flags = new Map<string, string>()
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(rest[i])
    if (!m || !allowed.includes(m[1])) throw new UsageError(`unexpected argument "${rest[i]}" (usage: sargs ${usage})`)
    const value = m[2] ?? rest[++i]
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value`)
    flags.set(m[1], value)
  }
  const need = (name: string) => {
    const value = flags.get(name)
    if (!value) throw new UsageError(`--${name} is required`)
    return value
  }
  switch (sub) {
    case 'group add':
      return { sub, slug: need('slug'), name: need('name'), kind: flags.get('kind') ?? 'other', language: flags.get('language') ?? 'lv' }
    case 'group list':
    case 'list':
      return { sub }
    case 'add': {
      if (flags.has('lng') !== flags.has('lat')) throw new UsageError('give both --lng and --lat, or neither')
      return { sub, group: need('group'), username: need('username'), name: need('name'), ...(flags.has('lng') ? { lng: flags.get('lng'), lat: flags.get('lat') } : {}) }
    }
    default:
      return { sub: sub as 'rotate' | 'remove', username: need('username') }
  }
}

export async function devicesCommand(options: { prisma: PrismaClient; command: DevicesCommand; print?: (line: string) => void; printError?: (line: string) => void }): Promise<number> {
  const print = options.print ?? console.log
  const printError = options.printError ?? console.error
  const { prisma, command } = options
  try {
    switch (command.sub) {
      case 'group add': {
        const group = await createDeviceGroup({ prisma, actor: cliActor, input: { slug: command.slug, name: command.name, kind: command.kind, language: command.language } })
        const territory = await getDefaultTerritory({ prisma })
        print(`Added device group "${group.name}" (${group.kind}, ${group.language}); its devices hear ${alertTopic(territory?.slug ?? 'territory', group.slug)}.`)
        return 0
      }
      case 'group list':
      case 'list': {
        const groups = await listDeviceGroups({ prisma, actor: cliActor })
        if (groups.length === 0) print('No device groups.')
        for (const g of groups) {
          if (command.sub === 'group list') {
            print(`${g.slug.padEnd(16)} ${g.name}  (${g.kind}, ${g.language}, ${g.enabled ? 'on' : 'off'}, ${g.devices.length} devices, ${g.devices.filter((d) => d.online).length} online)`)
            continue
          }
          for (const d of g.devices) {
            const seen = d.lastSeenAt ? d.lastSeenAt.toISOString() : 'never'
            const ack = d.lastAckAt ? d.lastAckAt.toISOString() : 'never'
            print(`${d.username.padEnd(16)} ${d.name}  (group ${g.slug}, ${d.enabled ? 'on' : 'off'}, ${d.online ? 'online' : 'offline'}, last seen ${seen}, last ack ${ack}${d.lng !== null ? `, at ${d.lat},${d.lng}` : ''})`)
          }
        }
        return 0
      }
      case 'add': {
        const group = await findDeviceGroup(prisma, command.group)
        if (!group) {
          printError(`sargs devices: no device group "${command.group}"`)
          return 1
        }
        const { device, secret } = await addDevice({ prisma, actor: cliActor, input: { groupId: group.id, username: command.username, name: command.name, lng: command.lng, lat: command.lat } })
        print(`Added device ${device.username} to group ${group.slug}.`)
        print(`MQTT username and client id: ${device.username}`)
        print(`Secret (shown once, only its hash is kept): ${secret}`)
        return 0
      }
      case 'rotate':
      case 'remove': {
        const device = await findDevice(prisma, command.username)
        if (!device) {
          printError(`sargs devices: no device "${command.username}"`)
          return 1
        }
        if (command.sub === 'remove') {
          await removeDevice({ prisma, actor: cliActor, id: device.id })
          print(`Removed device ${device.username}.`)
          return 0
        }
        const { secret } = await rotateDeviceSecret({ prisma, actor: cliActor, id: device.id })
        print(`New secret for ${device.username} (shown once; the old one no longer signs in): ${secret}`)
        return 0
      }
    }
  } catch (error) {
    if (isAppError(error) && (error.code === 'INVALID_INPUT' || error.code === 'CONFLICT' || error.code === 'UNAVAILABLE')) {
      const fields = error.fields ? ` (${Object.keys(error.fields).join(', ')})` : ''
      printError(`sargs devices: ${error.message}${fields}`)
      return 1
    }
    throw error
  }
}

export async function run(args: string[]): Promise<number> {
  const command = parseDevicesArgs(args)
  return withCliDatabase(async (db) => {
    for (const name of await applyMigrations({ adapterFactory: db.adapterFactory })) console.log(`Applied ${name}`)
    const code = await devicesCommand({ prisma: db.prisma, command })
    if (code === 0 && command.sub !== 'list' && command.sub !== 'group list') console.log(`(${describeDatabase(db)})`)
    return code
  })
}
