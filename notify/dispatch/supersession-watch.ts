// A Cancel or Update that commits while a batch of the alert it replaces is being sent stops the
// rest of that batch (decision 008): before each send the dispatcher asks whether the alert was
// superseded. The answer comes from the database, at most `maxAgeMs` old (one small query per
// interval and batch, not one per message; 0 = a fresh look before every send, for tests).
import type { Db } from '#notify/ledger/db.ts'

export class SupersessionWatch {
  private readonly superseded = new Set<string>()
  private current: { startedAt: number; done: Promise<void> } | undefined

  /** freshAt: performance.now() of a moment the alerts were known not to be superseded (the claim) */
  constructor(
    private readonly db: Db,
    private readonly alertIds: string[],
    private readonly maxAgeMs: number,
    freshAt?: number,
  ) {
    if (freshAt !== undefined) this.current = { startedAt: freshAt, done: Promise.resolve() }
  }

  async isSuperseded(alertId: string): Promise<boolean> {
    if (this.superseded.has(alertId)) return true
    const freshFrom = performance.now() - this.maxAgeMs
    if (!this.current || this.current.startedAt < freshFrom) {
      this.current = { startedAt: performance.now(), done: this.look() }
    }
    await this.current.done
    return this.superseded.has(alertId)
  }

  private async look(): Promise<void> {
    const rows = await this.db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT "id" FROM "Alert" WHERE "id" = ANY($1::text[]) AND "supersededAt" IS NOT NULL`,
      this.alertIds,
    )
    for (const row of rows) this.superseded.add(row.id)
  }
}
