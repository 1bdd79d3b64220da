import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { asDatabaseOwner, describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { verifyPassword } from '#domain/auth/password.ts'
import { UsageError } from '../main.ts'
import { verifyCommand } from './audit.ts'
import { createUserCommand, parseUserArgs } from './user.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

describe('sargs user create: arguments', () => {
  it('parses flags in both forms and normalises email and role', () => {
    expect(parseUserArgs(['create', '--email', 'Ops@Jelgava.LV', '--role', 'commission-member', '--name=Anna Liepa'])).toEqual({
      email: 'ops@jelgava.lv',
      role: 'COMMISSION_MEMBER',
      name: 'Anna Liepa',
      password: null,
    })
    expect(parseUserArgs(['create', '--email=a@b.lv', '--role=OPERATOR', '--password', 'twelve chars ok'])).toMatchObject({
      name: 'a',
      password: 'twelve chars ok',
    })
  })

  it.each([
    [[], /usage/],
    [['delete'], /unknown subcommand "delete"/],
    [['create', '--role', 'operator'], /--email is required/],
    [['create', '--email', 'not-an-email', '--role', 'operator'], /not a valid e-mail/],
    [['create', '--email', 'a@b.lv'], /--role is required; one of: administrator, commission_member/],
    [['create', '--email', 'a@b.lv', '--role', 'chief'], /unknown role "chief"/],
    [['create', '--email', 'a@b.lv', '--role', 'operator', '--password', 'short'], /too short: at least 12/],
    [['create', '--email', 'a@b.lv', '--role', 'operator', '--password'], /--password needs a value/],
    [['create', '--email', 'a@b.lv', '--role', 'operator', '--bogus', 'x'], /unexpected argument "--bogus"/],
    [['create', '--email', 'a@b.lv', '--email', 'c@d.lv', '--role', 'operator'], /given twice/],
  ])('refuses %j with a clear message', (args, message) => {
    expect(() => parseUserArgs(args as string[])).toThrow(UsageError)
    expect(() => parseUserArgs(args as string[])).toThrow(message)
  })
})

describeEachBackend('sargs user create / audit verify on the test database', (backend) => {
  const db = useTestDatabase(backend)

  it('creates the user, prints the password once and the enrolment URI; audited as cli', async () => {
    const lines: string[] = []
    const code = await createUserCommand(db().prisma, parseUserArgs(['create', '--email', 'ops@jelgava.lv', '--role', 'operator']), (l) => lines.push(l))
    expect(code).toBe(0)
    const out = lines.join('\n')
    const password = /One-time password \(shown only now\): (\S+)/.exec(out)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/)
    const user = await db().prisma.user.findUniqueOrThrow({ where: { email: 'ops@jelgava.lv' } })
    expect(await verifyPassword(user.passwordHash, password!)).toBe(true)
    expect(out).toContain(`otpauth://totp/Sargs:ops%40jelgava.lv?`)
    expect(out).toContain(`secret=${user.totpPending}`)
    expect(user.totpSecret).toBeNull() // confirmed by the user at first sign-in
    expect(out).toMatch(/no active administrator/)
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: 'user.create', entityId: user.id } })
    expect(audit).toMatchObject({ actorLabel: 'cli', actorId: null })

    // the same address again: exit 1 with a message
    expect(await createUserCommand(db().prisma, parseUserArgs(['create', '--email', 'OPS@jelgava.lv', '--role', 'trainer']), () => {})).toBe(1)

    const verified: string[] = []
    expect(await verifyCommand(db().prisma, (l) => verified.push(l))).toBe(0)
    expect(verified[0]).toMatch(/^Audit chain intact: 1 entry verified\.$/)
    await asDatabaseOwner(db().prisma, [`UPDATE "AuditLog" SET "data" = '{}'::jsonb WHERE "seq" = 1`])
    const broken: string[] = []
    expect(await verifyCommand(db().prisma, (l) => broken.push(l))).toBe(1)
    expect(broken[0]).toMatch(/^Audit chain BROKEN at seq 1: its hash does not match its content/)
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

describe('the sargs binary', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-cli-'))
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('bad arguments exit 2 with a message', async () => {
    const result = await sargs(['user', 'create', '--email', 'a@b.lv', '--role', 'chief'], { DATA_DIR: dataDir })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/unknown role "chief"/)
  }, 60_000)

  it('creates an administrator in a fresh data directory, then audit verify exits 0', async () => {
    const created = await sargs(['user', 'create', '--email', 'admin@jelgava.lv', '--role', 'administrator', '--password', 'a long cli password'], {
      DATA_DIR: dataDir,
    })
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/Created administrator account admin@jelgava\.lv/)
    expect(created.stdout).not.toMatch(/One-time password/)
    expect(created.stdout).toMatch(/otpauth:\/\/totp\//)
    const verified = await sargs(['audit', 'verify'], { DATA_DIR: dataDir })
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(/Audit chain intact: 1 entry verified/)
  }, 180_000)
})
