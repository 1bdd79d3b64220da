// Rate-limit rules of the sign-in, second-factor and setup steps (consumeRateLimit in
// rate-limit.ts does the counting). Design:
// - per address: bounds what one client can try, whatever the accounts;
// - per account and address: a person mistyping is slowed, other addresses are not;
// - per account from every address: a short window, so a distributed flood against one account
//   gets at most `limit` guesses a minute and the real operator is held up for at most a minute;
// - successful attempts are refunded, so real use never fills a bucket.
import type { RateLimitRule } from './rate-limit.ts'

export const SIGNIN_IP = { limit: 30, windowSeconds: 600 }
export const SIGNIN_ACCOUNT_IP = { limit: 10, windowSeconds: 900 }
export const SIGNIN_ACCOUNT = { limit: 20, windowSeconds: 60 }
export const SECOND_FACTOR_USER = { limit: 10, windowSeconds: 600 }
export const SECOND_FACTOR_IP = { limit: 30, windowSeconds: 600 }
export const SETUP_IP = { limit: 10, windowSeconds: 600 }

export function signInRules(email: string, ip: string | null | undefined): RateLimitRule[] {
  const address = ip || 'unknown'
  return [
    { key: `signin:ip:${address}`, ...SIGNIN_IP },
    { key: `signin:account-ip:${email}|${address}`, ...SIGNIN_ACCOUNT_IP },
    { key: `signin:account:${email}`, ...SIGNIN_ACCOUNT },
  ]
}

export function secondFactorRules(userId: string, ip: string | null | undefined): RateLimitRule[] {
  return [
    { key: `totp:user:${userId}`, ...SECOND_FACTOR_USER },
    { key: `totp:ip:${ip || 'unknown'}`, ...SECOND_FACTOR_IP },
  ]
}

export function setupRules(ip: string | null | undefined): RateLimitRule[] {
  return [{ key: `setup:ip:${ip || 'unknown'}`, ...SETUP_IP }]
}
