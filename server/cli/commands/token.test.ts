import { createHash } from 'node:crypto'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { verifyApiToken } from '#domain/api-tokens/verify-api-token.ts'
import { UsageError } from '../main.ts'
import { verifyCommand } from './audit.ts'
import { parseTokenArgs, tokenCommand } from './token.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

describe('sargs token: arguments', () => {
  it('parses create, list and revoke', () => {
    expect(parseTokenArgs(['create', '--name', 'lvgmc', '--scope', 'alerts:issue'])).toEqual({ sub: 'create', name: 'lvgmc', scopes: ['alerts:issue'], capMode: 'DRAFT' })
    expect(parseTokenArgs(['create', '--name=lvgmc', '--scope=alerts:issue', '--mode', 'ISSUE'])).toMatchObject({ capMode: 'ISSUE' })
    expect(parseTokenArgs(['create', '--name', 'a', '--scope', 'alerts:issue', '--scope', 'alerts:issue', '--mode=draft'])).toMatchObject({ scopes: ['alerts:issue', 'alerts:issue'], capMode: 'DRAFT' })
    expect(parseTokenArgs(['list'])).toEqual({ sub: 'list' })
    expect(parseTokenArgs(['revoke', '--name', 'lvgmc'])).toEqual({ sub: 'revoke', name: 'lvgmc' })
  })

  it.each([
    [[], /usage/],
    [['delete'], /unknown subcommand "delete"/],
    [['create', '--scope', 'alerts:issue'], /--name is required/],
    [['create', '--name', 'a b', '--scope', 'alerts:issue'], /not a valid token name/],
    [['create', '--name', 'x'.repeat(65), '--scope', 'alerts:issue'], /not a valid token name/],
    [['create', '--name', 'lvgmc'], /--scope is required; one of: alerts:issue/],
    [['create', '--name', 'lvgmc', '--scope', 'admin'], /unknown scope "admin"/],
    [['create', '--name', 'lvgmc', '--scope', 'alerts:issue', '--mode', 'auto'], /unknown mode "auto"/],
    [['create', '--name', 'lvgmc', '--scope', 'alerts:issue', '--name', 'x'], /given twice/],
    [['create', '--name'], /--name needs a value/],
    [['list', '--name', 'x'], /unexpected argument "--name"/],
    [['revoke'], /--name is required/],
    [['revoke', '--name', 'a', '--scope', 'alerts:issue'], /unexpected argument "--scope"/],
  ])('refuses %j with a clear message', (args, message) => {
    expect(() => parseTokenArgs(args as string[])).toThrow(UsageError)
    expect(() => parseTokenArgs(args as string[])).toThrow(message)
  })
})

describeEachBackend('sargs token on the test database', (backend) => {
  const db = useTestDatabase(backend)

  it('create prints the secret once and stores only its SHA-256; list never shows it; revoke stops it; all audited as cli', async () => {
    const prisma = db().prisma
    const lines: string[] = []
    expect(await tokenCommand(prisma, parseTokenArgs(['create', '--name', 'lvgmc', '--scope', 'alerts:issue', '--mode', 'issue']), (l) => lines.push(l))).toBe(0)
    const out = lines.join('\n')
    const secret = /^(sargs_[A-Za-z0-9_-]{43})$/m.exec(out)?.[1]
    expect(secret).toBeDefined()
    expect(out).toMatch(/shown only now/)
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { name: 'lvgmc' } })
    expect(row.secretHash).toBe(createHash('sha256').update(secret!).digest('hex'))
    expect(row).toMatchObject({ prefix: secret!.slice(0, 12), scopes: ['alerts:issue'], capMode: 'ISSUE', revokedAt: null, lastUsedAt: null })
    expect(JSON.stringify(await prisma.apiToken.findMany())).not.toContain(secret)

    const verified = await verifyApiToken({ prisma, authorization: `Bearer ${secret}`, scope: 'alerts:issue' })
    expect(verified).toMatchObject({ id: row.id, name: 'lvgmc', capMode: 'ISSUE' })
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt).toBeInstanceOf(Date)

    // the same name again: exit 1 with a message, no second token
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      expect(await tokenCommand(prisma, parseTokenArgs(['create', '--name', 'lvgmc', '--scope', 'alerts:issue']), () => {})).toBe(1)
      expect(errors.mock.calls[0][0]).toMatch(/a token named lvgmc exists already/i)
      expect(await tokenCommand(prisma, parseTokenArgs(['revoke', '--name', 'nobody']), () => {})).toBe(1)
      expect(errors.mock.calls[1][0]).toMatch(/no token named nobody/i)
    } finally {
      errors.mockRestore()
    }
    expect(await prisma.apiToken.count()).toBe(1)

    await tokenCommand(prisma, parseTokenArgs(['create', '--name', 'second.token', '--scope', 'alerts:issue']), () => {})
    const listed: string[] = []
    expect(await tokenCommand(prisma, parseTokenArgs(['list']), (l) => listed.push(l))).toBe(0)
    expect(listed[0]).toMatch(/^NAME\s+PREFIX\s+SCOPES\s+MODE\s+CREATED\s+LAST USED\s+STATUS$/)
    expect(listed[1]).toMatch(new RegExp(`^lvgmc\\s+${secret!.slice(0, 12)}…\\s+alerts:issue\\s+issue\\s+\\S+Z\\s+\\S+Z\\s+active$`))
    expect(listed[2]).toMatch(/^second\.token\s+sargs_\S+…\s+alerts:issue\s+draft\s+\S+Z\s+-\s+active$/)
    expect(listed.join('\n')).not.toContain(secret)

    const revoked: string[] = []
    expect(await tokenCommand(prisma, parseTokenArgs(['revoke', '--name', 'lvgmc']), (l) => revoked.push(l))).toBe(0)
    expect(revoked).toEqual(['Revoked token lvgmc.'])
    await expect(verifyApiToken({ prisma, authorization: `Bearer ${secret}`, scope: 'alerts:issue' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    const again: string[] = []
    expect(await tokenCommand(prisma, parseTokenArgs(['revoke', '--name', 'lvgmc']), (l) => again.push(l))).toBe(0)
    expect(again[0]).toMatch(/was revoked already/)
    const relisted: string[] = []
    await tokenCommand(prisma, parseTokenArgs(['list']), (l) => relisted.push(l))
    expect(relisted[1]).toMatch(/revoked \S+Z$/)

    const audit = await prisma.auditLog.findMany({ orderBy: { seq: 'asc' } })
    expect(audit.map((a) => `${a.action} ${a.actorLabel}`)).toEqual(['api-token.created cli', 'api-token.created cli', 'api-token.revoked cli'])
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(secret)
    expect(await verifyCommand(prisma, () => {})).toBe(0)
  })

  it('verification: wrong, malformed, other-scheme or missing secrets are UNAUTHENTICATED; a token lacking the scope FORBIDDEN', async () => {
    const prisma = db().prisma
    const lines: string[] = []
    await tokenCommand(prisma, parseTokenArgs(['create', '--name', 'verify-me', '--scope', 'alerts:issue']), (l) => lines.push(l))
    const secret = /^(sargs_\S+)$/m.exec(lines.join('\n'))![1]
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
    for (const authorization of [null, '', 'Bearer', `Bearer ${flipped}`, `Bearer ${secret}x`, `Basic ${secret}`, `Bearer ${secret} extra`, 'Bearer \u0000']) {
      await expect(verifyApiToken({ prisma, authorization, scope: 'alerts:issue' }), String(authorization)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    }
    // the scheme is case-insensitive (RFC 7235)
    expect((await verifyApiToken({ prisma, authorization: `bearer ${secret}`, scope: 'alerts:issue' })).name).toBe('verify-me')
    await prisma.apiToken.update({ where: { name: 'verify-me' }, data: { scopes: [] } })
    await expect(verifyApiToken({ prisma, authorization: `Bearer ${secret}`, scope: 'alerts:issue' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })
})

function sargs(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/sargs.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'production', ...env } as NodeJS.ProcessEnv,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('the sargs binary: token', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-cli-token-'))
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('bad arguments exit 2 with a message', async () => {
    const result = await sargs(['token', 'create', '--name', 'lvgmc', '--scope', 'everything'], { DATA_DIR: dataDir })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/unknown scope "everything"/)
  }, 60_000)

  it('creates a token in a fresh data directory, then lists it without the secret', async () => {
    const created = await sargs(['token', 'create', '--name', 'lvgmc', '--scope', 'alerts:issue', '--mode', 'issue'], { DATA_DIR: dataDir })
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const secret = /^(sargs_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1]
    expect(secret).toBeDefined()
    const listed = await sargs(['token', 'list'], { DATA_DIR: dataDir })
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^lvgmc\s+sargs_\S+…\s+alerts:issue\s+issue\s/m)
    expect(listed.stdout).not.toContain(secret)
  }, 180_000)
})
