// Process entry: configuration, database (migrations applied at open), demo seed on first start,
// HTTP + Remix + socket.io, graceful shutdown.
import { setRuntime } from '#domain/runtime.ts'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { pruneAuthTables } from '#domain/auth/prune-auth-tables.ts'
import { loadSecretsKey } from './secrets-key.ts'
import { notifyReserveWarnings } from '#domain/reserves/notify-reserve-warnings.ts'
import { buildDispatcher, buildSmsProviders } from '#notify/dispatch/build-dispatcher.ts'
import { refreshPagingChannel } from '#domain/paging/paging-groups.ts'
import { createHttpApp } from './app.ts'
import { openDatabase } from './db/open.ts'
import { ConfigError, parseEnv } from './env.ts'
import { startAlertProgressTicker } from './realtime/alert-progress-ticker.ts'
import { attachRealtime } from './realtime/index.ts'
import { startMqtt } from './mqtt/start-mqtt.ts'
import { republishAlertsInForce } from '#notify/dispatch/mqtt-in-force.ts'

async function main() {
  const startedAt = performance.now()
  let env
  try {
    env = parseEnv()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(78) // EX_CONFIG
    }
    throw error
  }
  const development = process.argv.includes('--dev')

  const db = await openDatabase({ env, role: 'app' })
  setRuntime({ prisma: db.prisma })
  if (env.seedDemo) {
    const seeded = await seedDemo({ prisma: db.prisma, onlyIfEmpty: true })
    if (seeded) console.log('Seeded the demo municipality (Jelgava).')
  }

  const dependencies = {
    database: { check: db.health, required: true },
  }
  const { server } = await createHttpApp({ env, dependencies, development })
  const realtime = await attachRealtime({
    server,
    prisma: db.prisma,
    redisUrl: env.redisUrl,
    publicUrl: env.publicUrl,
    trustProxy: env.trustProxy,
  })
  // the notification dispatcher runs here unless WORKER=off (then only in `sargs worker` processes)
  const secretsKey = await loadSecretsKey({ secretsKey: env.secretsKey, dataDir: env.dataDir })
  // sirens, displays and paging gateways: MQTT_URL or the embedded broker (a failure leaves 'mqtt' off)
  const mqtt = env.mqtt ? await startMqtt({ prisma: db.prisma, config: env.mqtt }).catch((error: unknown) => void console.error(`MQTT not started: ${String(error)}`)) : undefined
  if (mqtt) console.log(`MQTT devices: ${mqtt.kind === 'embedded' ? 'embedded broker at' : 'broker'} ${mqtt.url}`)
  if (mqtt?.kind === 'embedded') {
    // the embedded broker starts empty: the alerts in force go back on their retained topics
    void mqtt.connection
      .waitConnected(10_000)
      .then(() => republishAlertsInForce({ prisma: db.prisma, adapter: mqtt.adapter }))
      .then((r) => r.republished + r.failed > 0 && console.log(`MQTT: ${r.republished} alert(s) in force published again${r.failed ? `, ${r.failed} failed` : ''}`))
      .catch((error: unknown) => console.error('MQTT: publishing the alerts in force again failed:', error))
  }
  const dispatcher = env.worker === 'inline' ? await buildDispatcher({ prisma: db.prisma, vapidSubject: env.vapidSubject, pushServiceHosts: env.pushServiceHosts, sms: env.sms, publicUrl: env.publicUrl, secretsKey, ...(mqtt ? { mqtt: mqtt.adapter } : {}) }) : undefined
  // residents' confirmation codes go out from this process, whether or not it runs the dispatcher
  const smsSender = env.sms ? buildSmsProviders({ prisma: db.prisma, sms: env.sms, publicUrl: env.publicUrl }) : undefined
  setRuntime({ prisma: db.prisma, realtime: realtime.publisher, ...(dispatcher ? { dispatcher } : {}), ...(smsSender ? { smsSender } : {}), secretsKey, mqtt: Boolean(mqtt) })
  dispatcher?.start()
  // channel 'phone' is offered while an enabled paging group has an enabled phone: checked now and
  // every minute (changes made here refresh it at once; `sargs phones` runs in another process)
  await refreshPagingChannel(db.prisma)
  const pagingWatch = setInterval(() => {
    refreshPagingChannel(db.prisma).catch((error) => console.error('checking paging phones failed:', error))
  }, 60 * 1000)
  pagingWatch.unref()
  if (realtime.health) Object.assign(dependencies, { redis: { check: realtime.health, required: true } })
  // live delivery progress of alerts going out, published from the ledger (one node publishes)
  const progressTicker = startAlertProgressTicker({ prisma: db.prisma, publisher: realtime.publisher })

  await new Promise<void>((resolve) => server.listen(env.port, env.host, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : env.port
  console.log(
    `Sargs listening on http://${env.host === '0.0.0.0' ? 'localhost' : env.host}:${port} ` +
      `(database: ${db.kind}, notification worker: ${env.worker}, ready in ${Math.round(performance.now() - startedAt)} ms)`,
  )

  // housekeeping: expired sessions and rate-limit buckets, hourly
  const prune = setInterval(() => {
    pruneAuthTables({ prisma: db.prisma }).catch((error) => console.error('pruning auth tables failed:', error))
  }, 60 * 60 * 1000)
  prune.unref()

  // reserves below minimum or expiring: the warehouse's responsible person is told by SMS (once a
  // situation and day; several app processes agree through the notices' idempotency keys)
  const reserveWatch = env.sms
    ? setInterval(() => {
        notifyReserveWarnings({ prisma: db.prisma }).catch((error) => console.error('reserve warnings failed:', error))
      }, 15 * 60 * 1000)
    : undefined
  reserveWatch?.unref()

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: shutting down`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    clearInterval(prune)
    clearInterval(pagingWatch)
    if (reserveWatch) clearInterval(reserveWatch)
    // in-flight sends finish or are released before the database closes
    await dispatcher?.stop().catch((error: unknown) => console.error('stopping the dispatcher failed:', error))
    await mqtt?.close().catch((error: unknown) => console.error('closing MQTT failed:', error))
    await smsSender?.close().catch((error: unknown) => console.error('closing the SMS providers failed:', error))
    await progressTicker.stop().catch((error: unknown) => console.error('stopping the progress ticker failed:', error))
    await realtime.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await db.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
