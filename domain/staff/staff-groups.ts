// Staff groups (issue 4): named groups of staff members of a territory that an operator picks in
// the composer to reach them by SMS on their own mobile numbers (User.phone; the fan-out makes one
// 'sms' delivery "user:<id>" per ACTIVE member with a number). Administrators only
// (manage:user:any): create, rename, delete, add and remove members; every change audited.
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { assertCanManageUsers } from '#domain/auth/manage-users-guard.ts'
import { AppError } from '#domain/errors.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'

export const STAFF_GROUP_NAME_MAX = 80

export type StaffGroupMemberView = { userId: string; name: string; email: string; active: boolean; hasPhone: boolean }
export type StaffGroupView = {
  id: string
  name: string
  members: StaffGroupMemberView[]
  /** ACTIVE members with a mobile number: whom an SMS to the group reaches */
  reachable: number
}
/** What the composer lists: a group with its member counts. */
export type StaffGroupPick = { id: string; name: string; members: number; reachable: number }

function groupName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : ''
  if (!name) throw new AppError('INVALID_INPUT', 'name: required', { fields: { name: 'errors:required' } })
  if (name.length > STAFF_GROUP_NAME_MAX) throw new AppError('INVALID_INPUT', 'name: too long', { fields: { name: 'errors:tooLong' } })
  return name
}

async function territoryId(prisma: PrismaClient, given?: string): Promise<string> {
  if (given) return given
  const territory = await getDefaultTerritory({ prisma })
  if (!territory) throw new AppError('CONFLICT', 'No territory exists yet', { fields: { form: 'alerts:errors.noTerritory' } })
  return territory.id
}

const taken = () => new AppError('CONFLICT', 'A staff group with this name exists', { fields: { name: 'admin:errors.taken' } })
const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === 'P2002'

async function findGroup(tx: Prisma.TransactionClient, id: string) {
  const group = await tx.staffGroup.findUnique({ where: { id } })
  if (!group) throw new AppError('NOT_FOUND', 'No such staff group')
  return group
}

export async function listStaffGroups(options: { prisma: PrismaClient; actor: Actor; territoryId?: string }): Promise<StaffGroupView[]> {
  assertCanManageUsers(options.actor)
  const territory = await territoryId(options.prisma, options.territoryId)
  const groups = await options.prisma.staffGroup.findMany({
    where: { territoryId: territory },
    orderBy: { name: 'asc' },
    include: { members: { include: { user: { select: { id: true, name: true, email: true, status: true, phone: true } } } } },
  })
  return groups.map((g) => {
    const members = g.members
      .map((m) => ({ userId: m.user.id, name: m.user.name, email: m.user.email, active: m.user.status === 'ACTIVE', hasPhone: m.user.phone !== null }))
      .sort((a, b) => a.name.localeCompare(b.name))
    return { id: g.id, name: g.name, members, reachable: members.filter((m) => m.active && m.hasPhone).length }
  })
}

/** The territory's staff groups as the composer lists them (no permission: the route checked compose). */
export async function listStaffGroupsForComposer(prisma: PrismaClient, territoryId: string): Promise<StaffGroupPick[]> {
  const groups = await prisma.staffGroup.findMany({
    where: { territoryId },
    orderBy: { name: 'asc' },
    include: { members: { include: { user: { select: { status: true, phone: true } } } } },
  })
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    members: g.members.length,
    reachable: g.members.filter((m) => m.user.status === 'ACTIVE' && m.user.phone !== null).length,
  }))
}

export async function createStaffGroup(options: { prisma: PrismaClient; actor: Actor; name: unknown; territoryId?: string }): Promise<{ id: string }> {
  assertCanManageUsers(options.actor)
  const name = groupName(options.name)
  const territory = await territoryId(options.prisma, options.territoryId)
  try {
    return await options.prisma.$transaction(async (tx) => {
      if (await tx.staffGroup.findUnique({ where: { territoryId_name: { territoryId: territory, name } } })) throw taken()
      const group = await tx.staffGroup.create({ data: { territoryId: territory, name } })
      await recordAudit(tx, { ...actorFields(options.actor), action: 'staff-group.created', entityType: 'StaffGroup', entityId: group.id, data: { name } })
      return { id: group.id }
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw taken()
    throw error
  }
}

export async function renameStaffGroup(options: { prisma: PrismaClient; actor: Actor; id: string; name: unknown }): Promise<void> {
  assertCanManageUsers(options.actor)
  const name = groupName(options.name)
  try {
    await options.prisma.$transaction(async (tx) => {
      const group = await findGroup(tx, options.id)
      if (group.name === name) return
      const other = await tx.staffGroup.findUnique({ where: { territoryId_name: { territoryId: group.territoryId, name } } })
      if (other) throw taken()
      await tx.staffGroup.update({ where: { id: group.id }, data: { name } })
      await recordAudit(tx, { ...actorFields(options.actor), action: 'staff-group.renamed', entityType: 'StaffGroup', entityId: group.id, data: { from: group.name, to: name } })
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw taken()
    throw error
  }
}

export async function deleteStaffGroup(options: { prisma: PrismaClient; actor: Actor; id: string }): Promise<void> {
  assertCanManageUsers(options.actor)
  await options.prisma.$transaction(async (tx) => {
    const group = await findGroup(tx, options.id)
    const members = await tx.staffGroupMember.count({ where: { groupId: group.id } })
    await tx.staffGroup.delete({ where: { id: group.id } })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'staff-group.deleted', entityType: 'StaffGroup', entityId: group.id, data: { name: group.name, members } })
  })
}

export async function addStaffGroupMember(options: { prisma: PrismaClient; actor: Actor; groupId: string; userId: unknown }): Promise<{ added: boolean }> {
  assertCanManageUsers(options.actor)
  const userId = typeof options.userId === 'string' ? options.userId.trim() : ''
  return options.prisma.$transaction(async (tx) => {
    const group = await findGroup(tx, options.groupId)
    const user = userId ? await tx.user.findUnique({ where: { id: userId }, select: { id: true } }) : null
    if (!user) throw new AppError('INVALID_INPUT', 'userId: no such user', { fields: { userId: 'admin:errors.unknownUser' } })
    const created = await tx.staffGroupMember.createMany({ data: [{ groupId: group.id, userId: user.id }], skipDuplicates: true })
    if (created.count === 0) return { added: false }
    await recordAudit(tx, { ...actorFields(options.actor), action: 'staff-group.member.added', entityType: 'StaffGroup', entityId: group.id, data: { userId: user.id } })
    return { added: true }
  })
}

export async function removeStaffGroupMember(options: { prisma: PrismaClient; actor: Actor; groupId: string; userId: unknown }): Promise<{ removed: boolean }> {
  assertCanManageUsers(options.actor)
  const userId = typeof options.userId === 'string' ? options.userId.trim() : ''
  return options.prisma.$transaction(async (tx) => {
    const group = await findGroup(tx, options.groupId)
    const removed = await tx.staffGroupMember.deleteMany({ where: { groupId: group.id, userId } })
    if (removed.count === 0) return { removed: false }
    await recordAudit(tx, { ...actorFields(options.actor), action: 'staff-group.member.removed', entityType: 'StaffGroup', entityId: group.id, data: { userId } })
    return { removed: true }
  })
}
