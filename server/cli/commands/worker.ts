// sargs worker [--drain]
//
// The notification dispatcher as its own process, against the app's database: DATABASE_URL for
// PostgreSQL; on the embedded database through the running app's socket (server/cli/db.ts). Run
// several to scale out (leases and SKIP LOCKED share the work), or set WORKER=off on the app to
// send only from workers. SIGTERM or SIGINT: the batch in flight finishes, unsent claims are given
// back, then it exits 0 (reliability row 5).
// --drain: work until nothing is left to fan out or send, then exit (after an outage, or on the
// embedded database while the app is stopped: the app cannot start while the worker holds it).
import type { Dispatcher } from 'undici'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { buildDispatcher } from '#notify/dispatch/build-dispatcher.ts'
import type { SmsConfig } from '#notify/channels/sms/sms-providers.ts'
import type { DispatcherOptions } from '#notify/dispatch/dispatcher.ts'
import { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import { MqttConnection } from '#notify/channels/mqtt/connection.ts'
import type { MqttConfig } from '../../mqtt/start-mqtt.ts'
import { parseEnv } from '../../env.ts'
import { loadSecretsKey } from '../../secrets-key.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'worker [--drain]                           run the notification dispatcher (until SIGTERM, or until drained)'

export type WorkerOptions = { drain: boolean }

export function parseWorkerArgs(args: string[]): WorkerOptions {
  const unknown = args.find((a) => a !== '--drain')
  if (unknown !== undefined) throw new UsageError(`unexpected argument "${unknown}" (usage: sargs ${usage.split('  ')[0]})`)
  return { drain: args.includes('--drain') }
}

export type RunWorkerOptions = WorkerOptions & {
  prisma: PrismaClient
  vapidSubject: string
  /** push services the worker may POST to (server/env.ts PUSH_SERVICE_HOSTS) */
  pushServiceHosts: readonly string[]
  /** SMS providers (server/env.ts SMS_*, SMPP_URL); none: SMS deliveries wait */
  sms?: SmsConfig
  /** PUBLIC_URL: links in SMS texts and posts, the SMS gateway's receipt callback */
  publicUrl?: string
  /** opens the social accounts' credentials (SECRETS_KEY or the data directory's key file) */
  secretsKey?: Buffer
  /** MQTT (server/env.ts): with an external broker (MQTT_URL) the worker publishes on 'mqtt' too;
   * the embedded broker lives in the app process, so its 'mqtt' deliveries are the app's to send */
  mqtt?: MqttConfig
  /** resolves when the worker should stop (SIGTERM); not used with drain */
  stopSignal: Promise<string>
  print?: (line: string) => void
  tuning?: Omit<Partial<DispatcherOptions>, 'prisma' | 'routes' | 'exerciseSink'>
  /** undici dispatcher for the push services (tests: one that trusts the fake push service) */
  pushDispatcher?: Dispatcher
  /** how long --drain may take before it gives up (default one hour) */
  drainTimeoutMs?: number
}

/** Run until stopped (or drained). Returns the exit code. */
export async function runWorker(options: RunWorkerOptions): Promise<number> {
  const print = options.print ?? console.log
  const mqtt = workerMqtt(options.mqtt, print)
  const dispatcher = await buildDispatcher({ prisma: options.prisma, vapidSubject: options.vapidSubject, pushServiceHosts: options.pushServiceHosts, sms: options.sms, publicUrl: options.publicUrl, ...(options.secretsKey ? { secretsKey: options.secretsKey } : {}), ...(mqtt ? { mqtt: mqtt.adapter } : {}), tuning: options.tuning, pushDispatcher: options.pushDispatcher })
  try {
    return await runDispatcher(dispatcher, options, print)
  } finally {
    await mqtt?.connection.close()
  }
}

/**
 * A worker's own MQTT client for an external broker: publishes only (the app process hears the
 * devices' reports), a client id of its own and no persistent session (it keeps no subscriptions).
 */
function workerMqtt(config: MqttConfig | undefined, print: (line: string) => void): { adapter: MqttDeviceAdapter; connection: MqttConnection } | undefined {
  if (!config) return undefined
  if (config.kind === 'embedded') {
    print('worker: MQTT runs on the embedded broker of the app process, so this worker leaves \'mqtt\' deliveries to the app (set MQTT_URL to share a broker)')
    return undefined
  }
  const connection = MqttConnection.open({
    url: config.url,
    protocolVersion: 5,
    clientId: `${config.clientId}-worker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    sessionExpirySeconds: 0,
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
  })
  return { adapter: new MqttDeviceAdapter({ connection }), connection }
}

async function runDispatcher(dispatcher: Awaited<ReturnType<typeof buildDispatcher>>, options: RunWorkerOptions, print: (line: string) => void): Promise<number> {
  if (options.drain) {
    print(`worker ${dispatcher.id}: draining`)
    await dispatcher.drain({ timeoutMs: options.drainTimeoutMs ?? 60 * 60_000, idleMs: 200 })
    print(`worker ${dispatcher.id}: nothing left to send`)
    return 0
  }
  dispatcher.start()
  print(`worker ${dispatcher.id}: started`)
  const signal = await options.stopSignal
  print(`worker ${dispatcher.id}: ${signal}, finishing the batch in flight`)
  await dispatcher.stop()
  print(`worker ${dispatcher.id}: stopped`)
  return 0
}

export async function run(args: string[]): Promise<number> {
  const options = parseWorkerArgs(args)
  const env = parseEnv()
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
  })
  return withCliDatabase(async (db) => {
    console.log(`(${describeDatabase(db)})`)
    if (db.via === 'embedded' && !options.drain) {
      console.log('Note: the Sargs server is not running; this worker holds the embedded database until it stops.')
    }
    return runWorker({ ...options, prisma: db.prisma, vapidSubject: env.vapidSubject, pushServiceHosts: env.pushServiceHosts, sms: env.sms, publicUrl: env.publicUrl, secretsKey: await loadSecretsKey({ secretsKey: env.secretsKey, dataDir: env.dataDir }), ...(env.mqtt ? { mqtt: env.mqtt } : {}), stopSignal })
  })
}
