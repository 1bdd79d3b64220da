// Desk-phone paging benchmark (not a test): `npx tsx bench/channels-phones.ts [--pages 300] …`.
//
// The real adapter (PhonePagingAdapter, notify/channels/phones/) pages the fake desk phones
// (tests/fakes/ip-phones.ts), which run in a child process of their own so that their HTTP
// servers, Digest checks and XML parsing are not counted as sender CPU. Per vendor:
// - Cisco: POST /CGI/Execute (HTTP Basic, sent up front) with a CiscoIPPhoneExecute; the phone
//   then GETs the page from a small HTTP server in this process (what the Sargs page route does,
//   serving ciscoTextXml) — so a Cisco page is two HTTP exchanges, and serving the page is sender
//   CPU;
// - Yealink: POST /servlet?push=xml, Digest challenge (MD5, qop=auth);
// - Poly: POST /push, Digest challenge (SHA-256, qop=auth).
// N pages per vendor and concurrency in each of R rounds, spread round-robin over --phones
// phones of that vendor, each page with its own number in the text. Every vendor is warmed up
// first, and each round runs every vendor and concurrency in turn, so that neither JIT warm-up nor
// load from elsewhere on the machine favours the vendor that happens to run last; the figures are
// over all rounds (pages/s = all pages ÷ their wall time, percentiles over all pages). Prints pages per second, p50/p99 latency of
// adapter.send, CPU per page of this (sender) process and of the fake phones' process, HTTP
// requests per page and how many were 401 challenges. Every page must be shown by a fake phone
// exactly once and every send must answer `sent`; the run stops with an error otherwise.
//
// Options: --pages N (300 per round) --rounds R (3) --page-concurrency LIST (16,1)
//          --phones P (20 per vendor) --warmup N (100 per vendor, unmeasured)
//          --vendors LIST (cisco,yealink,poly)
import { fork, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ciscoTextXml, CISCO_XML_CONTENT_TYPE } from '#notify/channels/phones/cisco.ts'
import { PhonePagingAdapter, type PhonePage, type PhoneVendor } from '#notify/channels/phones/phone-paging-adapter.ts'
import { startFakeIpPhones, type FakeIpPhones } from '#tests/fakes/ip-phones.ts'

type PhoneEntry = { vendor: PhoneVendor; address: string; username: string; password: string }
type ChildCommand = { cmd: 'start'; vendor: PhoneVendor; count: number } | { cmd: 'stats' } | { cmd: 'reset' } | { cmd: 'stop' }
type ChildStats = { pages: number; tags: Record<string, number>; requests: number; challenges: number; otherStatuses: Record<string, number>; cpuMicros: number; problems: string[] }

const TAG = /№(\d+)$/

if (process.argv.includes('--phones-child')) {
  await phonesChild()
} else {
  await main()
}

async function phonesChild(): Promise<void> {
  const fleet: FakeIpPhones = await startFakeIpPhones()
  process.on('disconnect', () => process.exit(0))
  process.on('message', (message: ChildCommand) => {
    void (async () => {
      if (message.cmd === 'start') {
        const phones: PhoneEntry[] = []
        for (let i = 0; i < message.count; i += 1) {
          const phone = await fleet.addPhone({
            vendor: message.vendor,
            username: `pager-${message.vendor}`,
            password: `Paroles-${i}`,
            ...(message.vendor === 'poly' ? { digestAlgorithm: 'SHA-256' as const } : {}),
          })
          phones.push({ vendor: message.vendor, address: phone.address, username: phone.username, password: phone.password })
        }
        process.send!({ phones })
      } else if (message.cmd === 'stats') {
        const tags: Record<string, number> = {}
        const problems = new Set<string>()
        for (const page of fleet.pages) {
          const tag = TAG.exec(page.text)?.[1] ?? 'untagged'
          tags[tag] = (tags[tag] ?? 0) + 1
          for (const problem of page.problems) problems.add(problem)
        }
        const otherStatuses: Record<string, number> = {}
        for (const r of fleet.requests) if (r.status !== 200 && r.status !== 401) otherStatuses[r.status] = (otherStatuses[r.status] ?? 0) + 1
        const usage = process.cpuUsage()
        const stats: ChildStats = {
          pages: fleet.pages.length,
          tags,
          requests: fleet.requests.length,
          challenges: fleet.requests.filter((r) => r.status === 401).length,
          otherStatuses,
          cpuMicros: usage.user + usage.system,
          problems: [...problems],
        }
        process.send!(stats)
      } else if (message.cmd === 'reset') {
        fleet.pages.length = 0
        fleet.requests.length = 0
        for (const phone of fleet.phones) phone.received.length = 0
        process.send!({ reset: true })
      } else {
        await fleet.close()
        process.send!({ stopped: true })
        process.exit(0)
      }
    })()
  })
  process.send!({ ready: true })
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pages: { type: 'string', default: '300' },
      'page-concurrency': { type: 'string', default: '16,1' },
      phones: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '100' },
      rounds: { type: 'string', default: '3' },
      vendors: { type: 'string', default: 'cisco,yealink,poly' },
    },
  })
  const pages = Number(values.pages)
  const concurrencies = values['page-concurrency'].split(',').map(Number)
  const phonesPerVendor = Number(values.phones)
  const warmup = Number(values.warmup)
  const rounds = Number(values.rounds)
  const vendors = values.vendors.split(',') as PhoneVendor[]
  for (const [name, n] of [['--pages', pages], ['--phones', phonesPerVendor], ['--rounds', rounds], ...concurrencies.map((c) => ['--page-concurrency', c] as const)] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`)
  }
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error('--warmup must be a whole number')
  for (const v of vendors) if (!['cisco', 'yealink', 'poly'].includes(v)) throw new Error(`--vendors: unknown vendor ${v}`)

  console.log(
    `Desk-phone paging benchmark: ${pages} pages per vendor and concurrency (${concurrencies.join(', ')}) in each of ${rounds} rounds, ${phonesPerVendor} fake phones per vendor in a child process, ` +
      `${warmup} warm-up pages, Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  )

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--phones-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const request = <T>(command: ChildCommand) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`fake phones child exited (${code})`))
      child.once('exit', onExit)
      child.once('message', (reply) => {
        child.off('exit', onExit)
        resolve(reply as T)
      })
      child.send(command)
    })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`fake phones child exited (${code})`)))
  })

  // the Sargs side of a Cisco page: the route serving CiscoIPPhoneText at pageUrl
  const served = new Map<string, string>()
  const pageServer = http.createServer((req, res) => {
    const xml = served.get(req.url ?? '')
    if (!xml) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'Content-Type': CISCO_XML_CONTENT_TYPE }).end(xml)
  })
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve))
  const pageOrigin = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}`

  const adapter = new PhonePagingAdapter()
  const rows: string[][] = []
  let sequence = 0
  type Result = { seconds: number; latencies: number[]; senderCpu: number; phoneCpu: number; requests: number; challenges: number; problems: Set<string> }
  const runOnce = async (vendor: PhoneVendor, phones: PhoneEntry[], count: number, concurrency: number, into: Result) => {
    await request({ cmd: 'reset' })
    const first = sequence
    sequence += count
    const failures: string[] = []
    let next = 0
    const childCpuBefore = (await request<ChildStats>({ cmd: 'stats' })).cpuMicros
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    const worker = async () => {
      for (let i = next++; i < count; i = next++) {
        const n = first + i
        const phone = phones[i % phones.length]
        const page: PhonePage = {
          phone,
          title: 'Plūdi: evakuācija',
          text: `Lielupes krastā ūdens ceļas. Dodieties uz skolu Ģertrūdes ielā 5. №${n}`,
          ackUrl: `https://sargs.example/phone-ack/dlv_${n}.abcdefghijklmnopqrstuv`,
          ackLabel: 'Apstiprināt',
          priority: 'critical',
        }
        if (vendor === 'cisco') {
          const path = `/phone-page/${n}`
          served.set(path, ciscoTextXml(page))
          page.pageUrl = `${pageOrigin}${path}`
        }
        const at = performance.now()
        const result = await adapter.send(page, { idempotencyKey: `bench:paging:${n}`, timeoutMs: 10_000 })
        into.latencies.push(performance.now() - at)
        if (result.kind !== 'sent') failures.push(`№${n}: ${result.kind} ${'reason' in result ? result.reason : ''}`)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
    into.seconds += (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const stats = await request<ChildStats>({ cmd: 'stats' })
    served.clear()
    // every page shown once, none missing, none twice, nothing else
    const wrong: string[] = []
    for (let i = 0; i < count; i += 1) {
      const seen = stats.tags[String(first + i)] ?? 0
      if (seen !== 1) wrong.push(`№${first + i} shown ${seen} times`)
    }
    if (stats.pages !== count) wrong.push(`${stats.pages} pages shown, ${count} sent`)
    for (const [status, n] of Object.entries(stats.otherStatuses)) wrong.push(`${n} requests answered ${status}`)
    if (failures.length > 0 || wrong.length > 0) {
      throw new Error(`${vendor}, concurrency ${concurrency}: ${[...failures, ...wrong].slice(0, 10).join('; ')}${failures.length + wrong.length > 10 ? ' …' : ''}`)
    }
    into.senderCpu += cpu.user + cpu.system
    into.phoneCpu += stats.cpuMicros - childCpuBefore
    into.requests += stats.requests
    into.challenges += stats.challenges
    for (const problem of stats.problems) into.problems.add(problem)
  }
  const empty = (): Result => ({ seconds: 0, latencies: [], senderCpu: 0, phoneCpu: 0, requests: 0, challenges: 0, problems: new Set() })

  try {
    const fleets = new Map<PhoneVendor, PhoneEntry[]>()
    for (const vendor of vendors) {
      const { phones } = await request<{ phones: PhoneEntry[] }>({ cmd: 'start', vendor, count: phonesPerVendor })
      fleets.set(vendor, phones)
      if (warmup > 0) await runOnce(vendor, phones, warmup, Math.max(...concurrencies), empty())
    }
    const results = new Map<string, Result>()
    for (let round = 0; round < rounds; round += 1) {
      for (const vendor of vendors) {
        for (const concurrency of concurrencies) {
          const key = `${vendor}:${concurrency}`
          if (!results.has(key)) results.set(key, empty())
          await runOnce(vendor, fleets.get(vendor)!, pages, concurrency, results.get(key)!)
        }
      }
    }
    for (const vendor of vendors) {
      for (const concurrency of concurrencies) {
        const r = results.get(`${vendor}:${concurrency}`)!
        const count = pages * rounds
        r.latencies.sort((a, b) => a - b)
        const pct = (q: number) => r.latencies[Math.min(r.latencies.length - 1, Math.floor(q * r.latencies.length))]
        rows.push([
          vendor,
          String(concurrency),
          (count / r.seconds).toFixed(0),
          pct(0.5).toFixed(1),
          pct(0.99).toFixed(1),
          (r.senderCpu / count).toFixed(0),
          (r.phoneCpu / count).toFixed(0),
          `${(r.requests / count).toFixed(2)} (${(r.challenges / count).toFixed(2)} × 401)`,
        ])
        const problems = r.problems.size > 0 ? `; the fake flagged: ${[...r.problems].join(', ')}` : ''
        console.log(`  ${vendor} at ${concurrency}: ${count} pages in ${r.seconds.toFixed(2)} s over ${rounds} rounds, all shown once, all answered sent${problems}`)
      }
    }
  } finally {
    if (child.exitCode === null) await request({ cmd: 'stop' }).catch(() => undefined)
    pageServer.closeAllConnections()
    await new Promise<void>((resolve) => pageServer.close(() => resolve()))
  }

  const header = ['vendor', 'concurrency', 'pages/s', 'p50 ms', 'p99 ms', 'sender CPU µs/page', 'fake phones CPU µs/page', 'HTTP requests/page to the phone']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  console.log()
  for (const row of [header, ...rows]) console.log(`  ${row.map((c, i) => c.padStart(widths[i])).join('  ')}`)
  console.log(`
What limits it:
- Digest (Yealink, Poly): every page costs two requests to the phone — the 401 challenge, then the
  authenticated POST. The adapter does not cache the nonce (phone-http.ts answers each challenge
  once and forgets it), so the round trip and the phone's challenge are paid on every page; with
  a cached nonce and an increasing nc a repeat page to the same phone would be one request.
  Whether a real phone accepts a reused nonce is not known from the fakes (they accept any nonce
  they issued), so this is left as is.
- Cisco: Basic credentials go up front (one POST), but the phone answers only after it has
  fetched the page from Sargs (a second HTTP exchange, phone → Sargs), so a page costs the POST
  plus the fetch; "HTTP requests/page" counts only requests to the phone.
- Against the fakes every exchange is on loopback and answered at once: the figures are our
  code's and Node's HTTP cost. A real desk phone's web server is slow (it renders the page,
  rings, and answers one push at a time); with hundreds of phones the wall time is set by the
  phones' answer time × pages ÷ concurrency, not by the sender's CPU.`)
}
