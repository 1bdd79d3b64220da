// Paging groups and their desk IP phones (administrators only; issue 4, decision 021). A group has
// a language (the page is rendered in it), requireAck (Cisco phones get an acknowledgement key) and
// audioGateway (the MQTT part: another module). A phone has a vendor (cisco | yealink | poly), the
// base URL of its web server and credentials sealed at once (domain/secrets/seal.ts, bound to the
// phone's id): only a hint of the username's last characters is ever shown back, never the password.
// Every change is audited without the credentials; bad input names the field (AppError fields).
import crypto from 'node:crypto'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { getRuntime } from '#domain/runtime.ts'
import { sealSecret, secretHint } from '#domain/secrets/seal.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'

export { pagePreview } from '#notify/dispatch/render-phone.ts'

import { PAGING_LANGUAGES, PHONE_VENDORS, type PhoneVendorName } from './paging-kinds.ts'

export { PAGING_LANGUAGES, PHONE_VENDORS, type PhoneVendorName }

export type PhoneView = { id: string; groupId: string; name: string; vendor: PhoneVendorName; address: string; secretHint: string; hasCredentials: boolean; enabled: boolean; lastAckAt: string | null }
export type PagingGroupView = { id: string; name: string; language: string; requireAck: boolean; audioGateway: boolean; enabled: boolean; phones: PhoneView[] }
export type ComposerPagingGroup = { id: string; name: string; language: string; phones: number; enabled: boolean; requireAck: boolean; audioGateway: boolean }

const PERMISSION = 'manage:settings:any'
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
const bool = (v: unknown, fallback: boolean) => (v === undefined || v === null || v === '' ? fallback : v === true || v === 'true' || v === 'on' || v === '1')

// ---- groups ----

function readGroup(input: Record<string, unknown>, current?: { name: string; language: string; requireAck: boolean; audioGateway: boolean; enabled: boolean }) {
  const errors: Record<string, string> = {}
  const name = input.name === undefined && current ? current.name : text(input.name)
  if (name.length < 1 || name.length > 80) errors.name = 'errors:required'
  const language = input.language === undefined && current ? current.language : text(input.language) || 'lv'
  if (!(PAGING_LANGUAGES as readonly string[]).includes(language)) errors.language = 'errors:invalid'
  if (Object.keys(errors).length > 0) throw new AppError('INVALID_INPUT', `invalid paging group: ${Object.keys(errors).join(', ')}`, { fields: errors })
  return {
    name,
    language,
    requireAck: bool(input.requireAck, current?.requireAck ?? false),
    audioGateway: bool(input.audioGateway, current?.audioGateway ?? false),
    enabled: bool(input.enabled, current?.enabled ?? true),
  }
}

export async function createPagingGroup(options: { prisma: PrismaClient; actor: Actor; input: Record<string, unknown> }): Promise<PagingGroupView> {
  authorize(options.actor, PERMISSION)
  const data = readGroup(options.input)
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) throw new AppError('UNAVAILABLE', 'no territory is configured yet')
  const result = await options.prisma.$transaction(async (tx) => {
    await nameFree(tx, territory.id, data.name)
    const row = await tx.pagingGroup.create({ data: { territoryId: territory.id, ...data } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'paging-group.created', entityType: 'PagingGroup', entityId: row.id, data })
    return groupView({ ...row, phones: [] })
  })
  await refreshPagingChannel(options.prisma)
  return result
}

export async function updatePagingGroup(options: { prisma: PrismaClient; actor: Actor; id: string; input: Record<string, unknown> }): Promise<PagingGroupView> {
  authorize(options.actor, PERMISSION)
  const result = await options.prisma.$transaction(async (tx) => {
    const found = await tx.pagingGroup.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such paging group')
    const data = readGroup(options.input, found)
    if (data.name !== found.name) await nameFree(tx, found.territoryId, data.name)
    const row = await tx.pagingGroup.update({ where: { id: found.id }, data, include: { phones: { orderBy: { name: 'asc' } } } })
    const changed = Object.fromEntries(Object.entries(data).filter(([k, v]) => found[k as keyof typeof found] !== v))
    await recordAudit(tx, { ...actorFields(options.actor), action: 'paging-group.updated', entityType: 'PagingGroup', entityId: row.id, data: { name: row.name, changed } })
    return groupView(row)
  })
  await refreshPagingChannel(options.prisma)
  return result
}

export async function setPagingGroupEnabled(options: { prisma: PrismaClient; actor: Actor; id: string; enabled: boolean }): Promise<PagingGroupView> {
  authorize(options.actor, PERMISSION)
  const result = await options.prisma.$transaction(async (tx) => {
    const found = await tx.pagingGroup.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such paging group')
    const row = await tx.pagingGroup.update({ where: { id: found.id }, data: { enabled: options.enabled }, include: { phones: { orderBy: { name: 'asc' } } } })
    await recordAudit(tx, { ...actorFields(options.actor), action: options.enabled ? 'paging-group.enabled' : 'paging-group.disabled', entityType: 'PagingGroup', entityId: row.id, data: { name: row.name } })
    return groupView(row)
  })
  await refreshPagingChannel(options.prisma)
  return result
}

/** Removes a group and its phones (their past deliveries stay in the ledger under the phone id). */
export async function deletePagingGroup(options: { prisma: PrismaClient; actor: Actor; id: string }): Promise<void> {
  authorize(options.actor, PERMISSION)
  await options.prisma.$transaction(async (tx) => {
    const found = await tx.pagingGroup.findUnique({ where: { id: options.id }, include: { phones: { select: { id: true } } } })
    if (!found) throw new AppError('NOT_FOUND', 'no such paging group')
    await tx.pagingGroup.delete({ where: { id: found.id } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'paging-group.deleted', entityType: 'PagingGroup', entityId: found.id, data: { name: found.name, phones: found.phones.map((p) => p.id) } })
  })
  await refreshPagingChannel(options.prisma)
}

async function nameFree(tx: Prisma.TransactionClient, territoryId: string, name: string): Promise<void> {
  const taken = await tx.pagingGroup.findUnique({ where: { territoryId_name: { territoryId, name } } })
  if (taken) throw new AppError('CONFLICT', 'a paging group with this name exists', { fields: { name: 'admin:paging.nameTaken' } })
}

// ---- phones ----

/** "http://10.20.0.15" or "https://phone.example:8443": scheme, host and port only. */
export function readPhoneAddress(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return undefined
  if (!url.hostname) return undefined
  return `${url.protocol}//${url.host}`
}

type PhoneInput = { name: string; vendor: PhoneVendorName; address: string; enabled: boolean; credentials?: { username: string; password: string } | null }

function readPhone(input: Record<string, unknown>, current?: { name: string; vendor: string; address: string; enabled: boolean }): PhoneInput {
  const errors: Record<string, string> = {}
  const name = input.name === undefined && current ? current.name : text(input.name)
  if (name.length < 1 || name.length > 80) errors.name = 'errors:required'
  const vendor = (input.vendor === undefined && current ? current.vendor : text(input.vendor)) as PhoneVendorName
  if (!PHONE_VENDORS.includes(vendor)) errors.vendor = 'errors:invalid'
  const rawAddress = input.address === undefined && current ? current.address : text(input.address)
  const address = readPhoneAddress(rawAddress)
  if (!address) errors.address = 'errors:invalid'
  // credentials: absent or both empty on an update = keep; on add, both empty = no authentication
  const username = text(input.username)
  const password = typeof input.password === 'string' ? input.password : ''
  let credentials: PhoneInput['credentials']
  if (username || password) {
    if (!username || username.length > 200) errors.username = 'errors:required'
    if (!password || password.length > 200) errors.password = 'errors:required'
    credentials = { username, password }
  } else if (bool(input.clearCredentials, false)) credentials = null
  if (Object.keys(errors).length > 0) throw new AppError('INVALID_INPUT', `invalid phone: ${Object.keys(errors).join(', ')}`, { fields: errors })
  return { name, vendor, address: address!, enabled: bool(input.enabled, current?.enabled ?? true), ...(credentials !== undefined ? { credentials } : {}) }
}

export async function addPhone(options: { prisma: PrismaClient; actor: Actor; secretsKey: Buffer; groupId: string; input: Record<string, unknown> }): Promise<PhoneView> {
  authorize(options.actor, PERMISSION)
  const data = readPhone(options.input)
  const result = await options.prisma.$transaction(async (tx) => {
    const group = await tx.pagingGroup.findUnique({ where: { id: options.groupId } })
    if (!group) throw new AppError('NOT_FOUND', 'no such paging group', { fields: { groupId: 'errors:invalid' } })
    const id = crypto.randomUUID()
    const sealed = data.credentials ? { secret: new Uint8Array(sealSecret(options.secretsKey, id, data.credentials)), secretHint: secretHint(data.credentials.username) } : { secret: null, secretHint: '' }
    const row = await tx.phone.create({ data: { id, groupId: group.id, name: data.name, vendor: data.vendor, address: data.address, enabled: data.enabled, ...sealed } })
    await recordAudit(tx, {
      ...actorFields(options.actor),
      action: 'phone.added',
      entityType: 'Phone',
      entityId: id,
      data: { groupId: group.id, name: data.name, vendor: data.vendor, address: data.address, secretHint: sealed.secretHint },
    })
    return phoneView(row)
  })
  await refreshPagingChannel(options.prisma)
  return result
}

export async function updatePhone(options: { prisma: PrismaClient; actor: Actor; secretsKey: Buffer; id: string; input: Record<string, unknown> }): Promise<PhoneView> {
  authorize(options.actor, PERMISSION)
  const result = await options.prisma.$transaction(async (tx) => {
    const found = await tx.phone.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such phone')
    const data = readPhone(options.input, found)
    const sealed =
      data.credentials === undefined
        ? {}
        : data.credentials === null
          ? { secret: null, secretHint: '' }
          : { secret: new Uint8Array(sealSecret(options.secretsKey, found.id, data.credentials)), secretHint: secretHint(data.credentials.username) }
    const row = await tx.phone.update({ where: { id: found.id }, data: { name: data.name, vendor: data.vendor, address: data.address, enabled: data.enabled, ...sealed } })
    const changed: Record<string, unknown> = {}
    for (const k of ['name', 'vendor', 'address', 'enabled'] as const) if (found[k] !== row[k]) changed[k] = row[k]
    if (data.credentials !== undefined) changed.credentials = data.credentials === null ? 'removed' : `replaced (${row.secretHint})`
    await recordAudit(tx, { ...actorFields(options.actor), action: 'phone.updated', entityType: 'Phone', entityId: row.id, data: { name: row.name, changed } })
    return phoneView(row)
  })
  await refreshPagingChannel(options.prisma)
  return result
}

export async function setPhoneEnabled(options: { prisma: PrismaClient; actor: Actor; id: string; enabled: boolean }): Promise<PhoneView> {
  authorize(options.actor, PERMISSION)
  const result = await options.prisma.$transaction(async (tx) => {
    const found = await tx.phone.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such phone')
    const row = await tx.phone.update({ where: { id: found.id }, data: { enabled: options.enabled } })
    await recordAudit(tx, { ...actorFields(options.actor), action: options.enabled ? 'phone.enabled' : 'phone.disabled', entityType: 'Phone', entityId: row.id, data: { name: row.name } })
    return phoneView(row)
  })
  await refreshPagingChannel(options.prisma)
  return result
}

export async function removePhone(options: { prisma: PrismaClient; actor: Actor; id: string }): Promise<void> {
  authorize(options.actor, PERMISSION)
  await options.prisma.$transaction(async (tx) => {
    const found = await tx.phone.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such phone')
    await tx.phone.delete({ where: { id: found.id } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'phone.removed', entityType: 'Phone', entityId: found.id, data: { groupId: found.groupId, name: found.name } })
  })
  await refreshPagingChannel(options.prisma)
}

// ---- lists ----

/** The admin screen: every group of the territory with its phones (no credentials, a hint only). */
export async function listPagingGroups(options: { prisma: PrismaClient; actor: Actor }): Promise<PagingGroupView[]> {
  authorize(options.actor, PERMISSION)
  const rows = await options.prisma.pagingGroup.findMany({ orderBy: { name: 'asc' }, include: { phones: { orderBy: { name: 'asc' } } } })
  return rows.map(groupView)
}

/** The composer's picks: the territory's groups with their number of enabled phones. */
export async function listPagingGroupsForComposer(prisma: PrismaClient, territoryId: string): Promise<ComposerPagingGroup[]> {
  const rows = await prisma.pagingGroup.findMany({
    where: { territoryId },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, language: true, enabled: true, requireAck: true, audioGateway: true, _count: { select: { phones: { where: { enabled: true } } } } },
  })
  return rows.map((r) => ({ id: r.id, name: r.name, language: r.language, phones: r._count.phones, enabled: r.enabled, requireAck: r.requireAck, audioGateway: r.audioGateway }))
}

/** Whether any enabled group has an enabled phone (the runtime's 'phone' channel). */
export async function hasPageablePhones(prisma: PrismaClient): Promise<boolean> {
  const phone = await prisma.phone.findFirst({ where: { enabled: true, group: { enabled: true } }, select: { id: true } })
  return phone !== null
}

/**
 * Tells this process's runtime whether channel 'phone' can be offered (configuredChannels stays
 * synchronous). Called after every change here, at server start and periodically by the server
 * (changes made by `sargs phones` in another process). Nothing happens where no runtime is set.
 */
export async function refreshPagingChannel(prisma: PrismaClient): Promise<void> {
  let runtime
  try {
    runtime = getRuntime()
  } catch {
    return
  }
  runtime.pagingPhones = await hasPageablePhones(prisma)
}

function phoneView(row: { id: string; groupId: string; name: string; vendor: string; address: string; secret: Uint8Array | null; secretHint: string; enabled: boolean; lastAckAt: Date | null }): PhoneView {
  return {
    id: row.id,
    groupId: row.groupId,
    name: row.name,
    vendor: row.vendor as PhoneVendorName,
    address: row.address,
    secretHint: row.secretHint,
    hasCredentials: row.secret !== null,
    enabled: row.enabled,
    lastAckAt: row.lastAckAt?.toISOString() ?? null,
  }
}

function groupView(row: { id: string; name: string; language: string; requireAck: boolean; audioGateway: boolean; enabled: boolean; phones: Parameters<typeof phoneView>[0][] }): PagingGroupView {
  return { id: row.id, name: row.name, language: row.language, requireAck: row.requireAck, audioGateway: row.audioGateway, enabled: row.enabled, phones: row.phones.map(phoneView) }
}
