// Password hashing with argon2id (@node-rs/argon2, OWASP's minimum parameters: 19 MiB, 2 passes,
// 1 lane) and the password policy shared by setup, the admin screens and the CLI.
import crypto from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './schemas.ts'

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH }

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } // algorithm: argon2id (default)

/** The same password typed on different keyboards/input methods hashes the same. */
function normalise(password: string): string {
  return password.normalize('NFC')
}

/** i18n key (auth namespace) of what is wrong with a new password, or null when it is fine. */
export function checkPasswordPolicy(password: string): string | null {
  const length = [...normalise(password)].length
  if (length < PASSWORD_MIN_LENGTH) return 'auth:password.tooShort'
  if (length > PASSWORD_MAX_LENGTH) return 'auth:password.tooLong'
  return null
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalise(password), OPTIONS)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  // an over-long input is refused before any hashing (no denial of service by 1 MB passwords)
  if (password.length > PASSWORD_MAX_LENGTH * 4) return false
  try {
    return await verify(passwordHash, normalise(password))
  } catch {
    return false // malformed stored hash: never a match
  }
}

let dummyHash: Promise<string> | undefined
/**
 * Spend about as long as a real verification, for unknown e-mail addresses, so response time
 * does not tell an attacker which accounts exist.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'))
  await verifyPassword(await dummyHash, password)
  return false
}

const READABLE = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789' // no 0/O, 1/l/I
/** A random one-time password for a new account: 20 readable characters (~115 bits). */
export function generatePassword(length = 20): string {
  const out: string[] = []
  while (out.length < length) {
    const byte = crypto.randomBytes(1)[0]
    // rejection sampling keeps every character equally likely
    if (byte < 256 - (256 % READABLE.length)) out.push(READABLE[byte % READABLE.length])
  }
  return out.join('')
}
