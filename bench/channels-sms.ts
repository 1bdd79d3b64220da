// SMS channel benchmark (not a test): `npx tsx bench/channels-sms.ts [--messages 2000] [--rate 50]`.
//
// Per adapter, against its fake on 127.0.0.1 — the HTTP gateway (tests/fakes/sms-gateway.ts) and
// the SMSC (tests/fakes/smsc.ts, SMPP 3.4 over one bound transceiver) — it measures:
// - unpaced: messages per second with --concurrency sends in flight (what the adapter and its fake
//   can do on this machine; the fakes run in this process, so their cost is included);
// - paced: the same sends through the dispatcher's Pacer at --rate messages per second (the
//   configured provider limit, SMS_RATE_PER_SECOND), and how far the achieved rate is from it
//   (target: within 5 %).
// Messages are Latvian alert texts (UCS-2, 2 parts). Every message must be received by the fake
// exactly once; the run says so and exits non-zero otherwise.
import { parseArgs } from 'node:util'
import { HttpSmsGatewayAdapter } from '#notify/channels/sms/http-gateway.ts'
import { smsEncoding } from '#notify/channels/sms/encoding.ts'
import { SmppAdapter } from '#notify/channels/smpp/smpp-adapter.ts'
import type { ChannelAdapter } from '#notify/channels/contract.ts'
import type { SmsMessage } from '#notify/channels/sms/http-gateway.ts'
import { Pacer } from '#notify/dispatch/pacer.ts'
import { startFakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { startFakeSmsc } from '#tests/fakes/smsc.ts'

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '50' },
    paced: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
  },
})
const messages = Number(values.messages)
const rate = Number(values.rate)
const pacedMessages = Number(values.paced)
const concurrency = Number(values.concurrency)
const TEXT = 'Plūdi Pasta salā: nebrauciet pāri Driksai. Pārvietojiet auto uz augstāku vietu. https://sargs.jelgava.lv/alerts/x'

async function run(adapter: ChannelAdapter<SmsMessage>, count: number, offset: number, pacer?: Pacer): Promise<{ seconds: number; sent: number; firstAt: number; lastAt: number }> {
  let next = 0
  let sent = 0
  let firstAt = Infinity
  let lastAt = 0
  const started = performance.now()
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const wait = pacer?.reserve() ?? 0
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      const at = performance.now()
      firstAt = Math.min(firstAt, at)
      lastAt = Math.max(lastAt, at)
      const to = `+3712${String(1000000 + offset + i).slice(-7)}`
      const result = await adapter.send({ to, text: TEXT }, { idempotencyKey: `bench:${offset + i}`, timeoutMs: 10_000 })
      if (result.kind === 'sent') sent += 1
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { seconds: (performance.now() - started) / 1000, sent, firstAt, lastAt }
}

function report(name: string, fake: () => number, unpaced: Awaited<ReturnType<typeof run>>, paced: Awaited<ReturnType<typeof run>>, expected: number): boolean {
  const achieved = (paced.sent - 1) / ((paced.lastAt - paced.firstAt) / 1000)
  const deviation = ((achieved - rate) / rate) * 100
  console.log(`\n${name}`)
  console.log(`  unpaced: ${unpaced.sent} messages in ${unpaced.seconds.toFixed(2)} s = ${(unpaced.sent / unpaced.seconds).toFixed(0)} msg/s (${concurrency} in flight)`)
  console.log(`  paced at ${rate}/s: ${paced.sent} messages, achieved ${achieved.toFixed(2)} msg/s between first and last send (${deviation >= 0 ? '+' : ''}${deviation.toFixed(2)} %; target within 5 %)`)
  const received = fake()
  console.log(`  received by the fake: ${received} of ${expected} (${received === expected ? 'none lost, none twice' : 'MISMATCH'})`)
  return received === expected && Math.abs(deviation) <= 5
}

const parts = smsEncoding(TEXT)
console.log(`SMS benchmark: ${messages} unpaced + ${pacedMessages} paced messages per adapter, text ${parts.encoding} ${parts.parts} parts, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`)

let ok = true
{
  const gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 'bench' } })
  gateway.receipts('*', { none: true })
  const adapter = new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 'bench' }, senderId: 'Jelgava' })
  const unpaced = await run(adapter, messages, 0)
  const paced = await run(adapter, pacedMessages, messages, new Pacer(rate))
  ok = report('HTTP gateway (HttpSmsGatewayAdapter → fake gateway)', () => gateway.received.length, unpaced, paced, messages + pacedMessages) && ok
  await gateway.close()
}
{
  const smsc = await startFakeSmsc({ systemId: 'sargs', password: 'bench' })
  const adapter = new SmppAdapter({ host: '127.0.0.1', port: smsc.port, systemId: 'sargs', password: 'bench', sourceAddr: 'Jelgava', registeredDelivery: false, enquireLinkMs: 30_000, windowSize: concurrency })
  adapter.connect()
  const unpaced = await run(adapter, messages, 0)
  const paced = await run(adapter, pacedMessages, messages, new Pacer(rate))
  ok = report('SMPP (SmppAdapter → fake SMSC)', () => smsc.messages.length, unpaced, paced, messages + pacedMessages) && ok
  await adapter.close()
  await smsc.close()
}
process.exitCode = ok ? 0 : 1
