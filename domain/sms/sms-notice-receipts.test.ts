// A resident's confirmation code and the "subscribed" SMS go out outside the ledger. Over SMPP their
// delivery receipts used to find no delivery and were refused (ESME_RX_T_APPN), so the SMSC offered
// them again and again. Now their parts are remembered for 7 days and the receipts are acknowledged;
// a receipt for a message nobody sent is still refused (it may be a ledger send whose result is not
// written yet). Real SMPP against the fake SMSC, the providers built as the server builds them, on
// PGlite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildSmsProviders } from '#notify/dispatch/build-dispatcher.ts'
import type { SmsProviderChain } from '#notify/channels/sms/sms-providers.ts'
import { INSIDE, demoTerritory } from '#notify/dispatch/fixtures/engine-support.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeSmsc, type FakeSmsc } from '#tests/fakes/smsc.ts'
import { confirmSmsSubscription, requestSmsSubscription } from './sms-subscriptions.ts'

const ESME_ROK = 0
const ESME_RX_T_APPN = 0x64

describeEachBackend('SMPP receipts of codes and confirmations', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let smsc: FakeSmsc
  let chain: SmsProviderChain | undefined

  beforeAll(async () => {
    smsc = await startFakeSmsc({ systemId: 'sargs', password: 'secret' })
    smsc.receipts({ enabled: false })
  })
  afterAll(async () => {
    await chain?.close()
    await smsc.close()
  })

  it('acknowledges the receipts of a code and of the confirmation; still refuses one for an unknown message', async () => {
    const prisma = db().prisma
    await demoTerritory(prisma)
    chain = buildSmsProviders({ prisma, sms: { senderId: 'Sargs', receiptSecret: undefined, providers: [{ name: 'smpp', host: '127.0.0.1', port: smsc.port, systemId: 'sargs', password: 'secret' }] } })
    const requested = await requestSmsSubscription({ prisma, input: { phone: '+37120000077', places: [INSIDE], languages: ['lv'], minSeverity: 'Moderate' }, clientIp: '10.0.0.7', sender: chain })
    await expect.poll(() => smsc.messages.length, { timeout: 10_000 }).toBe(1)
    const code = /\b(\d{6})\b/.exec(smsc.messages[0].text)![1]
    const codePart = smsc.parts[0].messageId
    expect(await smsc.sendReceipt(codePart, 'DELIVRD')).toBe(ESME_ROK)

    await confirmSmsSubscription({ prisma, verificationId: requested.verificationId, code, sender: chain, baseUrl: 'https://sargs.example' })
    await expect.poll(() => smsc.messages.length, { timeout: 10_000 }).toBe(2)
    const confirmationParts = smsc.parts.slice(1).map((p) => p.messageId)
    expect(confirmationParts.length).toBeGreaterThan(0)
    for (const part of confirmationParts) expect(await smsc.sendReceipt(part, 'DELIVRD')).toBe(ESME_ROK)

    // a part neither in the ledger nor remembered (as a ledger send whose result is not written
    // yet): refused, the SMSC will offer it again
    const other = await chain.send({ to: '+37120000078', text: 'cits' }, { idempotencyKey: 'a:sms:x', timeoutMs: 5000 })
    expect(other.kind).toBe('sent')
    expect(await smsc.sendReceipt(smsc.parts.at(-1)!.messageId, 'DELIVRD')).toBe(ESME_RX_T_APPN)
    expect(await prisma.smsNoticePart.count()).toBe(1 + confirmationParts.length)
  })
})
