// Where every non-Actual alert (Exercise, Test) goes instead of a real channel. The rule lives in
// the dispatcher (dispatcher.ts `adapterFor`), not in the adapters; see decision 006.
import type { ChannelAdapter, SendResult } from '#notify/channels/contract.ts'

export type ExerciseRecord = { channel: string; idempotencyKey: string; message: unknown; at: number }

export class ExerciseSink implements ChannelAdapter<unknown> {
  readonly channel = 'exercise'
  readonly limits = {}
  readonly records: ExerciseRecord[] = []
  /** keep at most this many records in memory */
  constructor(private readonly keep = 10_000) {}

  async send(message: unknown, ctx: { idempotencyKey: string }): Promise<SendResult> {
    const channel = (message as { channel?: string } | null)?.channel ?? 'unknown'
    this.records.push({ channel, idempotencyKey: ctx.idempotencyKey, message, at: Date.now() })
    if (this.records.length > this.keep) this.records.splice(0, this.records.length - this.keep)
    return { kind: 'sent', providerMessageId: `exercise:${ctx.idempotencyKey}` }
  }
}
