import { describe, expect, it } from 'vitest'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { verifyDeviceSecret } from '#server/mqtt/device-secret.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { UsageError } from '../main.ts'
import { devicesCommand, parseDevicesArgs } from './devices.ts'

describe('sargs devices: arguments', () => {
  it('parses group add/list, add, list, rotate, remove; refuses the rest clearly', () => {
    expect(parseDevicesArgs(['group', 'add', '--slug', 'centre', '--name', 'Centre', '--kind', 'siren'])).toEqual({ sub: 'group add', slug: 'centre', name: 'Centre', kind: 'siren', language: 'lv' })
    expect(parseDevicesArgs(['group', 'list'])).toEqual({ sub: 'group list' })
    expect(parseDevicesArgs(['add', '--group', 'centre', '--username=siren-1', '--name', 'S1', '--lng', '23.7', '--lat', '56.6'])).toEqual({ sub: 'add', group: 'centre', username: 'siren-1', name: 'S1', lng: '23.7', lat: '56.6' })
    expect(parseDevicesArgs(['rotate', '--username', 'siren-1'])).toEqual({ sub: 'rotate', username: 'siren-1' })
    for (const args of [[], ['group'], ['group', 'remove'], ['add', '--group', 'x', '--username', 'u'], ['add', '--group', 'x', '--username', 'u', '--name', 'n', '--lng', '1'], ['list', '--all'], ['remove'], ['add', '--secret', 'x']]) {
      expect(() => parseDevicesArgs(args), args.join(' ')).toThrow(UsageError)
    }
  })
})

describeEachBackend('sargs devices on the test database', (backend) => {
  const db = useTestDatabase(backend)
  it('adds a group and a device whose secret is printed once, lists them, rotates, removes; audited', async () => {
    const prisma = db().prisma
    await seedDemo({ prisma, onlyIfEmpty: true })
    const lines: string[] = []
    const errors: string[] = []
    const run = (args: string[]) => devicesCommand({ prisma, command: parseDevicesArgs(args), print: (l) => lines.push(l), printError: (l) => errors.push(l) })
    expect(await run(['group', 'add', '--slug', 'centre', '--name', 'Centrs', '--kind', 'siren'])).toBe(0)
    expect(lines[0]).toContain('sargs/jelgava/centre/alert')
    expect(await run(['add', '--group', 'centre', '--username', 'siren-1', '--name', 'Siren 1', '--lng', '23.72', '--lat', '56.65'])).toBe(0)
    const secret = /Secret \(shown once, only its hash is kept\): (\S+)$/.exec(lines.join('\n'))?.[1]
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(verifyDeviceSecret(secret, (await prisma.device.findUniqueOrThrow({ where: { username: 'siren-1' } })).passwordHash)).toBe(true)
    lines.length = 0
    expect(await run(['group', 'list'])).toBe(0)
    expect(await run(['list'])).toBe(0)
    expect(lines[0]).toBe('centre           Centrs  (siren, lv, on, 1 devices, 0 online)')
    expect(lines[1]).toBe('siren-1          Siren 1  (group centre, on, offline, last seen never, last ack never, at 56.65,23.72)')
    expect(lines.join('\n')).not.toContain(secret!)
    expect(await run(['rotate', '--username', 'siren-1'])).toBe(0)
    const rotated = / \(shown once; the old one no longer signs in\): (\S+)$/.exec(lines.at(-1)!)?.[1]
    expect(rotated).toBeDefined()
    expect(rotated).not.toBe(secret)
    // bad input: the field is named, nothing written
    expect(await run(['add', '--group', 'centre', '--username', 'bad/name', '--name', 'X'])).toBe(1)
    expect(errors.at(-1)).toContain('(username)')
    expect(await run(['add', '--group', 'nowhere', '--username', 'x', '--name', 'X'])).toBe(1)
    expect(await run(['remove', '--username', 'siren-1'])).toBe(0)
    expect(await prisma.device.count()).toBe(0)
    expect((await prisma.auditLog.findMany({ where: { entityType: { in: ['Device', 'DeviceGroup'] } }, orderBy: { seq: 'asc' } })).map((a) => a.action)).toEqual([
      'device-group.created', 'device.added', 'device.secret-rotated', 'device.removed',
    ])
  })
})
