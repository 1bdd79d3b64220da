// sargs worker: arguments, and the worker loop against the fake push service on both backends
// (the real process, killed and restarted, is in notify/dispatch/process-crash.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { check, composeAlert, demoTerritory, issue, subscribe } from '#notify/dispatch/fixtures/engine-support.ts'
import { ensureVapidKeys } from '#notify/dispatch/vapid-keys.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakePushService, type FakePushService } from '#tests/fakes/push-service.ts'
import { UsageError } from '../main.ts'
import { parseWorkerArgs, runWorker } from './worker.ts'

describe('sargs worker: arguments', () => {
  it('takes --drain and nothing else', () => {
    expect(parseWorkerArgs([])).toEqual({ drain: false })
    expect(parseWorkerArgs(['--drain'])).toEqual({ drain: true })
    expect(() => parseWorkerArgs(['--threads', '4'])).toThrow(UsageError)
    expect(() => parseWorkerArgs(['--threads', '4'])).toThrow(/unexpected argument "--threads" \(usage: sargs worker \[--drain\]\)/)
  })
})

describeEachBackend('sargs worker', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let push: FakePushService
  beforeAll(async () => {
    push = await startFakePushService()
  })
  afterAll(async () => push.close())

  it('--drain sends what was issued with the instance VAPID key, then returns 0', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const subs = await Promise.all([1, 2, 3].map(() => subscribe(prisma, push)))
    const alert = await composeAlert(prisma, territory)
    const id = await issue(prisma, alert)
    const lines: string[] = []
    const code = await runWorker({ drain: true, prisma, vapidSubject: 'mailto:cp@jelgava.lv', pushServiceHosts: ['127.0.0.1'], stopSignal: new Promise(() => {}), print: (l) => lines.push(l), agent: push.agent })
    expect(code).toBe(0)
    expect(lines.at(-1)).toMatch(/nothing left to send/)
    const result = await check(prisma, push, { id, identifier: alert.identifier })
    expect(result).toMatchObject({ acknowledged: 3, received: 3, lost: [], duplicates: 0 })
    expect([...result.receivers].sort()).toEqual(subs.map((s) => s.id).sort())
    // signed with the key the database holds (made on first use), and the configured contact
    const keys = await ensureVapidKeys(prisma)
    const pushed = push.received.filter((r) => result.receivers.has(r.subscriptionId))
    expect(pushed.every((r) => r.vapid.publicKey === keys.publicKey && r.vapid.sub === 'mailto:cp@jelgava.lv')).toBe(true)
  })

  it('runs until the stop signal, sending what is issued meanwhile, then stops and returns 0', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    await subscribe(prisma, push)
    let stop!: (signal: string) => void
    const lines: string[] = []
    const running = runWorker({
      drain: false, prisma, vapidSubject: 'mailto:cp@jelgava.lv', pushServiceHosts: ['127.0.0.1'], agent: push.agent, print: (l) => lines.push(l),
      stopSignal: new Promise((resolve) => (stop = resolve)), tuning: { pollMs: 20 },
    })
    const alert = await composeAlert(prisma, territory)
    const id = await issue(prisma, alert)
    const deadline = Date.now() + 30_000
    while ((await prisma.delivery.count({ where: { alertId: id, status: 'SENT' } })) < 1) {
      if (Date.now() > deadline) throw new Error('the worker sent nothing')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    stop('SIGTERM')
    expect(await running).toBe(0)
    expect(lines.map((l) => l.replace(/^worker \S+: /, ''))).toEqual(['started', 'SIGTERM, finishing the batch in flight', 'stopped'])
    expect(await prisma.delivery.count({ where: { status: { in: ['PENDING', 'SENDING'] } } })).toBe(0)
  })
})
