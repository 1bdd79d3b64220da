// The fake push service in its own process for bench/fanout.ts (its decryption must not count as
// sender CPU). IPC: {create: n} → {subscriptions: [...]} in chunks, then {done: true};
// {stats: true} → {accepted, firstAt, lastAt, refused}; {close: true} → exits.
import { startFakePushService } from '../tests/fakes/push-service.ts'

const push = await startFakePushService({ record: 'count' })
process.send!({ ready: true, origin: push.origin, ca: push.ca })
// the benchmark died (error, timeout): do not outlive it
process.on('disconnect', () => process.exit(0))
process.on('message', (message: { create?: number; stats?: boolean; close?: boolean }) => {
  if (message.create) {
    for (let done = 0; done < message.create; done += 5000) {
      const chunk = Array.from({ length: Math.min(5000, message.create - done) }, () => push.createSubscription())
      process.send!({ subscriptions: chunk })
    }
    process.send!({ created: true })
  }
  if (message.stats) {
    process.send!({ stats: { accepted: push.accepted, firstAt: push.firstAt, lastAt: push.lastAt, refused: push.refused.length } })
  }
  if (message.close) void push.close().then(() => process.exit(0))
})
