// The key that seals channel credentials (domain/secrets/seal.ts): SECRETS_KEY when set (needed
// when several app processes share a PostgreSQL database: give every one the same key), otherwise
// a key file in the data directory, made on first start with owner-only permissions. The key is
// never stored in the database, so a copy of the database alone opens no credential.
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'

export async function loadSecretsKey(options: { secretsKey: Buffer | undefined; dataDir: string }): Promise<Buffer> {
  if (options.secretsKey) return options.secretsKey
  const file = path.join(options.dataDir, 'secrets.key')
  await fs.mkdir(options.dataDir, { recursive: true })
  try {
    await fs.writeFile(file, crypto.randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64')
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key (base64)`)
  return key
}
