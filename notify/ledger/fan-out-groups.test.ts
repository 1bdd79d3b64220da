// Group-addressed recipients: the operator picks paging groups, device groups and staff groups;
// the fan-out turns each pick into deliveries on the channels the alert names — enabled phones,
// one retained message per device group and per paging group's audio gateway, staff members with
// a mobile number — and nothing for a channel the alert does not name. A Cancel reaches the same
// group recipients through the "reached" phase. On PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { systemActor } from '#domain/auth/actor.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { composeAlert, demoTerritory } from '#notify/dispatch/fixtures/engine-support.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { fanOutBatch } from './fan-out.ts'
import { deliveryState } from '#tests/support/delivery-state.ts'

async function fanOutAll(prisma: PrismaClient): Promise<void> {
  for (let i = 0; i < 20 && (await fanOutBatch(prisma)); i++);
}

async function keys(prisma: PrismaClient, alertId: string): Promise<string[]> {
  const rows = await prisma.delivery.findMany({ where: { alertId }, select: { channel: true, recipientKey: true } })
  return rows.map((r) => `${r.channel} ${r.recipientKey}`).sort()
}

describeEachBackend('fan-out to picked groups', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('makes one delivery per enabled phone, device group, audio gateway and staff member with a number', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const t = territory.id
    const paging = await prisma.pagingGroup.create({ data: { territoryId: t, name: 'Dome', audioGateway: true } })
    const quiet = await prisma.pagingGroup.create({ data: { territoryId: t, name: 'Skolas' } })
    const off = await prisma.pagingGroup.create({ data: { territoryId: t, name: 'Off', enabled: false } })
    const p1 = await prisma.phone.create({ data: { groupId: paging.id, name: 'A', vendor: 'cisco', address: 'http://127.0.0.1:1' } })
    await prisma.phone.create({ data: { groupId: paging.id, name: 'B (disabled)', vendor: 'poly', address: 'http://127.0.0.1:2', enabled: false } })
    const p3 = await prisma.phone.create({ data: { groupId: quiet.id, name: 'C', vendor: 'yealink', address: 'http://127.0.0.1:3' } })
    await prisma.phone.create({ data: { groupId: off.id, name: 'D', vendor: 'cisco', address: 'http://127.0.0.1:4' } })
    const sirens = await prisma.deviceGroup.create({ data: { territoryId: t, name: 'Sirēnas', slug: 'sirens', kind: 'siren' } })
    const displays = await prisma.deviceGroup.create({ data: { territoryId: t, name: 'Tablo', slug: 'displays', kind: 'display', enabled: false } })
    const user = (email: string, phone: string | null, status: 'ACTIVE' | 'DISABLED' = 'ACTIVE') =>
      prisma.user.create({ data: { email, name: email, role: 'OPERATOR', passwordHash: 'x', phone, status } })
    const u1 = await user('a@x.lv', '+37120000001')
    const u2 = await user('b@x.lv', null)
    const u3 = await user('c@x.lv', '+37120000003', 'DISABLED')
    const u4 = await user('d@x.lv', '+37120000004')
    const commission = await prisma.staffGroup.create({ data: { territoryId: t, name: 'Komisija' } })
    const duty = await prisma.staffGroup.create({ data: { territoryId: t, name: 'Dežuranti' } })
    await prisma.staffGroupMember.createMany({
      data: [
        { groupId: commission.id, userId: u1.id }, { groupId: commission.id, userId: u2.id }, { groupId: commission.id, userId: u3.id },
        // a member of both picked groups gets one message
        { groupId: duty.id, userId: u1.id }, { groupId: duty.id, userId: u4.id },
      ],
    })

    const alert = await composeAlert(prisma, territory)
    const issued = await issueCapAlert({
      prisma, alert, actor: systemActor, idempotencyKey: randomUUID(),
      channels: ['phone', 'mqtt', 'sms'],
      pagingGroupIds: [paging.id, quiet.id, off.id],
      deviceGroupIds: [sirens.id, displays.id],
      staffGroupIds: [commission.id, duty.id],
    })
    await fanOutAll(prisma)
    expect(await keys(prisma, issued.id)).toEqual([
      `mqtt group:${sirens.id}`,
      `mqtt paging:${paging.id}`,
      `phone ${p1.id}`,
      `phone ${p3.id}`,
      `sms user:${u1.id}`,
      `sms user:${u4.id}`,
    ].sort())
    expect(await prisma.alert.findUniqueOrThrow({ where: { id: issued.id }, select: { fanoutDoneAt: true } })).toMatchObject({ fanoutDoneAt: expect.any(Date) })

    // picks on channels the alert does not name make nothing
    const second = await composeAlert(prisma, territory, { headline: 'Tikai telefoni' })
    const only = await issueCapAlert({ prisma, alert: second, actor: systemActor, idempotencyKey: randomUUID(), channels: ['phone'], pagingGroupIds: [quiet.id], deviceGroupIds: [sirens.id], staffGroupIds: [duty.id] })
    await fanOutAll(prisma)
    expect(await keys(prisma, only.id)).toEqual([`phone ${p3.id}`])

    // a Cancel reaches the group recipients the original reached
    await prisma.delivery.updateMany({ where: { alertId: issued.id }, data: deliveryState('SENT') })
    const cancel = await composeAlert(prisma, territory, { msgType: 'Cancel', references: [alert] })
    const cancelled = await issueCapAlert({ prisma, alert: cancel, actor: systemActor, idempotencyKey: randomUUID(), channels: ['phone', 'mqtt', 'sms'] })
    await fanOutAll(prisma)
    expect(await keys(prisma, cancelled.id)).toEqual(await keys(prisma, issued.id))
  })
})
