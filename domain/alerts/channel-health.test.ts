// The composer's channel health, read from the ledger, on PGlite and PostgreSQL.
import { expect, it } from 'vitest'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { pauseChannel } from '#notify/ledger/complete.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { channelHealth } from './channel-health.ts'
import { deliveryState } from '#tests/support/delivery-state.ts'

const AREA = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]]] }

describeEachBackend('channel health', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('says failing after three failed sends with none sent, paused while a Retry-After holds, ok otherwise', async () => {
    const prisma = db().prisma
    const alert = await issueAlert(prisma, { identifier: 'urn:health', status: 'Actual', msgType: 'Alert', territoryId: 't', payload: {}, severity: 'Severe', area: AREA, idempotencyKey: 'health' })
    const exercise = await issueAlert(prisma, { identifier: 'urn:health-x', status: 'Exercise', msgType: 'Alert', territoryId: 't', payload: {}, severity: 'Severe', area: AREA, idempotencyKey: 'health-x' })
    let n = 0
    // as the ledger records them (decision 023): an accepted send on the delivery (sentAt; through
    // the exercise sink when the alert is an Exercise), anything else as an attempt row
    const attempt = async (channel: string, result: string, detail: string | null = null, minutesAgo = 0) => {
      n += 1
      const at = new Date(Date.now() - minutesAgo * 60_000)
      const sent = result === 'sent' || result === 'exercise'
      const alertId = result === 'exercise' ? exercise.id : alert.id
      const d = await prisma.delivery.create({
        data: { alertId, channel, recipientKey: `r${n}`, idempotencyKey: `${alertId}:${channel}:r${n}`, attempts: 1, ...(sent ? { ...deliveryState('SENT'), sentAt: at } : {}) },
      })
      if (!sent) await prisma.deliveryAttempt.create({ data: { deliveryId: d.id, attempt: 1, result, detail, at } })
    }
    // sms: the gateway refuses every send
    for (const reason of ['503 busy', '503 busy', 'connection refused']) await attempt('sms', 'retry', reason)
    // web push: failures, but one went through among the latest five
    await attempt('webpush', 'sent')
    for (let i = 0; i < 3; i++) await attempt('webpush', 'retry', '500')
    // phone: two failures only, and exercises (the sink) do not count
    await attempt('phone', 'permanent', '401')
    await attempt('phone', 'permanent', '401')
    for (let i = 0; i < 3; i++) await attempt('phone', 'exercise')
    // mqtt: failures, but long ago
    for (let i = 0; i < 3; i++) await attempt('mqtt', 'retry', 'broker down', 60)
    // social: a network said 429
    await pauseChannel(prisma, 'social', 60_000, 'Retry-After 60 s')

    const health = await channelHealth(prisma, ['webpush', 'sms', 'phone', 'mqtt', 'social'])
    expect(health.sms).toMatchObject({ state: 'failing', failures: 3, reason: 'connection refused' })
    expect(health.webpush).toEqual({ state: 'ok' })
    expect(health.phone).toEqual({ state: 'ok' })
    expect(health.mqtt).toEqual({ state: 'ok' })
    expect(health.social).toMatchObject({ state: 'paused', reason: 'Retry-After 60 s' })
    expect(Date.parse((health.social as { until: string }).until)).toBeGreaterThan(Date.now())

    // one success and the channel is ok again
    await attempt('sms', 'sent')
    expect((await channelHealth(prisma, ['sms'])).sms).toEqual({ state: 'ok' })
  })
})
