// Sirens, displays and audio paging gateways on MQTT (issue 4, decision 022): device groups (one
// topic segment each: sargs/{territory}/{slug}/alert) and their devices. Administrators only; every
// change is audited. A device's secret is generated here, returned ONCE and stored only as its
// SHA-256 (server/mqtt/device-secret.ts); the embedded broker signs devices in through
// deviceCredentialByUsername.
//
//   listDeviceGroupsForComposer(prisma, territoryId)   → the composer's picks (no actor: read-only)
//   createDeviceGroup / updateDeviceGroup / setDeviceGroupEnabled / listDeviceGroups
//   addDevice → { device, secret } / rotateDeviceSecret → { device, secret } / setDeviceEnabled /
//   setDevicePosition / removeDevice
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { isGroupName, isTopicSegment, pagingGroupSegment } from '#notify/channels/mqtt/topics.ts'
import { generateDeviceSecret, hashDeviceSecret } from '#server/mqtt/device-secret.ts'

import { DEVICE_GROUP_KINDS, DEVICE_LANGUAGES, type DeviceGroupKind } from './device-kinds.ts'

export { DEVICE_GROUP_KINDS, DEVICE_LANGUAGES, type DeviceGroupKind }

/** A device is online when it was seen (connect, status, ack, ping) within this long. */
export const DEVICE_ONLINE_WITHIN_MS = 5 * 60_000

export type ComposerDeviceGroup = {
  id: string
  name: string
  kind: DeviceGroupKind
  language: string
  /** enabled devices in the group */
  devices: number
  /** of those, seen within DEVICE_ONLINE_WITHIN_MS */
  online: number
  enabled: boolean
}

export type DeviceView = {
  id: string
  groupId: string
  name: string
  username: string
  lng: number | null
  lat: number | null
  enabled: boolean
  lastSeenAt: Date | null
  lastAckAt: Date | null
  online: boolean
}

export type DeviceGroupView = {
  id: string
  name: string
  slug: string
  kind: DeviceGroupKind
  language: string
  enabled: boolean
  devices: DeviceView[]
}

const PERMISSION = 'manage:settings:any' as const
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

export function isOnline(lastSeenAt: Date | null, now: Date = new Date(), withinMs = DEVICE_ONLINE_WITHIN_MS): boolean {
  return lastSeenAt !== null && now.getTime() - lastSeenAt.getTime() <= withinMs
}

/**
 * The device groups of a territory for the alert composer, by name: how many enabled devices each
 * has and how many of them are online now. Disabled groups are listed (enabled: false) so the
 * composer can show them greyed out; the fan-out skips them.
 */
export async function listDeviceGroupsForComposer(
  prisma: PrismaClient,
  territoryId: string,
  options: { now?: Date; onlineWithinMs?: number } = {},
): Promise<ComposerDeviceGroup[]> {
  const now = options.now ?? new Date()
  const groups = await prisma.deviceGroup.findMany({
    where: { territoryId },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    select: { id: true, name: true, kind: true, language: true, enabled: true, devices: { where: { enabled: true }, select: { lastSeenAt: true } } },
  })
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    kind: asKind(g.kind),
    language: g.language,
    devices: g.devices.length,
    online: g.devices.filter((d) => isOnline(d.lastSeenAt, now, options.onlineWithinMs)).length,
    enabled: g.enabled,
  }))
}

// ---------------------------------------------------------------------------------------------
// Groups

type GroupInput = { name: string; slug: string; kind: DeviceGroupKind; language: string }

function validateGroup(input: Record<string, unknown>): GroupInput {
  const errors: Record<string, string> = {}
  const name = text(input.name)
  if (name.length < 1 || name.length > 80) errors.name = 'devices:errors.name'
  const slug = text(input.slug)
  if (!isGroupName(slug) || slug.startsWith('paging-')) errors.slug = 'devices:errors.slug'
  const kind = (text(input.kind) || 'other') as DeviceGroupKind
  if (!DEVICE_GROUP_KINDS.includes(kind)) errors.kind = 'devices:errors.kind'
  const language = text(input.language) || 'lv'
  if (!(DEVICE_LANGUAGES as readonly string[]).includes(language)) errors.language = 'devices:errors.language'
  if (Object.keys(errors).length > 0) throw new AppError('INVALID_INPUT', `invalid device group: ${Object.keys(errors).join(', ')}`, { fields: errors })
  return { name, slug, kind, language }
}

export async function createDeviceGroup(options: { prisma: PrismaClient; actor: Actor; input: Record<string, unknown> }): Promise<DeviceGroupView> {
  authorize(options.actor, PERMISSION)
  const input = validateGroup(options.input)
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) throw new AppError('UNAVAILABLE', 'no territory is configured yet')
  return options.prisma.$transaction(async (tx) => {
    const taken = await tx.deviceGroup.findUnique({ where: { territoryId_slug: { territoryId: territory.id, slug: input.slug } } })
    if (taken) throw new AppError('CONFLICT', `a device group with slug ${input.slug} exists`, { fields: { slug: 'devices:errors.slugTaken' } })
    const row = await tx.deviceGroup.create({ data: { territoryId: territory.id, ...input } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'device-group.created', entityType: 'DeviceGroup', entityId: row.id, data: { ...input } })
    return groupView(row, [])
  })
}

/** Name, slug, kind, language. A new slug moves the group to new topics: devices subscribe anew. */
export async function updateDeviceGroup(options: { prisma: PrismaClient; actor: Actor; id: string; input: Record<string, unknown> }): Promise<DeviceGroupView> {
  authorize(options.actor, PERMISSION)
  const input = validateGroup(options.input)
  return options.prisma.$transaction(async (tx) => {
    const found = await tx.deviceGroup.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such device group', { fields: { id: 'devices:errors.notFound' } })
    if (input.slug !== found.slug) {
      const taken = await tx.deviceGroup.findUnique({ where: { territoryId_slug: { territoryId: found.territoryId, slug: input.slug } } })
      if (taken) throw new AppError('CONFLICT', `a device group with slug ${input.slug} exists`, { fields: { slug: 'devices:errors.slugTaken' } })
    }
    const row = await tx.deviceGroup.update({ where: { id: options.id }, data: input, include: { devices: { orderBy: { name: 'asc' } } } })
    const before = { name: found.name, slug: found.slug, kind: found.kind, language: found.language }
    await recordAudit(tx, { ...actorFields(options.actor), action: 'device-group.updated', entityType: 'DeviceGroup', entityId: row.id, data: { before, after: { ...input } } })
    return groupView(row, row.devices)
  })
}

export async function setDeviceGroupEnabled(options: { prisma: PrismaClient; actor: Actor; id: string; enabled: boolean }): Promise<DeviceGroupView> {
  authorize(options.actor, PERMISSION)
  return options.prisma.$transaction(async (tx) => {
    const found = await tx.deviceGroup.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such device group', { fields: { id: 'devices:errors.notFound' } })
    const row = await tx.deviceGroup.update({ where: { id: options.id }, data: { enabled: options.enabled }, include: { devices: { orderBy: { name: 'asc' } } } })
    await recordAudit(tx, {
      ...actorFields(options.actor),
      action: options.enabled ? 'device-group.enabled' : 'device-group.disabled',
      entityType: 'DeviceGroup',
      entityId: row.id,
      data: { slug: row.slug },
    })
    return groupView(row, row.devices)
  })
}

/** Every group of the instance's territory with its devices (administrators). */
export async function listDeviceGroups(options: { prisma: PrismaClient; actor: Actor; now?: Date }): Promise<DeviceGroupView[]> {
  authorize(options.actor, PERMISSION)
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) return []
  const rows = await options.prisma.deviceGroup.findMany({
    where: { territoryId: territory.id },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    include: { devices: { orderBy: [{ name: 'asc' }, { id: 'asc' }] } },
  })
  return rows.map((row) => groupView(row, row.devices, options.now))
}

// ---------------------------------------------------------------------------------------------
// Devices

type PositionInput = { lng: number | null; lat: number | null }

function readPosition(input: Record<string, unknown>, errors: Record<string, string>): PositionInput {
  const raw = (v: unknown) => (typeof v === 'number' ? String(v) : text(v))
  const lngText = raw(input.lng)
  const latText = raw(input.lat)
  if (!lngText && !latText) return { lng: null, lat: null }
  const lng = Number(lngText)
  const lat = Number(latText)
  if (!lngText || !Number.isFinite(lng) || lng < -180 || lng > 180) errors.lng = 'devices:errors.lng'
  if (!latText || !Number.isFinite(lat) || lat < -90 || lat > 90) errors.lat = 'devices:errors.lat'
  return { lng, lat }
}

export type AddedDevice = { device: DeviceView; /** shown once; only its hash is stored */ secret: string }

/** Adds a device to a group: the secret is generated, returned once, and only its hash kept. */
export async function addDevice(options: { prisma: PrismaClient; actor: Actor; input: Record<string, unknown> }): Promise<AddedDevice> {
  authorize(options.actor, PERMISSION)
  const { input } = options
  const errors: Record<string, string> = {}
  const groupId = text(input.groupId)
  if (!groupId) errors.groupId = 'devices:errors.group'
  const name = text(input.name)
  if (name.length < 1 || name.length > 80) errors.name = 'devices:errors.name'
  const username = text(input.username)
  if (!isTopicSegment(username)) errors.username = 'devices:errors.username'
  const position = readPosition(input, errors)
  if (Object.keys(errors).length > 0) throw new AppError('INVALID_INPUT', `invalid device: ${Object.keys(errors).join(', ')}`, { fields: errors })
  const secret = generateDeviceSecret()
  const row = await options.prisma.$transaction(async (tx) => {
    const group = await tx.deviceGroup.findUnique({ where: { id: groupId } })
    if (!group) throw new AppError('INVALID_INPUT', 'no such device group', { fields: { groupId: 'devices:errors.group' } })
    const taken = await tx.device.findUnique({ where: { username } })
    if (taken) throw new AppError('CONFLICT', `a device with username ${username} exists`, { fields: { username: 'devices:errors.usernameTaken' } })
    const created = await tx.device.create({ data: { groupId, name, username, passwordHash: hashDeviceSecret(secret), ...position } })
    await recordAudit(tx, {
      ...actorFields(options.actor),
      action: 'device.added',
      entityType: 'Device',
      entityId: created.id,
      data: { groupId, group: group.slug, name, username, ...position },
    })
    return created
  })
  return { device: deviceView(row), secret }
}

/** A new secret for a device (the old one stops working at its next connection); returned once. */
export async function rotateDeviceSecret(options: { prisma: PrismaClient; actor: Actor; id: string }): Promise<AddedDevice> {
  authorize(options.actor, PERMISSION)
  const secret = generateDeviceSecret()
  const row = await options.prisma.$transaction(async (tx) => {
    const found = await tx.device.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such device', { fields: { id: 'devices:errors.notFound' } })
    const updated = await tx.device.update({ where: { id: options.id }, data: { passwordHash: hashDeviceSecret(secret) } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'device.secret-rotated', entityType: 'Device', entityId: found.id, data: { username: found.username } })
    return updated
  })
  return { device: deviceView(row), secret }
}

export async function setDeviceEnabled(options: { prisma: PrismaClient; actor: Actor; id: string; enabled: boolean }): Promise<DeviceView> {
  authorize(options.actor, PERMISSION)
  return options.prisma.$transaction(async (tx) => {
    const found = await tx.device.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such device', { fields: { id: 'devices:errors.notFound' } })
    const row = await tx.device.update({ where: { id: options.id }, data: { enabled: options.enabled } })
    await recordAudit(tx, {
      ...actorFields(options.actor),
      action: options.enabled ? 'device.enabled' : 'device.disabled',
      entityType: 'Device',
      entityId: row.id,
      data: { username: row.username },
    })
    return deviceView(row)
  })
}

/** Where the device stands (for the map); both empty clears it. */
export async function setDevicePosition(options: { prisma: PrismaClient; actor: Actor; id: string; input: Record<string, unknown> }): Promise<DeviceView> {
  authorize(options.actor, PERMISSION)
  const errors: Record<string, string> = {}
  const position = readPosition(options.input, errors)
  if (Object.keys(errors).length > 0) throw new AppError('INVALID_INPUT', `invalid position: ${Object.keys(errors).join(', ')}`, { fields: errors })
  return options.prisma.$transaction(async (tx) => {
    const found = await tx.device.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such device', { fields: { id: 'devices:errors.notFound' } })
    const row = await tx.device.update({ where: { id: options.id }, data: position })
    await recordAudit(tx, {
      ...actorFields(options.actor),
      action: 'device.moved',
      entityType: 'Device',
      entityId: row.id,
      data: { username: row.username, before: { lng: found.lng, lat: found.lat }, after: position },
    })
    return deviceView(row)
  })
}

/** Removes a device and its acks (the delivery report then no longer shows them). */
export async function removeDevice(options: { prisma: PrismaClient; actor: Actor; id: string }): Promise<void> {
  authorize(options.actor, PERMISSION)
  await options.prisma.$transaction(async (tx) => {
    const found = await tx.device.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such device', { fields: { id: 'devices:errors.notFound' } })
    await tx.device.delete({ where: { id: options.id } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'device.removed', entityType: 'Device', entityId: found.id, data: { username: found.username, groupId: found.groupId } })
  })
}

/** Finds a device by id or username (CLI). */
export async function findDevice(prisma: PrismaClient, idOrUsername: string): Promise<DeviceView | null> {
  const row = await prisma.device.findFirst({ where: { OR: [{ username: idOrUsername }, ...(isUuid(idOrUsername) ? [{ id: idOrUsername }] : [])] } })
  return row ? deviceView(row) : null
}

/** Finds a device group by id or slug in the default territory (CLI). */
export async function findDeviceGroup(prisma: PrismaClient, idOrSlug: string): Promise<{ id: string; slug: string } | null> {
  const territory = await getDefaultTerritory({ prisma })
  if (!territory) return null
  const row = await prisma.deviceGroup.findFirst({
    where: { territoryId: territory.id, OR: [{ slug: idOrSlug }, ...(isUuid(idOrSlug) ? [{ id: idOrSlug }] : [])] },
  })
  return row ? { id: row.id, slug: row.slug } : null
}

// ---------------------------------------------------------------------------------------------
// The embedded broker's sign-in

/**
 * What the embedded broker needs to sign a device in (server/mqtt/embedded-broker.ts lookupDevice):
 * enabled devices only; deviceId is the username (the topic segment and MQTT client id).
 */
export async function deviceCredentialByUsername(
  prisma: PrismaClient,
  username: string,
): Promise<{ deviceId: string; territory: string; groups: string[]; secretHash: string } | null> {
  if (!isTopicSegment(username)) return null
  const device = await prisma.device.findUnique({ where: { username }, include: { group: true } })
  if (!device || !device.enabled) return null
  const territory = await prisma.territory.findUnique({ where: { id: device.group.territoryId }, select: { slug: true } })
  if (!territory) return null
  const groups = [device.group.slug]
  if (device.group.kind === 'gateway') {
    // an audio paging gateway hears the page topics of the paging groups that have one
    const paging = await prisma.pagingGroup.findMany({ where: { territoryId: device.group.territoryId, audioGateway: true }, select: { id: true }, orderBy: { id: 'asc' } })
    groups.push(...paging.map((p) => pagingGroupSegment(p.id)))
  }
  return { deviceId: device.username, territory: territory.slug, groups, secretHash: device.passwordHash }
}

// ---------------------------------------------------------------------------------------------

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
}

function asKind(kind: string): DeviceGroupKind {
  return (DEVICE_GROUP_KINDS as readonly string[]).includes(kind) ? (kind as DeviceGroupKind) : 'other'
}

type DeviceRow = { id: string; groupId: string; name: string; username: string; lng: number | null; lat: number | null; enabled: boolean; lastSeenAt: Date | null; lastAckAt: Date | null }

function deviceView(row: DeviceRow, now: Date = new Date()): DeviceView {
  return {
    id: row.id,
    groupId: row.groupId,
    name: row.name,
    username: row.username,
    lng: row.lng,
    lat: row.lat,
    enabled: row.enabled,
    lastSeenAt: row.lastSeenAt,
    lastAckAt: row.lastAckAt,
    online: isOnline(row.lastSeenAt, now),
  }
}

function groupView(
  row: { id: string; name: string; slug: string; kind: string; language: string; enabled: boolean },
  devices: DeviceRow[],
  now: Date = new Date(),
): DeviceGroupView {
  return { id: row.id, name: row.name, slug: row.slug, kind: asKind(row.kind), language: row.language, enabled: row.enabled, devices: devices.map((d) => deviceView(d, now)) }
}

// ---------------------------------------------------------------------------------------------
// The staff map

export type DeviceMapRecord = {
  id: string
  name: string
  username: string
  group: string
  kind: DeviceGroupKind
  online: boolean
  /** ISO times */
  lastSeenAt: string | null
  lastAckAt: string | null
  lng: number
  lat: number
}

/** The enabled devices of a territory that have a position, with their health, for the map layer. */
export async function listDevicesForMap(prisma: PrismaClient, territoryId: string, options: { now?: Date; onlineWithinMs?: number } = {}): Promise<DeviceMapRecord[]> {
  const now = options.now ?? new Date()
  const rows = await prisma.device.findMany({
    where: { enabled: true, lng: { not: null }, lat: { not: null }, group: { territoryId } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    select: { id: true, name: true, username: true, lng: true, lat: true, lastSeenAt: true, lastAckAt: true, group: { select: { name: true, kind: true } } },
  })
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    username: d.username,
    group: d.group.name,
    kind: asKind(d.group.kind),
    online: isOnline(d.lastSeenAt, now, options.onlineWithinMs),
    lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
    lastAckAt: d.lastAckAt?.toISOString() ?? null,
    lng: d.lng!,
    lat: d.lat!,
  }))
}
