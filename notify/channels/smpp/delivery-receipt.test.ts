import { describe, expect, it } from 'vitest'
import { isDeliveryReceipt, parseReceiptDate, parseReceiptText, receiptFromDeliverSm } from './delivery-receipt.ts'

describe('parseReceiptText', () => {
  it('reads the SMPP 3.4 appendix B receipt text field by field', () => {
    const text = 'id:0123456789 sub:001 dlvrd:001 submit date:2612041305 done date:2612041306 stat:DELIVRD err:000 text:Pludi Pasta sala: neb'
    expect(parseReceiptText(text)).toEqual({
      id: '0123456789', sub: '001', dlvrd: '001', submitDate: '2612041305', doneDate: '2612041306',
      stat: 'DELIVRD', err: '000', text: 'Pludi Pasta sala: neb',
    })
  })

  it('is not fooled by key-like words inside text:, and reads lower-case keys (some SMSCs)', () => {
    const text = 'id:7F3A0B sub:001 dlvrd:000 submit date:2612041305 done date:2612041400 stat:undeliv err:034 text:stat:DELIVRD id:bogus'
    const fields = parseReceiptText(text)
    expect(fields).toMatchObject({ id: '7F3A0B', stat: 'UNDELIV', err: '034', text: 'stat:DELIVRD id:bogus' })
  })

  it('leaves absent fields undefined (a receipt with only id and stat)', () => {
    expect(parseReceiptText('id:42 stat:EXPIRED')).toEqual({
      id: '42', sub: undefined, dlvrd: undefined, submitDate: undefined, doneDate: undefined, stat: 'EXPIRED', err: undefined,
    })
  })
})

describe('parseReceiptDate', () => {
  it('reads YYMMDDhhmm and YYMMDDhhmmss as UTC', () => {
    expect(parseReceiptDate('2612041306')?.toISOString()).toBe('2026-12-04T13:06:00.000Z')
    expect(parseReceiptDate('261204130659')?.toISOString()).toBe('2026-12-04T13:06:59.000Z')
  })
  it('refuses what is not a date', () => {
    expect(parseReceiptDate('2613401306')).toBeUndefined()
    expect(parseReceiptDate('26120413')).toBeUndefined()
    expect(parseReceiptDate(undefined)).toBeUndefined()
  })
})

describe('receiptFromDeliverSm', () => {
  const text = (stat: string, err = '000') =>
    `id:00001A2B sub:001 dlvrd:001 submit date:2612041305 done date:2612041306 stat:${stat} err:${err} text:x`

  it('maps every stat word to a status', () => {
    const status = (stat: string) => receiptFromDeliverSm({ esmClass: 0x04, text: text(stat) })?.status
    expect(status('DELIVRD')).toBe('delivered')
    expect(status('UNDELIV')).toBe('failed')
    expect(status('DELETED')).toBe('failed')
    expect(status('EXPIRED')).toBe('expired')
    expect(status('REJECTD')).toBe('rejected')
    expect(status('ACCEPTD')).toBe('unknown')
    expect(status('UNKNOWN')).toBe('unknown')
    expect(status('WHATEVER')).toBe('unknown')
  })

  it('gives part id, status, error code and done date from the text', () => {
    expect(receiptFromDeliverSm({ esmClass: 0x04, text: text('UNDELIV', '001') })).toEqual({
      providerMessageId: '00001A2B', status: 'failed', stat: 'UNDELIV', errorCode: '001', at: new Date('2026-12-04T13:06:00Z'),
    })
  })

  it('prefers the receipted_message_id and message_state TLVs over the text', () => {
    const receipt = receiptFromDeliverSm({ esmClass: 0x04, text: text('DELIVRD'), receiptedMessageId: '6699', messageState: 5 })
    expect(receipt).toMatchObject({ providerMessageId: '6699', status: 'failed', stat: 'UNDELIV' })
    // TLVs only, no text at all
    expect(receiptFromDeliverSm({ esmClass: 0x04, text: '', receiptedMessageId: 'abc', messageState: 3 })).toEqual({
      providerMessageId: 'abc', status: 'expired', stat: 'EXPIRED',
    })
  })

  it('is not a receipt without the esm_class receipt type, nor without any message id', () => {
    expect(isDeliveryReceipt(0x04)).toBe(true)
    expect(isDeliveryReceipt(0x44)).toBe(true) // receipt with UDHI
    expect(isDeliveryReceipt(0x00)).toBe(false) // a mobile-originated message
    expect(isDeliveryReceipt(0x08)).toBe(false) // SME delivery acknowledgement
    expect(receiptFromDeliverSm({ esmClass: 0x00, text: text('DELIVRD') })).toBeUndefined()
    expect(receiptFromDeliverSm({ esmClass: 0x04, text: 'stat:DELIVRD' })).toBeUndefined()
  })
})
