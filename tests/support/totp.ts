// TOTP codes as an authenticator app computes them (RFC 6238: SHA-1, 6 digits, 30 s), computed
// independently of the app's own code with otpauth.
import * as OTPAuth from 'otpauth'

export function totpCode(base32Secret: string, at: Date = new Date()): string {
  const totp = new OTPAuth.TOTP({
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(base32Secret.replace(/\s+/g, '')),
  })
  return totp.generate({ timestamp: at.getTime() })
}

/** The code of the next 30-second step (accepted: the app allows one step of clock drift). */
export function nextTotpCode(base32Secret: string): string {
  return totpCode(base32Secret, new Date(Date.now() + 30_000))
}
