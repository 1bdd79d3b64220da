// Device secrets for the embedded MQTT broker (decision 016). Sargs generates each device's secret
// (32 random bytes, base64url: 256 bits, not a password a person chose), shows it once, and keeps
// only its SHA-256 (hex), like the API tokens. A fast hash is enough for a random 256-bit secret and
// keeps a reconnect storm of hundreds of sirens cheap; scrypt would cost tens of milliseconds of CPU
// per connection for no gain. Comparison is constant-time (timingSafeEqual over the digests).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A new device secret (43 base64url characters). */
export function generateDeviceSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** What is stored: the SHA-256 of the secret, hex. */
export function hashDeviceSecret(secret: string | Buffer): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Whether a presented password matches a stored hash, in constant time. */
export function verifyDeviceSecret(presented: string | Buffer | undefined, storedHash: string): boolean {
  if (presented === undefined || presented.length === 0 || presented.length > 1024) return false
  if (!/^[0-9a-f]{64}$/.test(storedHash)) return false
  const actual = createHash('sha256').update(presented).digest()
  return timingSafeEqual(actual, Buffer.from(storedHash, 'hex'))
}
