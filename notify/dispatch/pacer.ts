// Per-channel send pacing: a provider's documented rate (ChannelLimits.ratePerSecond, data on the
// adapter) is held by spacing the sends of this process evenly — each send reserves the next free
// slot, so parallel sends of one batch queue up behind each other instead of bursting. The limit is
// per process: with several workers, give each adapter its share of the provider's rate.
export class Pacer {
  private next = 0
  private readonly intervalMs: number

  constructor(ratePerSecond: number, private readonly now: () => number = () => performance.now()) {
    if (!(ratePerSecond > 0)) throw new Error('Pacer: ratePerSecond must be positive')
    this.intervalMs = 1000 / ratePerSecond
  }

  /** Reserves the next slot; resolves with how long to wait (ms) before sending in it. */
  reserve(): number {
    const now = this.now()
    const at = Math.max(now, this.next)
    this.next = at + this.intervalMs
    return at - now
  }
}
