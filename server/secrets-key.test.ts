import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSecretsKey } from './secrets-key.ts'

describe('secrets key', () => {
  it('makes a key file once (owner-only) and reads the same key after; SECRETS_KEY wins', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sargs-key-'))
    const first = await loadSecretsKey({ secretsKey: undefined, dataDir: dir })
    expect(first).toHaveLength(32)
    expect(await loadSecretsKey({ secretsKey: undefined, dataDir: dir })).toEqual(first)
    expect((await fs.stat(path.join(dir, 'secrets.key'))).mode & 0o777).toBe(0o600)
    const given = crypto.randomBytes(32)
    expect(await loadSecretsKey({ secretsKey: given, dataDir: dir })).toBe(given)
    await fs.writeFile(path.join(dir, 'secrets.key'), 'short')
    await expect(loadSecretsKey({ secretsKey: undefined, dataDir: dir })).rejects.toThrow(/32-byte/)
    await fs.rm(dir, { recursive: true })
  })
})
