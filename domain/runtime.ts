// Process-wide services (database client, realtime publisher) registered once at boot by the
// server or the CLI. Kept on globalThis so that the Remix server bundle and the server entry,
// which each load their own copy of this module, see the same instances.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ChannelAdapter } from '#notify/channels/contract.ts'
import type { SmsMessage } from '#notify/channels/sms/http-gateway.ts'

export type RealtimePublisher = {
  /** Publish an event to a room; returns the stored event id. */
  publish(room: string, type: string, payload: unknown): Promise<bigint>
}

/** The in-process notification dispatcher, when this process runs one (notify/dispatch). */
export type DispatcherHandle = {
  /** wake it now (an alert was just issued in this process) */
  poke(): void
}

export type Runtime = {
  prisma: PrismaClient
  realtime?: RealtimePublisher
  dispatcher?: DispatcherHandle
  /** sends residents' confirmation codes (the SMS providers), when SMS is configured */
  smsSender?: ChannelAdapter<SmsMessage>
  /** seals and opens channel credentials (server/secrets-key.ts) */
  secretsKey?: Buffer
  /** an enabled paging group has an enabled phone (checked at start and after changes: domain/paging) */
  pagingPhones?: boolean
  /** an MQTT broker is set up for sirens, displays and paging gateways (server/mqtt/start-mqtt.ts) */
  mqtt?: boolean
}

const KEY = Symbol.for('sargs.runtime')
type Holder = { [KEY]?: Runtime }

export function setRuntime(runtime: Runtime): void {
  ;(globalThis as Holder)[KEY] = runtime
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Holder)[KEY]
  if (!runtime) throw new Error('Sargs runtime not initialised (setRuntime was not called)')
  return runtime
}

export function prisma(): PrismaClient {
  return getRuntime().prisma
}

/** The notification channels this server can send on: web push always, SMS when configured, social accounts, desk phones of paging groups. */
export function configuredChannels(): string[] {
  const runtime = getRuntime()
  return ['webpush', ...(runtime.smsSender ? ['sms'] : []), ...(runtime.secretsKey ? ['social'] : []), ...(runtime.secretsKey && runtime.pagingPhones ? ['phone'] : []), ...(runtime.mqtt ? ['mqtt'] : [])]
}
