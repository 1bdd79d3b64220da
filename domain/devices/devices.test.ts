import { describe, expect, it } from 'vitest'
import { cliActor, userActor } from '#domain/auth/actor.ts'
import { makeUser } from '#domain/auth/test-helpers.ts'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { AppError } from '#domain/errors.ts'
import { hashDeviceSecret, verifyDeviceSecret } from '#server/mqtt/device-secret.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import {
  addDevice,
  createDeviceGroup,
  deviceCredentialByUsername,
  listDeviceGroups,
  listDeviceGroupsForComposer,
  listDevicesForMap,
  removeDevice,
  rotateDeviceSecret,
  setDeviceEnabled,
  setDeviceGroupEnabled,
  setDevicePosition,
  updateDeviceGroup,
} from './devices.ts'

async function fieldsOf(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, ...(error.fields ?? {}) }
    throw error
  }
  throw new Error('expected an AppError')
}

describeEachBackend('device groups and devices', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  async function setup() {
    const prisma = db().prisma
    const territory = await prisma.territory.create({ data: { ...jelgavaTerritory, demo: true } })
    const admin = await makeUser(prisma, { role: 'ADMINISTRATOR' })
    return { prisma, territory, actor: userActor(admin) }
  }

  it('creates a group, adds a device whose secret is returned once and stored only as its hash, all audited', async () => {
    const { prisma, territory, actor } = await setup()
    const group = await createDeviceGroup({ prisma, actor, input: { name: 'Centre sirens', slug: 'centre', kind: 'siren', language: 'lv' } })
    expect(group).toMatchObject({ slug: 'centre', kind: 'siren', language: 'lv', enabled: true, devices: [] })
    const { device, secret } = await addDevice({ prisma, actor, input: { groupId: group.id, name: 'Siren 1', username: 'siren-1', lng: '23.72', lat: '56.65' } })
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const row = await prisma.device.findUniqueOrThrow({ where: { id: device.id } })
    expect(row.passwordHash).toBe(hashDeviceSecret(secret))
    expect(JSON.stringify(row)).not.toContain(secret)
    expect(row).toMatchObject({ lng: 23.72, lat: 56.65, enabled: true })

    expect(await deviceCredentialByUsername(prisma, 'siren-1')).toEqual({ deviceId: 'siren-1', territory: territory.slug, groups: ['centre'], secretHash: row.passwordHash })

    const rotated = await rotateDeviceSecret({ prisma, actor, id: device.id })
    expect(rotated.secret).not.toBe(secret)
    const after = await prisma.device.findUniqueOrThrow({ where: { id: device.id } })
    expect(verifyDeviceSecret(rotated.secret, after.passwordHash)).toBe(true)
    expect(verifyDeviceSecret(secret, after.passwordHash)).toBe(false)

    await setDeviceEnabled({ prisma, actor, id: device.id, enabled: false })
    expect(await deviceCredentialByUsername(prisma, 'siren-1')).toBeNull()
    await setDevicePosition({ prisma, actor, id: device.id, input: { lng: '', lat: '' } })
    expect(await prisma.device.findUniqueOrThrow({ where: { id: device.id } })).toMatchObject({ lng: null, lat: null })
    await updateDeviceGroup({ prisma, actor, id: group.id, input: { name: 'Centre', slug: 'centre-2', kind: 'display', language: 'ru' } })
    await setDeviceGroupEnabled({ prisma, actor, id: group.id, enabled: false })
    await removeDevice({ prisma, actor, id: device.id })
    expect(await prisma.device.count()).toBe(0)

    const audit = await prisma.auditLog.findMany({ orderBy: { seq: 'asc' }, select: { action: true, data: true } })
    expect(audit.map((a) => a.action)).toEqual([
      'device-group.created',
      'device.added',
      'device.secret-rotated',
      'device.disabled',
      'device.moved',
      'device-group.updated',
      'device-group.disabled',
      'device.removed',
    ])
    const everything = JSON.stringify(audit)
    expect(everything).not.toContain(secret)
    expect(everything).not.toContain(rotated.secret)
    expect(everything).not.toContain(row.passwordHash)
  })

  it('names the field of bad input and of a taken slug or username; writes nothing then', async () => {
    const { prisma, actor } = await setup()
    expect(await fieldsOf(createDeviceGroup({ prisma, actor, input: { name: '', slug: 'a/b', kind: 'tank', language: 'de' } }))).toEqual({
      code: 'INVALID_INPUT',
      name: 'devices:errors.name',
      slug: 'devices:errors.slug',
      kind: 'devices:errors.kind',
      language: 'devices:errors.language',
    })
    expect((await fieldsOf(createDeviceGroup({ prisma, actor, input: { name: 'x', slug: 'device' } }))).slug).toBe('devices:errors.slug')
    const group = await createDeviceGroup({ prisma, actor, input: { name: 'Centre', slug: 'centre' } })
    expect(await fieldsOf(createDeviceGroup({ prisma, actor, input: { name: 'Again', slug: 'centre' } }))).toMatchObject({ code: 'CONFLICT', slug: 'devices:errors.slugTaken' })
    expect(await fieldsOf(addDevice({ prisma, actor, input: { groupId: group.id, name: 'S', username: 'siren 1', lng: '200', lat: '' } }))).toEqual({
      code: 'INVALID_INPUT',
      username: 'devices:errors.username',
      lng: 'devices:errors.lng',
      lat: 'devices:errors.lat',
    })
    await addDevice({ prisma, actor, input: { groupId: group.id, name: 'S', username: 'siren-1' } })
    expect(await fieldsOf(addDevice({ prisma, actor, input: { groupId: group.id, name: 'S2', username: 'siren-1' } }))).toMatchObject({ code: 'CONFLICT', username: 'devices:errors.usernameTaken' })
    expect(await fieldsOf(addDevice({ prisma, actor, input: { groupId: 'nope', name: 'S2', username: 'siren-2' } }))).toMatchObject({ groupId: 'devices:errors.group' })
    expect(await prisma.device.count()).toBe(1)
    expect(await prisma.auditLog.count()).toBe(2)
  })

  it('is for administrators only (the CLI is trusted)', async () => {
    const { prisma } = await setup()
    const operator = userActor(await makeUser(prisma, { role: 'OPERATOR' }))
    expect((await fieldsOf(createDeviceGroup({ prisma, actor: operator, input: { name: 'x', slug: 'x' } }))).code).toBe('FORBIDDEN')
    expect((await fieldsOf(listDeviceGroups({ prisma, actor: operator }))).code).toBe('FORBIDDEN')
    await createDeviceGroup({ prisma, actor: cliActor, input: { name: 'x', slug: 'x' } })
  })

  it('lists groups for the composer with devices and those online', async () => {
    const { prisma, territory, actor } = await setup()
    const now = new Date('2026-12-04T10:00:00Z')
    const b = await createDeviceGroup({ prisma, actor, input: { name: 'B displays', slug: 'b', kind: 'display', language: 'ru' } })
    const a = await createDeviceGroup({ prisma, actor, input: { name: 'A sirens', slug: 'a', kind: 'siren' } })
    const d1 = await addDevice({ prisma, actor, input: { groupId: a.id, name: '1', username: 'a1' } })
    const d2 = await addDevice({ prisma, actor, input: { groupId: a.id, name: '2', username: 'a2' } })
    const d3 = await addDevice({ prisma, actor, input: { groupId: a.id, name: '3', username: 'a3' } })
    await prisma.device.update({ where: { id: d1.device.id }, data: { lastSeenAt: new Date(now.getTime() - 60_000) } })
    await prisma.device.update({ where: { id: d2.device.id }, data: { lastSeenAt: new Date(now.getTime() - 3600_000) } })
    await prisma.device.update({ where: { id: d3.device.id }, data: { lastSeenAt: now, enabled: false } })
    await setDeviceGroupEnabled({ prisma, actor, id: b.id, enabled: false })
    expect(await listDeviceGroupsForComposer(prisma, territory.id, { now })).toEqual([
      { id: a.id, name: 'A sirens', kind: 'siren', language: 'lv', devices: 2, online: 1, enabled: true },
      { id: b.id, name: 'B displays', kind: 'display', language: 'ru', devices: 0, online: 0, enabled: false },
    ])
    expect(await listDeviceGroupsForComposer(prisma, 'another-territory')).toEqual([])

    // the map layer: enabled devices with a position, online or not
    await prisma.device.update({ where: { id: d1.device.id }, data: { lng: 23.72, lat: 56.65, lastAckAt: now } })
    await prisma.device.update({ where: { id: d2.device.id }, data: { lng: 23.73, lat: 56.66 } })
    await prisma.device.update({ where: { id: d3.device.id }, data: { lng: 23.74, lat: 56.67 } })
    expect(await listDevicesForMap(prisma, territory.id, { now })).toEqual([
      { id: d1.device.id, name: '1', username: 'a1', group: 'A sirens', kind: 'siren', online: true, lastSeenAt: new Date(now.getTime() - 60_000).toISOString(), lastAckAt: now.toISOString(), lng: 23.72, lat: 56.65 },
      { id: d2.device.id, name: '2', username: 'a2', group: 'A sirens', kind: 'siren', online: false, lastSeenAt: new Date(now.getTime() - 3600_000).toISOString(), lastAckAt: null, lng: 23.73, lat: 56.66 },
    ])
  })
})

describe('deviceCredentialByUsername', () => {
  it('refuses a username that is not a topic segment without asking the database', async () => {
    expect(await deviceCredentialByUsername(null as never, 'a/#')).toBeNull()
  })
})
