// MQTT channel benchmark (not a test): `npx tsx bench/channels-mqtt.ts [--messages 2000] …`.
//
// Sends QoS 1 alerts through the real adapter (MqttDeviceAdapter over MqttConnection) to simulated
// sirens (tests/fakes/mqtt-device.ts: persistent sessions, dedupe by identifier, an ack per
// message) on two brokers in the same run, alternating rounds so that load from elsewhere on the
// machine hits both alike:
// - the embedded aedes broker (server/mqtt/embedded-broker.ts, MQTT 3.1.1, credentials and ACLs
//   on), in a child process of its own; its CPU time is process.cpuUsage() reported over IPC;
// - Mosquitto at --mqtt (default TEST_MQTT_URL, else mqtt://127.0.0.1:1883; MQTT 5, anonymous);
//   its CPU time from /proc/<pid>/stat of the mosquitto process (utime + stime).
// Prints, per broker: published messages per second, deliveries per second, broker CPU per
// delivered message, messages lost (a siren missing an identifier it should have), duplicates
// dropped, acks that reached Sargs — and the ratio of CPU per message aedes / Mosquitto.
// Target (issue 4): ≤ 2.5, and zero QoS 1 messages lost.
//
// Options: --messages N (2000 per round, after --warmup N (200) unmeasured) --devices D (20) --groups G (4; each device is in one group,
//          each message goes to one group) --window W (50 sends in flight) --rounds R (2)
//          --mqtt URL
import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import { MqttConnection } from '#notify/channels/mqtt/connection.ts'
import { buildDeviceMessage, parseDeviceAck } from '#notify/channels/mqtt/device-message.ts'
import { alertTopic, deviceReportFilters, parseTopic } from '#notify/channels/mqtt/topics.ts'
import { hashDeviceSecret } from '#server/mqtt/device-secret.ts'
import { startEmbeddedBroker, type DeviceCredential } from '#server/mqtt/embedded-broker.ts'
import { testAlert } from '#server/mqtt/testing.ts'
import { startFakeMqttDevice, waitFor, type FakeMqttDevice } from '#tests/fakes/mqtt-device.ts'

type ChildCommand =
  | { cmd: 'start'; devices: DeviceCredential[]; internalHash: string }
  | { cmd: 'cpu' }
  | { cmd: 'stop' }

if (process.argv.includes('--broker-child')) {
  await runBrokerChild()
} else {
  await main()
}

// ------------------------------------------------------------------------------------------------
// the child: the embedded broker and nothing else, so its CPU time is the broker's

async function runBrokerChild() {
  let close: (() => Promise<void>) | null = null
  process.on('disconnect', () => process.exit(0))
  process.on('message', async (command: ChildCommand) => {
    if (command.cmd === 'start') {
      const devices = new Map(command.devices.map((d) => [d.deviceId, d]))
      const broker = await startEmbeddedBroker({
        port: 0,
        lookupDevice: async (username) => devices.get(username) ?? null,
        internal: { username: 'sargs', secretHash: command.internalHash },
      })
      close = () => broker.close()
      process.send!({ port: broker.port })
    } else if (command.cmd === 'cpu') {
      const usage = process.cpuUsage()
      process.send!({ cpuMicros: usage.user + usage.system })
    } else if (command.cmd === 'stop') {
      await close?.()
      process.send!({ stopped: true })
      process.exit(0)
    }
  })
}

// ------------------------------------------------------------------------------------------------

type BrokerUnderTest = {
  name: string
  url: string
  protocol: 4 | 5
  territory: string
  sargs: { username?: string; password?: string }
  passwords: Map<string, string>
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

type RoundResult = { seconds: number; cpuMicros: number; published: number; deliveries: number; lost: number; duplicates: number; acks: number }

async function main() {
  const { values: args } = parseArgs({
    options: {
      messages: { type: 'string', default: '2000' },
      devices: { type: 'string', default: '20' },
      groups: { type: 'string', default: '4' },
      window: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '2' },
      warmup: { type: 'string', default: '200' },
      mqtt: { type: 'string', default: process.env.TEST_MQTT_URL || 'mqtt://127.0.0.1:1883' },
    },
  })
  const messages = Number(args.messages)
  const deviceCount = Number(args.devices)
  const groupCount = Number(args.groups)
  const window = Number(args.window)
  const rounds = Number(args.rounds)
  const warmup = Number(args.warmup)
  if (![messages, deviceCount, groupCount, window, rounds].every((n) => Number.isInteger(n) && n > 0)) {
    console.error('options must be positive integers')
    process.exit(2)
  }
  const groups = Array.from({ length: groupCount }, (_, i) => `g${i}`)
  const deviceIds = Array.from({ length: deviceCount }, (_, i) => `siren-${i}`)
  const groupOf = (deviceId: string) => groups[deviceIds.indexOf(deviceId) % groupCount]

  const brokers: BrokerUnderTest[] = [await startAedesChild(deviceIds, groupOf)]
  const mosquitto = await mosquittoUnderTest(args.mqtt!)
  if (mosquitto) brokers.push(mosquitto)
  else console.log(`Mosquitto: not answering at ${args.mqtt}; measuring aedes only`)

  console.log(`MQTT channel benchmark: ${messages} QoS 1 alerts per round, ${deviceCount} sirens in ${groupCount} groups, ${window} in flight, ${rounds} rounds`)
  const totals = new Map<string, RoundResult>()
  try {
    for (let round = 1; round <= rounds; round += 1) {
      for (const broker of round % 2 === 1 ? brokers : [...brokers].reverse()) {
        const result = await runRound(broker, { messages, warmup, deviceIds, groups, groupOf, window })
        print(`round ${round} ${broker.name}`, result)
        const sum = totals.get(broker.name) ?? { seconds: 0, cpuMicros: 0, published: 0, deliveries: 0, lost: 0, duplicates: 0, acks: 0 }
        for (const key of Object.keys(sum) as Array<keyof RoundResult>) sum[key] += result[key]
        totals.set(broker.name, sum)
      }
    }
  } finally {
    for (const broker of brokers) await broker.stop()
  }
  console.log('--- totals')
  for (const [name, total] of totals) print(name, total)
  const perMessage = [...totals.values()].map((t) => t.cpuMicros / t.deliveries)
  if (perMessage.length === 2) {
    const ratio = perMessage[0] / perMessage[1]
    console.log(`CPU per delivered message, aedes / Mosquitto: ${ratio.toFixed(2)} (target ≤ 2.5: ${ratio <= 2.5 ? 'met' : 'NOT met'})`)
  }
  const lost = [...totals.values()].reduce((n, t) => n + t.lost, 0)
  console.log(`QoS 1 messages lost: ${lost} (target 0: ${lost === 0 ? 'met' : 'NOT met'})`)
  process.exit(0)
}

function print(label: string, r: RoundResult) {
  console.log(
    `${label}: ${(r.published / r.seconds).toFixed(0)} msg/s published, ${(r.deliveries / r.seconds).toFixed(0)} deliveries/s, ` +
      `broker CPU ${(r.cpuMicros / r.deliveries).toFixed(1)} µs per delivered message (${(r.cpuMicros / 1000).toFixed(0)} ms in all), ` +
      `lost ${r.lost}, duplicates dropped ${r.duplicates}, acks at Sargs ${r.acks}/${r.deliveries}`,
  )
}

async function runRound(
  broker: BrokerUnderTest,
  o: { messages: number; warmup: number; deviceIds: string[]; groups: string[]; groupOf: (id: string) => string; window: number },
): Promise<RoundResult> {
  const run = randomBytes(3).toString('hex')
  const connection = MqttConnection.open({ url: broker.url, protocolVersion: broker.protocol, clientId: `sargs-bench-${run}`, ...broker.sargs })
  if (!(await connection.waitConnected(15_000))) throw new Error(`${broker.name}: Sargs cannot connect`)
  let acks = 0
  await connection.subscribe(deviceReportFilters(broker.territory), (topic, payload) => {
    if (parseTopic(topic)?.kind === 'ack' && parseDeviceAck(payload)) acks += 1
  })
  const devices: FakeMqttDevice[] = []
  for (const deviceId of o.deviceIds) {
    const password = broker.passwords.get(deviceId)
    devices.push(
      await startFakeMqttDevice({
        url: broker.url,
        protocolVersion: broker.protocol,
        deviceId: broker.protocol === 5 ? `${deviceId}-${run}` : deviceId,
        ...(password !== undefined ? { password } : {}),
        territory: broker.territory,
        groups: [o.groupOf(deviceId)],
      }),
    )
  }
  const adapter = new MqttDeviceAdapter({ connection })
  // warm-up (not measured): the JIT of broker and clients, the sessions' first queues
  for (let i = 0; i < o.warmup; i += 1) {
    const message = buildDeviceMessage({ alert: testAlert(), territory: broker.territory, group: o.groups[i % o.groups.length], kind: 'alert', language: 'lv-LV' })
    await adapter.send(message, { idempotencyKey: `warmup-${i}`, timeoutMs: 30_000 })
  }
  const members = (group: string) => o.deviceIds.filter((id) => o.groupOf(id) === group).length
  let warmDeliveries = 0
  for (let i = 0; i < o.warmup; i += 1) warmDeliveries += members(o.groups[i % o.groups.length])
  const handledNow = () => devices.reduce((n, d) => n + d.handled.length, 0)
  await waitFor(() => handledNow() >= warmDeliveries && acks >= warmDeliveries, 'the warm-up', 60_000)
  for (const device of devices) {
    device.handled.length = 0
    device.duplicatesDropped = 0
  }
  acks = 0
  const alerts = Array.from({ length: o.messages }, (_, i) => ({ alert: testAlert(), group: o.groups[i % o.groups.length] }))
  const expected = new Map<FakeMqttDevice, Set<string>>(devices.map((d) => [d, new Set<string>()]))
  for (const { alert, group } of alerts) {
    devices.forEach((d, i) => {
      if (o.groupOf(o.deviceIds[i]) === group) expected.get(d)!.add(alert.identifier)
    })
  }
  const deliveries = [...expected.values()].reduce((n, s) => n + s.size, 0)

  const cpu0 = await broker.cpuMicros()
  const t0 = process.hrtime.bigint()
  let next = 0
  let failures = 0
  const worker = async () => {
    while (next < alerts.length) {
      const { alert, group } = alerts[next++]
      const message = buildDeviceMessage({ alert, territory: broker.territory, group, kind: 'alert', language: 'lv-LV' })
      for (let attempt = 0; ; attempt += 1) {
        const result = await adapter.send(message, { idempotencyKey: alert.identifier, timeoutMs: 30_000 })
        if (result.kind === 'sent') break
        failures += 1
        if (result.kind === 'permanent' || attempt > 5) throw new Error(`${broker.name}: ${result.reason}`)
      }
    }
  }
  await Promise.all(Array.from({ length: o.window }, worker))
  const handled = () => devices.reduce((n, d) => n + d.handled.length, 0)
  await waitFor(() => handled() >= deliveries, 'every siren to get its alerts', 120_000).catch(() => undefined)
  await waitFor(() => acks >= deliveries, 'the acks', 30_000).catch(() => undefined)
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const cpuMicros = (await broker.cpuMicros()) - cpu0

  let lost = 0
  for (const [device, identifiers] of expected) {
    const got = new Set(device.handled.map((h) => h.identifier))
    for (const id of identifiers) if (!got.has(id)) lost += 1
  }
  const duplicates = devices.reduce((n, d) => n + d.duplicatesDropped, 0)
  if (failures > 0) console.log(`  (${failures} sends answered retry and were sent again)`)

  for (const device of devices) await device.close()
  for (const group of o.groups) {
    await new Promise((resolve) => connection.client.publish(alertTopic(broker.territory, group), '', { qos: 1, retain: true }, resolve))
  }
  await connection.close()
  return { seconds, cpuMicros, published: o.messages, deliveries, lost, duplicates, acks }
}

async function startAedesChild(deviceIds: string[], groupOf: (id: string) => string): Promise<BrokerUnderTest> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--broker-child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const request = <T>(command: ChildCommand) =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (reply) => resolve(reply as T))
      child.once('exit', (code) => reject(new Error(`aedes child exited (${code})`)))
      child.send(command)
    })
  const passwords = new Map(deviceIds.map((id) => [id, randomBytes(32).toString('base64url')]))
  const internal = randomBytes(32).toString('base64url')
  const devices: DeviceCredential[] = deviceIds.map((deviceId) => ({
    deviceId,
    territory: 'bench',
    groups: [groupOf(deviceId)],
    secretHash: hashDeviceSecret(passwords.get(deviceId)!),
  }))
  const { port } = await request<{ port: number }>({ cmd: 'start', devices, internalHash: hashDeviceSecret(internal) })
  return {
    name: 'aedes (embedded, child process)',
    url: `mqtt://127.0.0.1:${port}`,
    protocol: 4,
    territory: 'bench',
    sargs: { username: 'sargs', password: internal },
    passwords,
    cpuMicros: async () => (await request<{ cpuMicros: number }>({ cmd: 'cpu' })).cpuMicros,
    async stop() {
      if (child.exitCode !== null) return
      await request({ cmd: 'stop' }).catch(() => undefined)
    },
  }
}

async function mosquittoUnderTest(url: string): Promise<BrokerUnderTest | null> {
  const { hostname, port } = new URL(url)
  const open = await new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(port || 1883), hostname, () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
  if (!open) return null
  const pid = mosquittoPid()
  if (pid === null) {
    console.log('Mosquitto: answering, but no mosquitto process found in /proc: cannot measure its CPU')
    return null
  }
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  return {
    name: `Mosquitto (pid ${pid})`,
    url,
    protocol: 5,
    territory: `bench${randomBytes(3).toString('hex')}`,
    sargs: {},
    passwords: new Map(),
    async cpuMicros() {
      // /proc/<pid>/stat: fields after the ")" of the command name; utime and stime are 14 and 15
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ticks = Number(fields[11]) + Number(fields[12])
      return (ticks / ticksPerSecond) * 1e6
    },
    async stop() {},
  }
}

function mosquittoPid(): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'mosquitto') return Number(entry)
    } catch {
      // gone meanwhile
    }
  }
  return null
}
