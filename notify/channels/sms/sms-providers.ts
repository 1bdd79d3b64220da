// The 'sms' channel over one or more providers in order (decision 018): the first that accepts a
// message sends it; when a provider cannot take it now (retry) or refuses it for a reason of its
// own (credentials, throttling, a fault), the next one is tried. A number that a provider says does
// not exist is dead for every provider: no fallback. The provider's name is kept in front of its
// message id ("http:…", "smpp:id1,id2"), so delivery receipts find their delivery whichever
// provider sent it.
//
// Like every adapter it never retries the same provider, reads no environment and touches no
// database. A send in doubt at the first provider (it timed out after taking the message) may be
// sent again by the second: SMS has no cross-provider idempotency (docs/reliability.md).
import type { ChannelAdapter, ChannelLimits, SendContext, SendResult } from '../contract.ts'
import type { SmsMessage } from './http-gateway.ts'

export type SmsProviderName = 'http' | 'smpp'

/** The SMS providers as configured (server/env.ts reads them from the environment). */
export type SmsConfig = {
  senderId: string
  /** the providers' rate limit, SMS per second (the dispatcher paces each process to it) */
  ratePerSecond?: number
  receiptSecret: string | undefined
  /** in order: the first that accepts a message sends it */
  providers: (
    | { name: 'http'; url: string; auth: { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string } }
    | { name: 'smpp'; host: string; port: number; systemId: string; password: string }
  )[]
}


export type SmsProvider = { name: SmsProviderName; adapter: ChannelAdapter<SmsMessage> }

export class SmsProviderChain implements ChannelAdapter<SmsMessage> {
  readonly channel = 'sms'
  readonly limits: ChannelLimits

  constructor(readonly providers: readonly SmsProvider[]) {
    if (providers.length === 0) throw new Error('SmsProviderChain: no provider')
    this.limits = providers[0].adapter.limits
  }

  async send(message: SmsMessage, ctx: SendContext): Promise<SendResult> {
    const refusals: string[] = []
    let last: Exclude<SendResult, { kind: 'sent' }> | undefined
    for (const { name, adapter } of this.providers) {
      const result = await adapter.send(message, ctx)
      if (result.kind === 'sent') return { ...result, providerMessageId: `${name}:${result.providerMessageId ?? ''}` }
      if (result.kind === 'permanent' && result.deadAddress) return { ...result, reason: `${name}: ${result.reason}` }
      refusals.push(`${name}: ${result.reason}`)
      last = result
    }
    // every provider refused: the last one's verdict (retry keeps its Retry-After), all reasons
    return { ...last!, reason: refusals.join('; ') }
  }

  /** Closes the providers that hold a connection (SMPP). */
  async close(): Promise<void> {
    await Promise.all(this.providers.map((p) => (p.adapter as { close?: () => Promise<void> }).close?.()))
  }
}

/** "http:abc" → { provider: 'http', ids: ['abc'] }; "smpp:a,b" → ids per part, in part order. */
export function parseSmsProviderMessageId(value: string | null | undefined): { provider: SmsProviderName; ids: string[] } | null {
  const m = value ? /^(http|smpp):(.*)$/s.exec(value) : null
  if (!m) return null
  return { provider: m[1] as SmsProviderName, ids: m[2] === '' ? [] : m[2].split(',') }
}
