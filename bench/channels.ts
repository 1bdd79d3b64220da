// `npm run bench:channels`: the channel benchmarks of issue 4 in one run (not a test) — SMS per
// adapter against its fake (bench/channels-sms.ts: messages per second, and the configured rate
// held within 5 %) and MQTT QoS 1 through the embedded aedes broker and Mosquitto
// (bench/channels-mqtt.ts: messages per second, broker CPU per message, lost messages). Options
// after `--` go to both (each takes the ones it knows; see their headers).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const known = (names: string[]) => args.flatMap((a, i) => (names.includes(a) && args[i + 1] !== undefined ? [a, args[i + 1]] : []))
let failed = false
for (const [file, options] of [
  ['channels-sms.ts', known(['--messages', '--rate', '--paced', '--concurrency'])],
  ['channels-mqtt.ts', known(['--mqtt', '--devices', '--groups', '--window', '--rounds'])],
] as const) {
  console.log(`\n=== ${file} ${options.join(' ')}`)
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, file), ...options], { stdio: 'inherit', timeout: 10 * 60_000 })
  if (run.status !== 0) failed = true
}
process.exitCode = failed ? 1 : 0
