// Social-network benchmark (not a test): `npx tsx bench/channels-social.ts [--posts 200] …`.
//
// Each social adapter (notify/channels/social/) posts to its fake (tests/fakes/social/, a real
// HTTP server on 127.0.0.1 in this process, with the network's checks: Mastodon's Bearer token
// and Idempotency-Key, Telegram's bot token and channel, Facebook's access_token and
// appsecret_proof, X's OAuth 1.0a signature with timestamp and nonce replay checks). N posts per
// network and concurrency in each of R rounds, each with its own number (Facebook and X refuse a
// duplicate text); every network is warmed up first and each round runs every network in turn.
// Prints posts per second and p50/p99 latency of adapter.send over all rounds, and the CPU of this
// process per post (adapter and fake together: the fakes run here). Every post must be recorded by the
// fake exactly once and every send must answer `sent`; the run stops with an error otherwise.
//
// These figures are our code against loopback fakes. Real throughput is bounded by the networks'
// rate limits (printed at the end), orders of magnitude below them.
//
// Options: --posts N (200 per round) --rounds R (3) --post-concurrency LIST (1,8)
//          --warmup N (100 per network, unmeasured)
import os from 'node:os'
import { parseArgs } from 'node:util'
import type { ChannelAdapter, SendResult } from '#notify/channels/contract.ts'
import { FacebookPageAdapter } from '#notify/channels/social/facebook.ts'
import { MastodonAdapter } from '#notify/channels/social/mastodon.ts'
import type { SocialPost } from '#notify/channels/social/social-post.ts'
import { TelegramAdapter } from '#notify/channels/social/telegram.ts'
import { XAdapter } from '#notify/channels/social/x.ts'
import { startFakeFacebook } from '#tests/fakes/social/facebook.ts'
import { startFakeMastodon } from '#tests/fakes/social/mastodon.ts'
import { startFakeTelegram } from '#tests/fakes/social/telegram.ts'
import { startFakeX } from '#tests/fakes/social/x.ts'

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '200' },
    'post-concurrency': { type: 'string', default: '1,8' },
    warmup: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
})
const posts = Number(values.posts)
const concurrencies = values['post-concurrency'].split(',').map(Number)
const warmup = Number(values.warmup)
const rounds = Number(values.rounds)
for (const [name, n] of [['--posts', posts], ['--rounds', rounds], ...concurrencies.map((c) => ['--post-concurrency', c] as const)] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`)
}
if (!Number.isInteger(warmup) || warmup < 0) throw new Error('--warmup must be a whole number')

const TAG = /№(\d+)$/
const LINK = 'https://sargs.jelgava.lv/alerts/a1b2c3'

type Network = {
  name: string
  adapter: ChannelAdapter<SocialPost>
  /** the texts the fake recorded as posted */
  recorded(): string[]
  close(): Promise<void>
}

async function networks(): Promise<Network[]> {
  const mastodon = await startFakeMastodon({ accessToken: 'bench-token', username: 'jelgava' })
  const telegram = await startFakeTelegram({ botToken: '123456:bench', channels: [{ id: -1001234567890, username: 'jelgava_alerts' }] })
  const facebook = await startFakeFacebook({ pageId: '1234567890', pageAccessToken: 'EAAB-bench', appSecret: 'app-secret' })
  const xCredentials = { consumerKey: 'ck', consumerSecret: 'cs', accessToken: 'at', accessTokenSecret: 'ats' }
  const x = await startFakeX(xCredentials)
  return [
    {
      name: 'Mastodon',
      adapter: new MastodonAdapter({ instanceUrl: mastodon.origin, accessToken: 'bench-token' }),
      recorded: () => mastodon.statuses.map((s) => s.text),
      close: () => mastodon.close(),
    },
    {
      name: 'Telegram',
      adapter: new TelegramAdapter({ botToken: '123456:bench', chatId: '@jelgava_alerts', apiUrl: telegram.origin }),
      recorded: () => telegram.messages.map((m) => m.text),
      close: () => telegram.close(),
    },
    {
      name: 'Facebook',
      adapter: new FacebookPageAdapter({ pageId: '1234567890', pageAccessToken: 'EAAB-bench', appSecret: 'app-secret', graphUrl: facebook.origin }),
      recorded: () => facebook.posts.map((p) => p.message),
      close: () => facebook.close(),
    },
    {
      name: 'X',
      adapter: new XAdapter({ ...xCredentials, apiUrl: x.origin }),
      recorded: () => x.posts.map((p) => p.text),
      close: () => x.close(),
    },
  ]
}

console.log(
  `Social-network benchmark: ${posts} posts per network and concurrency (${concurrencies.join(', ')}) in each of ${rounds} rounds, fakes in this process, ${warmup} warm-up posts, ` +
    `Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
)

const rows: string[][] = []
let sequence = 0
const all = await networks()
type Result = { seconds: number; latencies: number[]; cpuMicros: number }
const empty = (): Result => ({ seconds: 0, latencies: [], cpuMicros: 0 })

async function run(network: Network, count: number, concurrency: number, into: Result): Promise<void> {
  const before = network.recorded().length
  const first = sequence
  sequence += count
  const failures: string[] = []
  let next = 0
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const n = first + i
      const post: SocialPost = { text: `Plūdi Pasta salā: nebrauciet pāri Driksai. ${LINK} №${n}`, link: LINK, language: 'lv' }
      const at = performance.now()
      const result: SendResult = await network.adapter.send(post, { idempotencyKey: `bench:social:${n}`, timeoutMs: 10_000 })
      into.latencies.push(performance.now() - at)
      if (result.kind !== 'sent') failures.push(`№${n}: ${result.kind} ${'reason' in result ? result.reason : ''}`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  into.seconds += (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  into.cpuMicros += cpu.user + cpu.system
  const texts = network.recorded().slice(before)
  const seen = new Map<string, number>()
  for (const text of texts) {
    const tag = TAG.exec(text)?.[1] ?? 'untagged'
    seen.set(tag, (seen.get(tag) ?? 0) + 1)
  }
  const wrong: string[] = []
  for (let i = 0; i < count; i += 1) {
    const times = seen.get(String(first + i)) ?? 0
    if (times !== 1) wrong.push(`№${first + i} posted ${times} times`)
  }
  if (texts.length !== count) wrong.push(`${texts.length} posts recorded, ${count} sent`)
  if (failures.length > 0 || wrong.length > 0) {
    throw new Error(`${network.name}, concurrency ${concurrency}: ${[...failures, ...wrong].slice(0, 10).join('; ')}${failures.length + wrong.length > 10 ? ' …' : ''}`)
  }
}

try {
  if (warmup > 0) for (const network of all) await run(network, warmup, Math.max(...concurrencies), empty())
  const results = new Map<string, Result>()
  for (let round = 0; round < rounds; round += 1) {
    for (const network of all) {
      for (const concurrency of concurrencies) {
        const key = `${network.name}:${concurrency}`
        if (!results.has(key)) results.set(key, empty())
        await run(network, posts, concurrency, results.get(key)!)
      }
    }
  }
  for (const network of all) {
    for (const concurrency of concurrencies) {
      const r = results.get(`${network.name}:${concurrency}`)!
      const count = posts * rounds
      r.latencies.sort((a, b) => a - b)
      const pct = (q: number) => r.latencies[Math.min(r.latencies.length - 1, Math.floor(q * r.latencies.length))]
      rows.push([network.name, String(concurrency), (count / r.seconds).toFixed(0), pct(0.5).toFixed(1), pct(0.99).toFixed(1), (r.cpuMicros / count).toFixed(0)])
      console.log(`  ${network.name} at ${concurrency}: ${count} posts in ${r.seconds.toFixed(2)} s over ${rounds} rounds, all recorded once, all answered sent`)
    }
  }
} finally {
  for (const network of all) await network.close()
}

const header = ['network', 'concurrency', 'posts/s', 'p50 ms', 'p99 ms', 'CPU µs/post (adapter + fake)']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
console.log()
for (const row of [header, ...rows]) console.log(`  ${row.map((c, i) => c.padStart(widths[i])).join('  ')}`)
console.log(`
What limits it: not our code. One alert is one post per account, and the networks' own rate
limits are far below the figures above (sources in bench/README.md; "not re-checked" where so):
- Mastodon: 300 requests per 5 minutes per account, all endpoints (docs.joinmastodon.org/api/rate-limits),
  ≈ 1 post/s sustained; a 429 carries X-RateLimit-Reset, which the adapter turns into afterMs.
- Telegram: about 20 messages a minute into one channel or group (bot FAQ; TelegramAdapter
  declares limits.ratePerSecond = 20/60 ≈ 0.33/s, but the engine sends through
  SocialAccountsAdapter, whose limits are empty, so no Pacer holds it: a 429 with
  parameters.retry_after is what slows a burst down); 1 message/s per chat.
- Facebook Page: Business Use Case limits over 24 hours, scaled by the Page's engaged users
  (developers.facebook.com/docs/graph-api/overview/rate-limiting); codes 4/17/32/613/80001–80014
  carry the wait in X-Business-Use-Case-Usage.
- X: POST /2/tweets is limited per user per 15 minutes and per 24 hours, by access tier
  (docs.x.com/x-api/fundamentals/rate-limits; e.g. 100 per 24 hours per user on Basic); 429
  carries x-rate-limit-reset.
The figures above only show that the adapters add nothing worth counting (a few ms per post on
loopback, with the fake's own work in the CPU column).`)
