import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeIpPhones, type FakeIpPhones } from './ip-phones.ts'

// The fake's own behaviour on raw requests (the adapter tests cover the happy paths).
describe('fake IP phones', () => {
  let phones: FakeIpPhones
  beforeAll(async () => {
    phones = await startFakeIpPhones()
  })
  afterAll(async () => phones.close())

  it('each phone has its own port and answers only on its vendor path', async () => {
    const cisco = await phones.addPhone({ vendor: 'cisco' })
    const poly = await phones.addPhone({ vendor: 'poly' })
    expect(cisco.address).not.toBe(poly.address)
    expect((await fetch(`http://${cisco.address}/push`, { method: 'POST' })).status).toBe(404)
    expect((await fetch(`http://${poly.address}/CGI/Execute`, { method: 'POST' })).status).toBe(404)
  })

  it('cisco without credentials: CiscoIPPhoneError Number=4; with them but a bad object: Number=1', async () => {
    const cisco = await phones.addPhone({ vendor: 'cisco', username: 'u', password: 'p' })
    const anonymous = await fetch(`http://${cisco.address}/CGI/Execute`, { method: 'POST', body: 'XML=x' })
    expect(await anonymous.text()).toContain('<CiscoIPPhoneError Number="4"/>')
    const bad = await fetch(`http://${cisco.address}/CGI/Execute`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'XML=%3CCiscoIPPhoneExecute%2F%3E',
    })
    expect(await bad.text()).toContain('<CiscoIPPhoneError Number="1"/>')
    expect(cisco.received).toHaveLength(0)
  })

  it('poly challenges with a fresh Digest nonce (qop=auth) and refuses a made-up one', async () => {
    const poly = await phones.addPhone({ vendor: 'poly', digestAlgorithm: 'SHA-256' })
    const first = await fetch(`http://${poly.address}/push`, { method: 'POST', body: '<PolycomIPPhone/>' })
    expect(first.status).toBe(401)
    expect(first.headers.get('www-authenticate')).toMatch(/^Digest realm="PolycomSPIP", qop="auth", algorithm=SHA-256, nonce="[^"]+", opaque="[^"]+"$/)
    const forged = await fetch(`http://${poly.address}/push`, {
      method: 'POST',
      headers: { Authorization: 'Digest username="sargs", realm="PolycomSPIP", nonce="made-up", uri="/push", response="00"' },
      body: '<PolycomIPPhone/>',
    })
    expect(forged.status).toBe(401)
  })
})
