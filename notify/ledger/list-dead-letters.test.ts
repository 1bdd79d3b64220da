import { expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { issueAlert } from './issue-alert.ts'
import { listDeadLetters } from './list-dead-letters.ts'
import { deliveryState } from '#tests/support/delivery-state.ts'

const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }

describeEachBackend('listDeadLetters', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('lists DEAD and FAILED deliveries newest first with reason, attempts, alert, channel and the last attempt; paged', async () => {
    const prisma = db().prisma
    const issued = await Promise.all(['a', 'b'].map((k) =>
      issueAlert(prisma, { identifier: `urn:dl:${k}`, status: 'Actual', msgType: 'Alert', territoryId: 't', payload: {}, severity: 'Severe', area: AREA, idempotencyKey: k })))
    const [a, b] = issued
    const statuses = ['SENT', 'DEAD', 'FAILED', 'PENDING', 'DEAD', 'CANCELLED', 'FAILED'] as const
    for (const [i, status] of statuses.entries()) {
      const alertId = i % 2 === 0 ? a.id : b.id
      const channel = i === 6 ? 'sms' : 'webpush'
      const d = await prisma.delivery.create({
        data: { alertId, channel, recipientKey: `r${i}`, idempotencyKey: `${alertId}:${channel}:r${i}`, ...deliveryState(status), attempts: i + 1, lastError: status === 'SENT' ? null : `reason ${i}` },
      })
      await prisma.deliveryAttempt.createMany({
        data: [
          { deliveryId: d.id, attempt: 1, result: 'retry', httpStatus: 503, detail: 'first' },
          { deliveryId: d.id, attempt: 2, result: status === 'DEAD' ? 'dead' : 'permanent', httpStatus: 410, detail: `last ${i}` },
        ],
      })
    }

    const first = await listDeadLetters(prisma, { take: 3 })
    expect(first.total).toBe(4)
    expect(first.items.map((x) => x.recipientKey)).toEqual(['r6', 'r4', 'r2'])
    expect(first.items[0]).toMatchObject({
      status: 'FAILED', channel: 'sms', reason: 'reason 6', attempts: 7,
      alert: { id: a.id, identifier: 'urn:dl:a', status: 'Actual', msgType: 'Alert' },
      lastAttempt: { result: 'permanent', httpStatus: 410, detail: 'last 6' },
    })
    expect(first.nextCursor).not.toBeNull()
    const second = await listDeadLetters(prisma, { take: 3, cursor: first.nextCursor })
    expect(second.items.map((x) => x.recipientKey)).toEqual(['r1'])
    expect(second.nextCursor).toBeNull()

    expect((await listDeadLetters(prisma, { statuses: ['DEAD'] })).items.map((x) => x.recipientKey)).toEqual(['r4', 'r1'])
    expect((await listDeadLetters(prisma, { alertId: b.id })).items.map((x) => x.recipientKey)).toEqual(['r1'])
    expect((await listDeadLetters(prisma, { channel: 'webpush' })).total).toBe(3)
  })
})
