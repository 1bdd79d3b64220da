import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.ts'

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, capMs: 60_000 }
  it('doubles per attempt between half and all of the ceiling, and stops at the cap', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500)
    expect(backoffDelay(1, policy, () => 1)).toBe(1000)
    expect(backoffDelay(3, policy, () => 0)).toBe(2000)
    expect(backoffDelay(3, policy, () => 1)).toBe(4000)
    expect(backoffDelay(30, policy, () => 1)).toBe(60_000)
    expect(backoffDelay(30, policy, () => 0)).toBe(30_000)
  })
  it('spreads retries (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, policy)))
    expect(delays.size).toBeGreaterThan(40)
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(8000)
  })
})
