// Whether a lot is usable, nearing its expiry (within the item's warning days) or expired.
const DAY_MS = 86_400_000

export type ExpiryState = 'none' | 'ok' | 'expiring' | 'expired'

export function expiryState(expiresOn: Date | null, warningDays: number, today: Date): ExpiryState {
  if (!expiresOn) return 'none'
  if (expiresOn.getTime() < today.getTime()) return 'expired'
  if (expiresOn.getTime() <= today.getTime() + warningDays * DAY_MS) return 'expiring'
  return 'ok'
}
