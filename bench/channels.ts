// `npm run bench:channels`: the channel benchmarks of issue 4 in one run (not a test) — SMS per
// adapter against its fake (bench/channels-sms.ts: messages per second, and the configured rate
// held within 5 %), MQTT QoS 1 through the embedded aedes broker and Mosquitto
// (bench/channels-mqtt.ts: messages per second, broker CPU per message, lost messages), desk-phone
// paging per vendor against the fake phones (bench/channels-phones.ts: pages per second, latency,
// sender CPU per page) and the four social networks against their fakes
// (bench/channels-social.ts: posts per second, latency, and the networks' rate limits).
// Options after `--` go to all parts (each takes the ones it knows; see their headers);
// `--only sms,mqtt,phones,social` runs the parts named.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const known = (names: string[]) => args.flatMap((a, i) => (names.includes(a) && args[i + 1] !== undefined ? [a, args[i + 1]] : []))
const parts = {
  sms: ['channels-sms.ts', known(['--messages', '--rate', '--paced', '--concurrency'])],
  mqtt: ['channels-mqtt.ts', known(['--mqtt', '--devices', '--groups', '--window', '--rounds'])],
  phones: ['channels-phones.ts', known(['--pages', '--page-concurrency', '--phones', '--vendors'])],
  social: ['channels-social.ts', known(['--posts', '--post-concurrency'])],
} as const
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : Object.keys(parts)
const unknown = only.filter((name) => !(name in parts))
if (unknown.length > 0) {
  console.error(`--only: unknown part ${unknown.join(', ')} (parts: ${Object.keys(parts).join(', ')})`)
  process.exit(2)
}
let failed = false
for (const name of only) {
  const [file, options] = parts[name as keyof typeof parts]
  console.log(`\n=== ${file} ${options.join(' ')}`)
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, file), ...options], { stdio: 'inherit', timeout: 10 * 60_000 })
  if (run.status !== 0) failed = true
}
process.exitCode = failed ? 1 : 0
