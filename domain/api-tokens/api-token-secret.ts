// Machine API tokens: the secret is shown once at creation and stored only as its SHA-256. A
// token secret is `sargs_` + 43 base64url characters (256 random bits): guessing is hopeless, so
// a fast hash is the right one (no salt, no KDF) and lookup by hash is by unique index.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const TOKEN_PREFIX = 'sargs_'
/** how many leading characters of the secret are kept, so an operator can recognise a token */
export const TOKEN_PREFIX_SHOWN = 12
const TOKEN_RE = /^sargs_[A-Za-z0-9_-]{43}$/

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/** Whether a presented secret has our token's form (cheap pre-check; not a verification). */
export const looksLikeTokenSecret = (secret: string) => TOKEN_RE.test(secret)

/** Constant-time comparison of two hex digests of equal length. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y)
}
