import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { UsageError } from '../main.ts'
import { parseSocialArgs, socialCommand } from './social.ts'

describe('sargs social: arguments', () => {
  it('parses add, list, enable and disable; refuses the rest clearly', () => {
    expect(parseSocialArgs(['add', '--network', 'mastodon', '--name', 'Jelgava', '--config', 'instanceUrl=https://m.example'])).toEqual({ sub: 'add', network: 'mastodon', name: 'Jelgava', language: 'lv', config: { instanceUrl: 'https://m.example' } })
    expect(parseSocialArgs(['list'])).toEqual({ sub: 'list' })
    expect(parseSocialArgs(['disable', '--name=Jelgava'])).toEqual({ sub: 'disable', name: 'Jelgava' })
    for (const args of [[], ['post'], ['add', '--name', 'x'], ['add', '--network', 'x', '--name', 'y', '--config', 'novalue'], ['list', '--name', 'x'], ['add', '--token', 'secret']]) {
      expect(() => parseSocialArgs(args), args.join(' ')).toThrow(UsageError)
    }
  })
})

describeEachBackend('sargs social on the test database', (backend) => {
  const db = useTestDatabase(backend)
  it('adds an account with sealed credentials, lists it without them, switches it off', async () => {
    const prisma = db().prisma
    await seedDemo({ prisma, onlyIfEmpty: true })
    const key = crypto.randomBytes(32)
    const lines: string[] = []
    const print = (l: string) => lines.push(l)
    const add = parseSocialArgs(['add', '--network', 'telegram', '--name', 'Jelgava RU', '--language', 'ru', '--config', 'chatId=@jelgava'])
    expect(await socialCommand({ prisma, command: add, secretsKey: key, credentials: { botToken: '123:secret-bot-token' }, print })).toBe(0)
    expect(await socialCommand({ prisma, command: { sub: 'list' }, secretsKey: key, print })).toBe(0)
    expect(await socialCommand({ prisma, command: { sub: 'disable', name: 'Jelgava RU' }, secretsKey: key, print })).toBe(0)
    expect(lines.join('\n')).not.toContain('secret-bot-token')
    expect(lines[1]).toContain('telegram  Jelgava RU  (ru, on, chatId=@jelgava, credentials …oken)')
    expect((await prisma.socialAccount.findFirstOrThrow()).enabled).toBe(false)
    expect((await prisma.auditLog.findMany({ where: { entityType: 'SocialAccount' } })).map((a) => a.action)).toEqual(['social-account.added', 'social-account.disabled'])
    // a missing credential is named, nothing stored
    expect(await socialCommand({ prisma, command: parseSocialArgs(['add', '--network', 'mastodon', '--name', 'M', '--config', 'instanceUrl=https://m.example']), secretsKey: key, credentials: {}, print })).toBe(1)
    expect(await prisma.socialAccount.count()).toBe(1)
  })
})
