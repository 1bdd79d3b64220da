// Run by smpp-adapter.test.ts in a child process: start the fake SMSC, bind, send one message, take
// its receipt, close both. The process must then exit on its own: a timer or socket the adapter
// forgot would keep it alive, and the test would see it still running.
import { startFakeSmsc } from '#tests/fakes/smsc.ts'
import { SmppAdapter } from './smpp-adapter.ts'

const smsc = await startFakeSmsc()
let receipts = 0
const sms = new SmppAdapter({
  host: '127.0.0.1', port: smsc.port, systemId: 'sargs', password: 'secret', sourceAddr: 'Jelgava',
  registeredDelivery: true, enquireLinkMs: 200, onReceipt: () => void (receipts += 1),
})
const result = await sms.send({ to: '+37120000000', text: 'exit check' }, { idempotencyKey: 'exit', timeoutMs: 5000 })
while (receipts === 0) await new Promise((resolve) => setTimeout(resolve, 10))
await sms.close()
await smsc.close()
console.log(`${result.kind}; ${sms.state}`)
