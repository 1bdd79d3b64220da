import smpp from 'smpp'
import { describe, expect, it } from 'vitest'
import { splitSms } from '../sms/encoding.ts'
import { encodeGsm7Unpacked, encodeUcs2 } from './gsm7-bytes.ts'
import { addressOf, concatUdh, mapSubmitStatus, sourceAddressProblem, statusName, submitSmFields } from './submit-pdu.ts'

describe('GSM-7 and UCS-2 bytes', () => {
  it('encodes GSM-7 one septet per octet, the extension table as ESC + code', () => {
    expect([...encodeGsm7Unpacked('@A£\n€[]')]).toEqual([0x00, 0x41, 0x01, 0x0a, 0x1b, 0x65, 0x1b, 0x3c, 0x1b, 0x3e])
    expect(() => encodeGsm7Unpacked('ā')).toThrow(/U\+101/)
  })
  it('agrees with node-smpp\'s own GSM 03.38 decoder on the whole alphabet', () => {
    const all = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f'
    expect(smpp.encodings.ASCII.decode(encodeGsm7Unpacked(all))).toBe(all)
  })
  it('encodes UCS-2 big-endian', () => {
    expect(encodeUcs2('Pā').toString('hex')).toBe('00500101')
    expect(encodeUcs2('Ж🙂').toString('hex')).toBe('0416d83dde42')
  })
})

describe('submitSmFields', () => {
  it('one GSM-7 part: international destination, alphanumeric sender, no UDH, receipt requested', () => {
    const [fields, ...rest] = submitSmFields({ encoding: 'GSM-7', parts: ['Hello'] }, { to: '+37120000000', from: 'Jelgava', registeredDelivery: true, reference: 9 })
    expect(rest).toEqual([])
    expect(fields).toMatchObject({
      source_addr_ton: 5, source_addr_npi: 0, source_addr: 'Jelgava',
      dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '37120000000',
      esm_class: 0, registered_delivery: 1, data_coding: 0, short_message: Buffer.from('Hello'),
    })
  })

  it('several UCS-2 parts: UDH 05 00 03 ref total seq, esm_class 0x40, data_coding 8', () => {
    const text = 'Ж'.repeat(140)
    const parts = splitSms(text)
    const fields = submitSmFields({ encoding: 'UCS-2', parts }, { to: '+37120000000', from: '+37167000000', registeredDelivery: false, reference: 0x1ff, serviceType: 'CMT' })
    expect(fields).toHaveLength(3)
    fields.forEach((f, i) => {
      const sm = f.short_message as Buffer
      expect([...sm.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 0xff, 3, i + 1])
      expect(sm.subarray(6)).toEqual(encodeUcs2(parts[i]))
      expect(f).toMatchObject({ esm_class: 0x40, data_coding: 8, registered_delivery: 0, service_type: 'CMT', source_addr_ton: 1, source_addr: '37167000000' })
    })
    expect((fields[0].short_message as Buffer).length).toBe(6 + 67 * 2)
  })

  it('addresses: +E.164 international, a short code unknown/ISDN, letters alphanumeric', () => {
    expect(addressOf('+37120000000')).toEqual({ ton: 1, npi: 1, addr: '37120000000' })
    expect(addressOf('1188')).toEqual({ ton: 0, npi: 1, addr: '1188' })
    expect(addressOf('VUGD')).toEqual({ ton: 5, npi: 0, addr: 'VUGD' })
    expect(sourceAddressProblem('Jelgavas pils')).toMatch(/1–11/)
    expect(sourceAddressProblem('Jelgava')).toBeUndefined()
    expect(concatUdh(300, 2, 1)).toEqual(Buffer.from([5, 0, 3, 44, 2, 1]))
  })
})

describe('mapSubmitStatus', () => {
  it('maps throttling, queue full, system error, bad destination and the rest', () => {
    expect(mapSubmitStatus(0x58, '')).toEqual({ kind: 'retry', afterMs: 1000, reason: 'ESME_RTHROTTLED (0x58)' })
    expect(mapSubmitStatus(0x14, '')).toEqual({ kind: 'retry', reason: 'ESME_RMSGQFUL (0x14)' })
    expect(mapSubmitStatus(0x08, '(part 2 of 3)')).toEqual({ kind: 'retry', reason: 'ESME_RSYSERR (0x08) (part 2 of 3)' })
    expect(mapSubmitStatus(0x0b, '')).toEqual({ kind: 'permanent', deadAddress: true, reason: 'ESME_RINVDSTADR (0x0B)' })
    expect(mapSubmitStatus(0x45, '')).toEqual({ kind: 'permanent', deadAddress: false, reason: 'ESME_RSUBMITFAIL (0x45)' })
    expect(mapSubmitStatus(0x0a, '')).toMatchObject({ kind: 'permanent', deadAddress: false })
    expect(mapSubmitStatus(0x64, '')).toMatchObject({ kind: 'retry' })
    expect(mapSubmitStatus(0x04, '')).toMatchObject({ kind: 'retry' })
    expect(statusName(0x400)).toBe('command_status 0x400')
  })
})
