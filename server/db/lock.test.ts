import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { acquireLock, DatabaseLockedError, type LockInfo, liveHolder, lockPathFor } from './lock.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-lock-'))
  dirs.push(dir)
  return dir
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(child.stdout.toString())
}

function writeLock(dir: string, info: Partial<LockInfo>): void {
  const full: LockInfo = {
    pid: deadPid(),
    hostname: os.hostname(),
    role: 'app',
    startedAt: new Date().toISOString(),
    token: 'old',
    socket: null,
    ...info,
  }
  fs.writeFileSync(lockPathFor(dir), JSON.stringify(full))
}

describe('data directory lock', () => {
  it('is exclusive, also within one process, and released', () => {
    const dir = dataDir()
    const lock = acquireLock(dir, 'app')
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, role: 'app' })
    expect((fs.statSync(lock.path).mode & 0o777).toString(8)).toBe('600')
    expect(() => acquireLock(dir, 'cli')).toThrow(DatabaseLockedError)
    expect(liveHolder(dir)?.token).toBe(lock.info.token)
    lock.update({ socket: { host: '/x', port: 5432 } })
    expect(liveHolder(dir)?.socket).toEqual({ host: '/x', port: 5432 })
    lock.release()
    expect(fs.existsSync(lock.path)).toBe(false)
    expect(liveHolder(dir)).toBeNull()
    acquireLock(dir, 'cli').release()
  })

  it('takes over a stale lock (dead pid) and a corrupt one', () => {
    const dir = dataDir()
    writeLock(dir, {})
    expect(liveHolder(dir)).toBeNull()
    const lock = acquireLock(dir, 'app')
    expect(lock.info.pid).toBe(process.pid)
    lock.release()
    fs.writeFileSync(lockPathFor(dir), '{not json')
    acquireLock(dir, 'app').release()
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('treats a lock left by this pid but not held here (a restarted container) as stale', () => {
    const dir = dataDir()
    writeLock(dir, { pid: process.pid })
    acquireLock(dir, 'app').release()
  })

  it('refuses a lock of a live process or of another host', () => {
    const dir = dataDir()
    writeLock(dir, { pid: process.ppid, role: 'cli' })
    expect(() => acquireLock(dir, 'app')).toThrow(/in use by another sargs cli process/)
    writeLock(dir, { hostname: 'elsewhere' })
    expect(() => acquireLock(dir, 'app')).toThrow(DatabaseLockedError)
  })

  it('release leaves a lock that is no longer ours alone', () => {
    const dir = dataDir()
    const lock = acquireLock(dir, 'app')
    writeLock(dir, { pid: process.ppid, token: 'someone-else' })
    lock.release()
    expect(liveHolder(dir)?.token).toBe('someone-else')
  })
})
