/** Capped exponential backoff with full jitter: attempt 1 → up to base, 2 → 2·base … ≤ cap. */
export type BackoffPolicy = { baseMs: number; capMs: number }

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  // half fixed, half jitter: never zero, never in lockstep with the other retries
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
