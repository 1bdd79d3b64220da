import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFakeSmsc, type FakeSmsc } from '#tests/fakes/smsc.ts'
import { smsEncoding, splitSms } from '../sms/encoding.ts'
import { SmppAdapter, type SmppAdapterConfig, type SmsReceipt } from './smpp-adapter.ts'

const ctx = { idempotencyKey: 'alert-1:sms-smpp:r1', timeoutMs: 5000 }
const LATVIAN =
  'Plūdi Pasta salā: nebrauciet pāri Driksai, ūdens līmenis Lielupē ceļas. Evakuācija no Pasta salas ' +
  'un Lielupes krastiem sākas plkst. 14:00. Ņemiet līdzi dokumentus, zāles, ūdeni un siltu apģērbu.'

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('SmppAdapter against the fake SMSC', () => {
  let smsc: FakeSmsc
  const adapters: SmppAdapter[] = []
  const receipts: SmsReceipt[] = []

  function adapter(overrides: Partial<SmppAdapterConfig> = {}): SmppAdapter {
    const created = new SmppAdapter({
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'sargs',
      password: 'secret',
      systemType: 'SARGS',
      sourceAddr: 'Jelgava',
      registeredDelivery: true,
      enquireLinkMs: 30_000,
      reconnect: { initialMs: 20, maxMs: 200 },
      onReceipt: (receipt) => void receipts.push(receipt),
      ...overrides,
    })
    adapters.push(created)
    return created
  }

  beforeAll(async () => {
    smsc = await startFakeSmsc({ systemId: 'sargs', password: 'secret' })
  })
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()))
    smsc.receipts({})
    smsc.restore()
    receipts.length = 0
  })
  afterAll(async () => smsc.close())

  it('binds as a transceiver with SMPP 3.4 and the configured credentials', async () => {
    const sms = adapter()
    sms.connect()
    await waitFor(() => sms.state === 'bound', 'bind')
    expect(smsc.binds.at(-1)).toEqual({ systemId: 'sargs', systemType: 'SARGS', interfaceVersion: 0x34, ok: true })
  })

  it('a wrong password: the fake refuses the bind with ESME_RBINDFAIL and send says retry with that reason', async () => {
    const sms = adapter({ password: 'wrong' })
    const result = await sms.send({ to: '+37120000000', text: 'x' }, ctx)
    expect(result).toEqual({ kind: 'retry', reason: 'not bound: bind_transceiver refused: ESME_RBINDFAIL (0x0D)' })
    expect(smsc.binds.at(-1)).toMatchObject({ systemId: 'sargs', ok: false })
    expect(sms.state).not.toBe('bound')
  })

  it('sends a one-part GSM-7 message byte for byte: data_coding 0, unpacked septets, receipt requested', async () => {
    const sms = adapter()
    const text = 'Sargs: test {1} €5 @ 14:00'
    expect(smsEncoding(text)).toMatchObject({ encoding: 'GSM-7', parts: 1 })
    const result = await sms.send({ to: '+37120000000', text }, ctx)

    const message = smsc.messages.at(-1)!
    expect(result).toEqual({ kind: 'sent', providerMessageId: message.messageIds[0] })
    expect(message).toMatchObject({ to: '+37120000000', from: 'Jelgava', text, parts: 1, dataCoding: 0, esmClass: 0 })
    const raw = smsc.parts.at(-1)!.raw
    const septets = Buffer.from([
      0x53, 0x61, 0x72, 0x67, 0x73, 0x3a, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x1b, 0x28, 0x31, 0x1b, 0x29, 0x20,
      0x1b, 0x65, 0x35, 0x20, 0x00, 0x20, 0x31, 0x34, 0x3a, 0x30, 0x30,
    ])
    const body = Buffer.concat([
      Buffer.from([0x00]), // service_type ''
      Buffer.from([0x05, 0x00]), Buffer.from('Jelgava\0', 'latin1'), // alphanumeric source
      Buffer.from([0x01, 0x01]), Buffer.from('37120000000\0', 'latin1'), // international ISDN destination
      Buffer.from([0x00, 0x00, 0x00]), // esm_class, protocol_id, priority_flag
      Buffer.from([0x00, 0x00]), // schedule_delivery_time '', validity_period ''
      Buffer.from([0x01, 0x00, 0x00, 0x00]), // registered_delivery, replace_if_present, data_coding 0, sm_default_msg_id
      Buffer.from([septets.length]), septets,
    ])
    const header = Buffer.alloc(16)
    header.writeUInt32BE(16 + body.length, 0)
    header.writeUInt32BE(0x00000004, 4) // submit_sm
    header.writeUInt32BE(0, 8)
    header.writeUInt32BE(raw.readUInt32BE(12), 12)
    expect(raw.toString('hex')).toBe(Buffer.concat([header, body]).toString('hex'))
  })

  it('sends a Latvian text as concatenated UCS-2 parts: the fake reassembles exactly the text, in the splitter\'s part count', async () => {
    const sms = adapter()
    const parts = splitSms(LATVIAN)
    expect(smsEncoding(LATVIAN)).toMatchObject({ encoding: 'UCS-2' })
    expect(parts.length).toBeGreaterThanOrEqual(2)
    expect(parts.length).toBeLessThanOrEqual(3)

    const result = await sms.send({ to: '+37120000001', text: LATVIAN, sender: '+37163000000' }, ctx)
    const message = smsc.messages.at(-1)!
    expect(message).toMatchObject({ to: '+37120000001', from: '+37163000000', text: LATVIAN, parts: parts.length, dataCoding: 8, esmClass: 0x40 })
    expect(result).toEqual({ kind: 'sent', providerMessageId: message.messageIds.join(',') })
    // each part carries exactly the splitter's part, with the same reference and its sequence number
    const sent = smsc.parts.slice(-parts.length)
    expect(sent.map((p) => p.text)).toEqual(parts)
    expect(sent.map((p) => p.concat)).toEqual(parts.map((_, i) => ({ reference: message.reference, total: parts.length, sequence: i + 1 })))
  })

  it('maps submit_sm_resp statuses: THROTTLED and MSGQFUL and SYSERR retry, INVDSTADR a dead address, others permanent', async () => {
    const sms = adapter()
    const send = (to: string) => sms.send({ to, text: 'x' }, ctx)
    smsc.fault('+37120000010', { kind: 'status', status: 0x58 }, 1)
    expect(await send('+37120000010')).toEqual({ kind: 'retry', afterMs: 1000, reason: 'ESME_RTHROTTLED (0x58)' })
    expect((await send('+37120000010')).kind).toBe('sent')
    smsc.fault('+37120000011', { kind: 'status', status: 0x14 }, 1)
    expect(await send('+37120000011')).toEqual({ kind: 'retry', reason: 'ESME_RMSGQFUL (0x14)' })
    smsc.fault('+37120000012', { kind: 'status', status: 0x0b })
    expect(await send('+37120000012')).toEqual({ kind: 'permanent', deadAddress: true, reason: 'ESME_RINVDSTADR (0x0B)' })
    smsc.fault('+37120000013', { kind: 'status', status: 0x08 }, 1)
    expect(await send('+37120000013')).toEqual({ kind: 'retry', reason: 'ESME_RSYSERR (0x08)' })
    smsc.fault('+37120000014', { kind: 'status', status: 0x45 }, 1)
    expect(await send('+37120000014')).toEqual({ kind: 'permanent', deadAddress: false, reason: 'ESME_RSUBMITFAIL (0x45)' })
  })

  it('ESME_RINVBNDSTS: retry, and the adapter drops the session and binds again', async () => {
    const sms = adapter()
    smsc.fault('+37120000017', { kind: 'status', status: 0x04 }, 1)
    expect(await sms.send({ to: '+37120000017', text: 'x' }, ctx)).toEqual({ kind: 'retry', reason: 'ESME_RINVBNDSTS (0x04)' })
    await waitFor(() => sms.binds === 2 && sms.state === 'bound', 'the rebind')
    expect((await sms.send({ to: '+37120000017', text: 'x' }, ctx)).kind).toBe('sent')
  })

  it('a failure on the second part says which part and which parts were accepted before', async () => {
    const sms = adapter()
    smsc.fault('+37120000015', { kind: 'status', status: 0x58 }, 1, 1)
    const result = await sms.send({ to: '+37120000015', text: LATVIAN }, ctx)
    const accepted = smsc.parts.at(-1)!
    expect(result).toEqual({
      kind: 'retry', afterMs: 1000,
      reason: `ESME_RTHROTTLED (0x58) (part 2 of ${splitSms(LATVIAN).length}; accepted before: ${accepted.messageId})`,
    })
  })

  it('a fraction of submits failing by rate maps the same way', async () => {
    const sms = adapter()
    smsc.failRate(1, 0x08)
    expect(await sms.send({ to: '+37120000016', text: 'x' }, ctx)).toEqual({ kind: 'retry', reason: 'ESME_RSYSERR (0x08)' })
    smsc.failRate(0, 0)
    expect((await sms.send({ to: '+37120000016', text: 'x' }, ctx)).kind).toBe('sent')
  })

  it('refuses a number that is not E.164 as a dead address, and an over-long text, without a submit', async () => {
    const sms = adapter({ maxParts: 2 })
    const submits = smsc.submits
    expect(await sms.send({ to: '20000000', text: 'x' }, ctx)).toMatchObject({ kind: 'permanent', deadAddress: true })
    expect(await sms.send({ to: '+37120000000', text: LATVIAN + LATVIAN }, ctx)).toMatchObject({ kind: 'permanent', deadAddress: false, reason: expect.stringContaining('> 2') })
    expect(await sms.send({ to: '+37120000000', text: '' }, ctx)).toMatchObject({ kind: 'permanent', reason: 'empty text' })
    expect(smsc.submits).toBe(submits)
  })

  it('a submit the SMSC never answers: retry after ctx.timeoutMs, and the session still works', async () => {
    const sms = adapter()
    sms.connect()
    await waitFor(() => sms.state === 'bound', 'bind')
    smsc.fault('+37120000020', { kind: 'hang' }, 1)
    const result = await sms.send({ to: '+37120000020', text: 'x' }, { ...ctx, timeoutMs: 300 })
    expect(result).toEqual({ kind: 'retry', reason: 'timeout after 300 ms' })
    expect((await sms.send({ to: '+37120000020', text: 'x' }, ctx)).kind).toBe('sent')
  })

  it('connection dropped by the SMSC: the next send says retry, the adapter rebinds, later sends go', async () => {
    const sms = adapter()
    sms.connect()
    await waitFor(() => sms.state === 'bound', 'bind')
    expect(sms.binds).toBe(1)
    smsc.outage()
    await waitFor(() => sms.state !== 'bound', 'the adapter to notice the drop')
    const during = await sms.send({ to: '+37120000030', text: 'x' }, ctx)
    expect(during.kind).toBe('retry')
    expect(during.kind === 'retry' && during.reason).toMatch(/^not bound: /)
    smsc.restore()
    await waitFor(() => sms.state === 'bound', 'the rebind')
    expect(sms.binds).toBe(2)
    expect((await sms.send({ to: '+37120000030', text: 'x' }, ctx)).kind).toBe('sent')

    // a plain drop (no outage) is healed the same way
    smsc.dropConnections()
    await waitFor(() => sms.binds === 3 && sms.state === 'bound', 'the second rebind')
    expect((await sms.send({ to: '+37120000030', text: 'y' }, ctx)).kind).toBe('sent')
  })

  it('an SMSC that never answers the bind: the attempt is given up after enquireLinkMs and retried', async () => {
    smsc.hangBinds(true)
    const sms = adapter({ enquireLinkMs: 100 })
    sms.connect()
    await waitFor(() => /^no bind within 100 ms/.test(sms.problem), 'the bind to be given up')
    expect(await sms.send({ to: '+37120000031', text: 'x' }, { ...ctx, timeoutMs: 50 })).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^not bound: /) })
    smsc.hangBinds(false)
    await waitFor(() => sms.state === 'bound', 'the bind after the SMSC recovered')
    expect((await sms.send({ to: '+37120000031', text: 'x' }, ctx)).kind).toBe('sent')
  })

  it('answers the SMSC\'s enquire_link and sends its own', async () => {
    const sms = adapter({ enquireLinkMs: 50 })
    sms.connect()
    await waitFor(() => sms.state === 'bound', 'bind')
    const before = smsc.enquireLinks
    await smsc.enquireLink()
    await waitFor(() => smsc.enquireLinks >= before + 2, 'two enquire_link from the adapter')
    expect(sms.state).toBe('bound')
  })

  it('receipts one per part, in reverse order, twice, one part failing: each reaches onReceipt with its part id', async () => {
    const sms = adapter()
    smsc.receipts({ order: 'reverse', duplicate: true, failPart: 2 })
    const result = await sms.send({ to: '+37120000040', text: LATVIAN }, ctx)
    expect(result.kind).toBe('sent')
    const ids = (result.kind === 'sent' && result.providerMessageId!.split(',')) || []
    expect(ids).toHaveLength(splitSms(LATVIAN).length)
    await waitFor(() => receipts.length === ids.length * 2, 'all receipts')
    // reverse order, each twice
    expect(receipts.map((r) => r.providerMessageId)).toEqual([...ids].reverse().flatMap((id) => [id, id]))
    for (const receipt of receipts) {
      const failed = receipt.providerMessageId === ids[1]
      expect(receipt).toMatchObject(failed ? { status: 'failed', stat: 'UNDELIV', errorCode: '001' } : { status: 'delivered', stat: 'DELIVRD', errorCode: '000' })
      expect(receipt.at).toBeInstanceOf(Date)
    }
    const ours = smsc.sentReceipts.filter((r) => ids.includes(r.messageId))
    expect(ours).toHaveLength(ids.length * 2)
    await waitFor(() => ours.every((r) => r.status !== undefined), 'deliver_sm_resp for every receipt')
    expect(ours.map((r) => r.status)).toEqual(Array(ids.length * 2).fill(0))
  })

  it('late receipts (sent by the fake a while after the submit) still arrive', async () => {
    const sms = adapter()
    smsc.receipts({ delayMs: 200 })
    const result = await sms.send({ to: '+37120000041', text: 'late' }, ctx)
    await waitFor(() => receipts.length === 1, 'the late receipt')
    expect(receipts[0]).toMatchObject({ providerMessageId: result.kind === 'sent' ? result.providerMessageId : '?', status: 'delivered' })
  })

  it('a receipt onReceipt could not take is answered ESME_RX_T_APPN so the SMSC offers it again', async () => {
    let fail = true
    const taken: SmsReceipt[] = []
    const sms = adapter({
      onReceipt: async (receipt) => {
        if (fail) throw new Error('database down')
        taken.push(receipt)
      },
    })
    smsc.receipts({ enabled: false })
    const result = await sms.send({ to: '+37120000042', text: 'x' }, ctx)
    const id = result.kind === 'sent' ? result.providerMessageId! : ''
    expect(await smsc.sendReceipt(id, 'DELIVRD')).toBe(0x64)
    fail = false
    expect(await smsc.sendReceipt(id, 'DELIVRD')).toBe(0)
    expect(taken).toEqual([expect.objectContaining({ providerMessageId: id, status: 'delivered' })])
  })

  it('a resident\'s reply (STOP, or Cyrillic in UCS-2) reaches onInbound; without onInbound it is acknowledged and dropped', async () => {
    const inbound: unknown[] = []
    const sms = adapter({ onInbound: (message) => void inbound.push(message) })
    sms.connect()
    await waitFor(() => sms.state === 'bound', 'bind')
    expect(await smsc.sendInbound('+37120000060', 'Jelgava', 'STOP')).toBe(0)
    expect(await smsc.sendInbound('+37120000061', 'Jelgava', 'Стоп')).toBe(0)
    expect(inbound).toEqual([
      { from: '+37120000060', to: 'Jelgava', text: 'STOP' },
      { from: '+37120000061', to: 'Jelgava', text: 'Стоп' },
    ])
    await sms.close()
    const quiet = adapter()
    quiet.connect()
    await waitFor(() => quiet.state === 'bound', 'bind')
    expect(await smsc.sendInbound('+37120000060', 'Jelgava', 'STOP')).toBe(0)
  })

  it('close() unbinds, leaves no timers, and a later send says retry', async () => {
    const sms = adapter({ enquireLinkMs: 1000 })
    expect((await sms.send({ to: '+37120000050', text: 'x' }, ctx)).kind).toBe('sent')
    const unbinds = smsc.unbinds
    await sms.close()
    expect(smsc.unbinds).toBe(unbinds + 1)
    expect(sms.state).toBe('closed')
    expect(sms.pendingTimers).toBe(0)
    expect(await sms.send({ to: '+37120000050', text: 'x' }, ctx)).toEqual({ kind: 'retry', reason: 'adapter closed' })
  })
})

describe('a process using the adapter', () => {
  it('exits by itself after close() (no socket or timer left behind)', async () => {
    const here = path.dirname(fileURLToPath(import.meta.url))
    const root = path.resolve(here, '../../..')
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'exit-check.fixture.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve('did not exit within 25 s')
      }, 25_000)
      child.on('exit', (exitCode) => {
        clearTimeout(timer)
        resolve(exitCode ?? 'killed')
      })
    })
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'sent; closed' })
  })
})
