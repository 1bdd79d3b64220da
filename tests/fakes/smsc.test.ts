// The fake SMSC itself, driven by a bare node-smpp client (not the adapter): bind checks, a submit
// before bind, parts arriving out of order, UCS-2 and GSM-7 decoding.
import smpp, { type PDU, type Session } from 'smpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeSmsc, type FakeSmsc } from './smsc.ts'

function request(session: Session, command: 'bind_transceiver' | 'submit_sm', fields: Record<string, unknown>): Promise<PDU> {
  return new Promise((resolve) => session[command](fields, resolve))
}

function client(port: number): Promise<Session> {
  return new Promise((resolve) => {
    const session = smpp.connect({ host: '127.0.0.1', port }, () => resolve(session))
    session.on('error', () => undefined)
  })
}

describe('fake SMSC', () => {
  let smsc: FakeSmsc
  const sessions: Session[] = []
  beforeAll(async () => {
    smsc = await startFakeSmsc({ systemId: 'esme', password: 'pw' })
  })
  afterAll(async () => {
    for (const session of sessions) session.destroy()
    await smsc.close()
  })

  it('refuses a wrong password with ESME_RBINDFAIL and a submit before bind with ESME_RINVBNDSTS', async () => {
    const session = await client(smsc.port)
    sessions.push(session)
    const early = await request(session, 'submit_sm', { destination_addr: '37120000000', short_message: Buffer.from('x'), data_coding: 0 })
    expect(early.command_status).toBe(0x04)
    const refused = await request(session, 'bind_transceiver', { system_id: 'esme', password: 'nope' })
    expect(refused.command_status).toBe(smpp.ESME_RBINDFAIL)
    expect(smsc.binds.at(-1)).toMatchObject({ systemId: 'esme', ok: false })
  })

  it('reassembles parts that arrive out of order by their UDH reference, and decodes UCS-2 and GSM-7', async () => {
    const session = await client(smsc.port)
    sessions.push(session)
    expect((await request(session, 'bind_transceiver', { system_id: 'esme', password: 'pw' })).command_status).toBe(0)
    const ucs2 = (text: string) => Buffer.from(text, 'utf16le').swap16()
    const part = (sequence: number, text: string) => ({
      source_addr_ton: 5, source_addr: 'VUGD', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '37120000099',
      esm_class: 0x40, data_coding: 8,
      short_message: Buffer.concat([Buffer.from([5, 0, 3, 0x7a, 2, sequence]), ucs2(text)]),
    })
    const second = await request(session, 'submit_sm', part(2, 'ņemiet līdzi'))
    expect(smsc.messages).toHaveLength(0)
    const first = await request(session, 'submit_sm', part(1, 'Trauksme: '))
    const single = await request(session, 'submit_sm', {
      source_addr_ton: 5, source_addr: 'VUGD', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '37120000098',
      data_coding: 0, short_message: Buffer.from([0x41, 0x00, 0x1b, 0x65]),
    })
    expect(smsc.messages).toEqual([
      { to: '+37120000099', from: 'VUGD', text: 'Trauksme: ņemiet līdzi', parts: 2, dataCoding: 8, esmClass: 0x40, messageIds: [first.message_id, second.message_id], reference: 0x7a },
      { to: '+37120000098', from: 'VUGD', text: 'A@€', parts: 1, dataCoding: 0, esmClass: 0, messageIds: [single.message_id] },
    ])
  })
})
