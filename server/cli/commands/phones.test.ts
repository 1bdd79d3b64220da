import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { UsageError } from '../main.ts'
import { parsePhonesArgs, phonesCommand } from './phones.ts'

describe('sargs phones: arguments', () => {
  it('parses group add/list/enable/disable and phone add/list/remove; refuses the rest clearly', () => {
    expect(parsePhonesArgs(['group', 'add', '--name', 'Dome', '--language', 'ru', '--ack'])).toEqual({ sub: 'group add', name: 'Dome', language: 'ru', requireAck: true, audioGateway: false })
    expect(parsePhonesArgs(['group', 'list'])).toEqual({ sub: 'group list' })
    expect(parsePhonesArgs(['group', 'disable', '--name=Dome'])).toEqual({ sub: 'group disable', name: 'Dome' })
    expect(parsePhonesArgs(['add', '--group', 'Dome', '--name', 'A', '--vendor', 'poly', '--address', 'http://10.0.0.5'])).toEqual({ sub: 'add', group: 'Dome', name: 'A', vendor: 'poly', address: 'http://10.0.0.5' })
    expect(parsePhonesArgs(['list'])).toEqual({ sub: 'list' })
    expect(parsePhonesArgs(['remove', '--name', 'A'])).toEqual({ sub: 'remove', name: 'A' })
    for (const args of [[], ['page'], ['group'], ['group', 'add'], ['add', '--name', 'x'], ['add', '--group', 'g', '--name', 'n', '--vendor', 'cisco', '--address', 'http://x', '--password', 'secret'], ['list', '--name', 'x'], ['group', 'list', '--ack']]) {
      expect(() => parsePhonesArgs(args), args.join(' ')).toThrow(UsageError)
    }
  })
})

describeEachBackend('sargs phones on the test database', (backend) => {
  const db = useTestDatabase(backend)
  it('adds a group and a phone with sealed credentials, lists them without the password, disables the group, removes the phone', async () => {
    const prisma = db().prisma
    await seedDemo({ prisma, onlyIfEmpty: true })
    const key = crypto.randomBytes(32)
    const lines: string[] = []
    const print = (line: string) => lines.push(line)
    const run = (args: string[], credentials?: Record<string, unknown>) => phonesCommand({ prisma, command: parsePhonesArgs(args), secretsKey: key, credentials, print })
    expect(await run(['group', 'add', '--name', 'Dome', '--ack'])).toBe(0)
    expect(await run(['add', '--group', 'Dome', '--name', 'Dežūrtelefons', '--vendor', 'cisco', '--address', 'http://10.20.0.15'], { username: 'pager-user', password: 'very-secret-pw' })).toBe(0)
    expect(await run(['add', '--group', 'Dome', '--name', 'Old', '--vendor', 'yealink', '--address', 'http://10.20.0.16'], {})).toBe(0)
    expect(await run(['list'])).toBe(0)
    expect(await run(['group', 'list'])).toBe(0)
    expect(await run(['group', 'disable', '--name', 'Dome'])).toBe(0)
    expect(await run(['remove', '--name', 'Old'])).toBe(0)
    expect(lines.join('\n')).not.toContain('very-secret-pw')
    expect(lines).toContain('Dome / Dežūrtelefons  (cisco, http://10.20.0.15, on, credentials …user)')
    expect(lines).toContain('Dome  (lv, on, 2 phone(s), ack)')
    expect(await prisma.phone.count()).toBe(1)
    expect((await prisma.pagingGroup.findFirstOrThrow()).enabled).toBe(false)
    const audit = await prisma.auditLog.findMany({ where: { actorLabel: 'cli', entityType: { in: ['PagingGroup', 'Phone'] } }, orderBy: { seq: 'asc' } })
    expect(audit.map((a) => a.action)).toEqual(['paging-group.created', 'phone.added', 'phone.added', 'paging-group.disabled', 'phone.removed'])
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain('very-secret-pw')
    // bad input names the field; an unknown group is refused
    expect(await run(['add', '--group', 'Dome', '--name', 'X', '--vendor', 'nokia', '--address', 'ftp://x'], {})).toBe(1)
    expect(await run(['add', '--group', 'Nav', '--name', 'X', '--vendor', 'poly', '--address', 'http://x'], {})).toBe(1)
    expect(await run(['add', '--group', 'Dome', '--name', 'X', '--vendor', 'poly', '--address', 'http://x'], { username: 'u' })).toBe(1)
    expect(await prisma.phone.count()).toBe(1)
  })
})
