// Exclusive lock on an embedded database directory: PGlite admits one process. The lock is a
// JSON file created atomically (O_CREAT|O_EXCL) next to the data; it names the holder (pid,
// host, role) and, once the app serves the database, the socket to reach it through.
// A lock whose process is gone is stale and taken over; the takeover renames the stale file
// first (atomic), so two processes cannot both take it.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export type LockRole = 'app' | 'cli' | 'test'

export type LockInfo = {
  pid: number
  hostname: string
  role: LockRole
  startedAt: string
  token: string
  /** How to reach the database while this process holds it: pg `host` (socket dir) + `port`. */
  socket: { host: string; port: number } | null
}

export class DatabaseLockedError extends Error {
  constructor(
    readonly holder: LockInfo,
    readonly lockPath: string,
  ) {
    super(
      `the database in ${path.dirname(lockPath)} is in use by ` +
        `${holder.role === 'app' ? 'the Sargs server' : `another sargs ${holder.role} process`} ` +
        `(pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt})`,
    )
    this.name = 'DatabaseLockedError'
  }
}

/** Locks held by this process, so a second opener in the same process is refused too. */
const heldHere = new Map<string, string>()

export function lockPathFor(dataDir: string): string {
  return path.join(dataDir, 'pglite.lock')
}

export type DataDirLock = {
  path: string
  info: LockInfo
  /** Rewrite the lock file (atomically), e.g. to publish the socket. */
  update(patch: Partial<Pick<LockInfo, 'socket'>>): void
  release(): void
}

export function acquireLock(dataDir: string, role: LockRole): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const lockPath = lockPathFor(dataDir)
  const info: LockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    role,
    startedAt: new Date().toISOString(),
    token: randomUUID(),
    socket: null,
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(lockPath, info)) return holdLock(lockPath, info)
    const holder = readLockFile(lockPath)
    if (holder === 'missing') continue
    if (holder !== 'corrupt' && isLive(holder, lockPath)) throw new DatabaseLockedError(holder, lockPath)
    takeOverStale(lockPath, holder)
  }
  throw new Error(`could not take the lock ${lockPath} (it keeps changing)`)
}

/** The live holder of the data directory's lock, or null (no lock, or a stale one). */
export function liveHolder(dataDir: string): LockInfo | null {
  const lockPath = lockPathFor(dataDir)
  const holder = readLockFile(lockPath)
  if (holder === 'missing' || holder === 'corrupt') return null
  return isLive(holder, lockPath) ? holder : null
}

function tryCreate(lockPath: string, info: LockInfo): boolean {
  try {
    fs.writeFileSync(lockPath, JSON.stringify(info, null, 2) + '\n', { flag: 'wx', mode: 0o600 })
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

function readLockFile(lockPath: string): LockInfo | 'missing' | 'corrupt' {
  let text: string
  try {
    text = fs.readFileSync(lockPath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw error
  }
  try {
    const info = JSON.parse(text) as LockInfo
    return typeof info.pid === 'number' && typeof info.token === 'string' ? info : 'corrupt'
  } catch {
    // a lock being written right now is briefly empty: give the writer a moment
    return text.length === 0 && Date.now() - mtime(lockPath) < 2000 ? 'missing' : 'corrupt'
  }
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return 0
  }
}

function isLive(holder: LockInfo, lockPath: string): boolean {
  // another machine sharing the directory: its pid means nothing here, assume alive
  if (holder.hostname !== os.hostname()) return true
  if (holder.pid === process.pid) return heldHere.get(lockPath) === holder.token
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Rename the stale file away (only one taker wins), check it was the one judged stale. */
function takeOverStale(lockPath: string, judged: LockInfo | 'corrupt'): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomUUID()}`
  try {
    fs.renameSync(lockPath, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const moved = readLockFile(aside)
  const same =
    judged === 'corrupt' ? moved === 'corrupt' : typeof moved === 'object' && moved.token === judged.token
  if (!same) {
    // we moved a fresh lock taken in between: put it back (unless yet another appeared)
    try {
      fs.linkSync(aside, lockPath)
    } catch {
      /* another lock exists: ours will fail to create and report it */
    }
  }
  fs.rmSync(aside, { force: true })
}

function holdLock(lockPath: string, info: LockInfo): DataDirLock {
  heldHere.set(lockPath, info.token)
  const onExit = () => releaseSync(lockPath, info.token)
  process.once('exit', onExit)
  return {
    path: lockPath,
    info,
    update(patch) {
      Object.assign(info, patch)
      const temp = `${lockPath}.${info.token}.tmp`
      fs.writeFileSync(temp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 })
      fs.renameSync(temp, lockPath)
    },
    release() {
      process.off('exit', onExit)
      releaseSync(lockPath, info.token)
    },
  }
}

function releaseSync(lockPath: string, token: string): void {
  if (heldHere.get(lockPath) === token) heldHere.delete(lockPath)
  const current = readLockFile(lockPath)
  if (typeof current === 'object' && current.token === token) fs.rmSync(lockPath, { force: true })
}
