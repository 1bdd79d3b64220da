import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { cliActor, systemActor } from '#domain/auth/actor.ts'
import { composeAlert, demoTerritory } from '#notify/dispatch/fixtures/engine-support.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { DeviceSeenWriter, recordDeviceAck } from './device-reports.ts'
import { addDevice, createDeviceGroup } from './devices.ts'

describeEachBackend('device reports', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('records an ack once per alert, device and action; ignores unknown devices, identifiers and other territories', async () => {
    const prisma = db().prisma
    const territory = await demoTerritory(prisma)
    const group = await createDeviceGroup({ prisma, actor: cliActor, input: { name: 'Centre', slug: 'centre' } })
    const { device } = await addDevice({ prisma, actor: cliActor, input: { groupId: group.id, name: 'S1', username: 'siren-1' } })
    const alert = await composeAlert(prisma, territory)
    const issued = await issueCapAlert({ prisma, alert, actor: systemActor, idempotencyKey: randomUUID(), channels: ['mqtt'], deviceGroupIds: [group.id] })
    const at = new Date('2026-12-04T10:00:00Z')
    const ack = { identifier: alert.identifier, action: 'sounded' as const, at: null }
    expect(await recordDeviceAck(prisma, { territory: 'jelgava', username: 'siren-1', ack, at })).toBe('recorded')
    expect(await recordDeviceAck(prisma, { territory: 'jelgava', username: 'siren-1', ack, at: new Date(at.getTime() + 1000) })).toBe('duplicate')
    expect(await recordDeviceAck(prisma, { territory: 'jelgava', username: 'siren-1', ack: { ...ack, action: 'failed', detail: 'amplifier' }, at })).toBe('recorded')
    expect(await recordDeviceAck(prisma, { territory: 'jelgava', username: 'nobody', ack, at })).toBe('unknown-device')
    expect(await recordDeviceAck(prisma, { territory: 'riga', username: 'siren-1', ack, at })).toBe('foreign')
    expect(await recordDeviceAck(prisma, { territory: 'jelgava', username: 'siren-1', ack: { ...ack, identifier: 'urn:nothing' }, at })).toBe('unknown-alert')
    const rows = await prisma.deviceAck.findMany({ orderBy: { id: 'asc' } })
    expect(rows.map((r) => [r.alertId, r.deviceId, r.status, r.detail])).toEqual([
      [issued.id, device.id, 'sounded', null],
      [issued.id, device.id, 'failed', 'amplifier'],
    ])
    expect(await prisma.device.findUniqueOrThrow({ where: { id: device.id } })).toMatchObject({ lastAckAt: at, lastSeenAt: at })
  })

  it('writes last seen at most once per interval per device', async () => {
    const prisma = db().prisma
    await demoTerritory(prisma)
    const group = await createDeviceGroup({ prisma, actor: cliActor, input: { name: 'Centre', slug: 'centre' } })
    await addDevice({ prisma, actor: cliActor, input: { groupId: group.id, name: 'S1', username: 'siren-1' } })
    const writer = new DeviceSeenWriter(prisma, { intervalMs: 60_000 })
    const t0 = new Date('2026-12-04T10:00:00Z')
    expect(await writer.seen('siren-1', t0)).toBe(true)
    expect(await writer.seen('siren-1', new Date(t0.getTime() + 30_000))).toBe(false)
    expect((await prisma.device.findUniqueOrThrow({ where: { username: 'siren-1' } })).lastSeenAt).toEqual(t0)
    const t1 = new Date(t0.getTime() + 61_000)
    expect(await writer.seen('siren-1', t1)).toBe(true)
    expect((await prisma.device.findUniqueOrThrow({ where: { username: 'siren-1' } })).lastSeenAt).toEqual(t1)
    expect(await writer.seen('ghost', t1)).toBe(false)
  })
})
