// `sargs seed --demo` in-process on a fresh embedded database: seeds, then says it is already
// there and changes nothing; bad arguments are a usage error (exit 2).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openDatabase } from '../../db/open.ts'
import { main } from '../main.ts'

let dataDir: string
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL }

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-seed-cli-'))
  process.env.DATA_DIR = dataDir
  delete process.env.DATABASE_URL
})

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  fs.rmSync(dataDir, { recursive: true, force: true })
})

async function run(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')))
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')))
  try {
    const code = await main(args)
    return { code, out: out.join('\n'), err: err.join('\n') }
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
}

describe('sargs seed', () => {
  it('refuses bad arguments with a clear message and exit code 2', async () => {
    for (const args of [['seed'], ['seed', '--dmeo'], ['seed', '--demo', 'extra']]) {
      const result = await run(args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.err).toMatch(/sargs seed: .*(--demo|unexpected argument)/)
    }
  })

  it('seeds the demo once, then says so and exits 0 without duplicating', async () => {
    const first = await run(['seed', '--demo'])
    expect(first.err).toBe('')
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/Seeded the demo municipality Jelgava/)
    const second = await run(['seed', '--demo'])
    expect(second.code).toBe(0)
    expect(second.out).toMatch(/already there; nothing changed/)

    const db = await openDatabase({ env: { dataDir, databaseUrl: undefined }, role: 'cli' })
    try {
      expect(await db.prisma.territory.count()).toBe(1)
      expect(await db.prisma.incident.count()).toBe(4)
      expect(await db.prisma.auditLog.count({ where: { action: 'demo.seeded', actorLabel: 'cli' } })).toBe(1)
    } finally {
      await db.close()
    }
  }, 120_000)
})
