// Staff numbers and staff groups: E.164 numbers set by an administrator or by the user (the error
// names the field, the audit log never holds the number), groups created, renamed, deleted, with
// members added and removed (audited, administrators only), and the composer's counts (members,
// and ACTIVE members with a number). On PGlite and PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest'
import { userActor } from '#domain/auth/actor.ts'
import { createUser } from '#domain/auth/create-user.ts'
import { makeUser } from '#domain/auth/test-helpers.ts'
import { isAppError } from '#domain/errors.ts'
import { demoTerritory } from '#notify/dispatch/fixtures/engine-support.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import {
  addStaffGroupMember,
  createStaffGroup,
  deleteStaffGroup,
  listStaffGroups,
  listStaffGroupsForComposer,
  removeStaffGroupMember,
  renameStaffGroup,
} from './staff-groups.ts'
import { parseStaffPhone, setOwnPhone, setUserPhone } from './staff-numbers.ts'

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`)
  return error
}

describe('parseStaffPhone', () => {
  it('normalises to E.164, empty is none, anything else names the field', () => {
    expect(parseStaffPhone(' 2000 0123 ')).toBe('+37120000123')
    expect(parseStaffPhone('+372 5123 4567')).toBe('+37251234567')
    expect(parseStaffPhone('')).toBeNull()
    expect(parseStaffPhone(undefined)).toBeNull()
    for (const bad of ['6700 0000', '12', 'abc', '+0123456789']) {
      let error: unknown
      try {
        parseStaffPhone(bad, 'phone')
      } catch (e) {
        error = e
      }
      expect(isAppError(error) && error.fields).toEqual({ phone: 'admin:errors.phoneInvalid' })
    }
  })
})

describeEachBackend('staff numbers and staff groups', (backend) => {
  const db = useTestDatabase(backend)
  let admin: Awaited<ReturnType<typeof makeUser>>
  let operator: Awaited<ReturnType<typeof makeUser>>
  let territoryId: string
  beforeAll(async () => {
    admin = await makeUser(db().prisma, { role: 'ADMINISTRATOR', email: 'admin@staff.test' })
    operator = await makeUser(db().prisma, { role: 'OPERATOR', email: 'operator@staff.test' })
    territoryId = (await demoTerritory(db().prisma)).id
  }, 120_000)

  it('an administrator sets and clears a number; the audit log has no number', async () => {
    const prisma = db().prisma
    const user = await makeUser(prisma, { email: 'numbers@staff.test' })
    await setUserPhone({ prisma, actor: userActor(admin, '10.0.0.1'), userId: user.id, phone: '2000 0123' })
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).phone).toBe('+37120000123')
    const bad = await errorOf(setUserPhone({ prisma, actor: userActor(admin), userId: user.id, phone: '6700 0000' }))
    expect(bad.fields).toEqual({ phone: 'admin:errors.phoneInvalid' })
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).phone).toBe('+37120000123')
    await setUserPhone({ prisma, actor: userActor(admin), userId: user.id, phone: '' })
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).phone).toBeNull()
    const audit = await prisma.auditLog.findMany({ where: { entityId: user.id, action: { startsWith: 'user.phone.' } }, orderBy: { seq: 'asc' } })
    expect(audit.map((a) => [a.action, a.actorId, a.data])).toEqual([
      ['user.phone.set', admin.id, { had: false }],
      ['user.phone.cleared', admin.id, { had: true }],
    ])
    expect(JSON.stringify(audit.map((a) => a.data))).not.toMatch(/20000123|0123/)
    // an operator may not set someone's number
    expect((await errorOf(setUserPhone({ prisma, actor: userActor(operator), userId: user.id, phone: '20000123' }))).code).toBe('FORBIDDEN')
  })

  it('an administrator gives a number when creating an account; a wrong one is refused naming the field', async () => {
    const prisma = db().prisma
    const created = await createUser({ prisma, actor: userActor(admin), name: 'Jauna', email: 'new@staff.test', role: 'OPERATOR', phone: '2000 0777' })
    expect((await prisma.user.findUniqueOrThrow({ where: { id: created.userId } })).phone).toBe('+37120000777')
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: created.userId, action: 'user.create' } })
    expect(audit.data).toMatchObject({ phone: true })
    expect(JSON.stringify(audit.data)).not.toContain('0777')
    const bad = await errorOf(createUser({ prisma, actor: userActor(admin), name: 'Cita', email: 'bad@staff.test', role: 'OPERATOR', phone: '6712 3456' }))
    expect(bad.fields).toEqual({ phone: 'admin:errors.phoneInvalid' })
    expect(await prisma.user.count({ where: { email: 'bad@staff.test' } })).toBe(0)
  })

  it('a user sets their own number', async () => {
    const prisma = db().prisma
    const user = await makeUser(prisma, { email: 'own@staff.test' })
    const result = await setOwnPhone({ prisma, self: { userId: user.id, ip: '10.0.0.2' }, phone: '+371 2999 8877' })
    expect(result).toEqual({ phone: '+37129998877', changed: true })
    expect(await setOwnPhone({ prisma, self: { userId: user.id }, phone: '29998877' })).toEqual({ phone: '+37129998877', changed: false })
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: user.id, action: 'user.phone.set' } })
    expect(audit).toMatchObject({ actorId: user.id, actorLabel: `user:${user.id}`, ip: '10.0.0.2' })
    expect(JSON.stringify(audit.data)).not.toContain('9998877')
  })

  it('groups: create, rename, members, counts for the composer, delete; audited; names are unique', async () => {
    const prisma = db().prisma
    const actor = userActor(admin)
    const withPhone = await makeUser(prisma, { email: 'g1@staff.test' })
    await prisma.user.update({ where: { id: withPhone.id }, data: { phone: '+37120000001', name: 'Anna' } })
    const noPhone = await makeUser(prisma, { email: 'g2@staff.test' })
    const disabled = await makeUser(prisma, { email: 'g3@staff.test', status: 'DISABLED' })
    await prisma.user.update({ where: { id: disabled.id }, data: { phone: '+37120000003' } })

    const { id } = await createStaffGroup({ prisma, actor, name: ' Komisija ', territoryId })
    expect((await errorOf(createStaffGroup({ prisma, actor, name: 'Komisija', territoryId }))).fields).toEqual({ name: 'admin:errors.taken' })
    expect((await errorOf(createStaffGroup({ prisma, actor, name: '  ', territoryId }))).fields).toEqual({ name: 'errors:required' })
    expect((await errorOf(createStaffGroup({ prisma, actor: userActor(operator), name: 'X', territoryId }))).code).toBe('FORBIDDEN')

    for (const u of [withPhone, noPhone, disabled]) expect(await addStaffGroupMember({ prisma, actor, groupId: id, userId: u.id })).toEqual({ added: true })
    expect(await addStaffGroupMember({ prisma, actor, groupId: id, userId: withPhone.id })).toEqual({ added: false })
    expect((await errorOf(addStaffGroupMember({ prisma, actor, groupId: id, userId: 'nobody' }))).fields).toEqual({ userId: 'admin:errors.unknownUser' })

    const other = await createStaffGroup({ prisma, actor, name: 'Dežuranti', territoryId })
    expect((await errorOf(renameStaffGroup({ prisma, actor, id: other.id, name: 'Komisija' }))).fields).toEqual({ name: 'admin:errors.taken' })
    await renameStaffGroup({ prisma, actor, id, name: 'Ārkārtas komisija' })

    expect(await listStaffGroupsForComposer(prisma, territoryId)).toEqual([
      { id, name: 'Ārkārtas komisija', members: 3, reachable: 1 },
      { id: other.id, name: 'Dežuranti', members: 0, reachable: 0 },
    ].sort((a, b) => (a.name < b.name ? -1 : 1)))
    const listed = (await listStaffGroups({ prisma, actor, territoryId })).find((g) => g.id === id)!
    expect(listed.reachable).toBe(1)
    expect(listed.members.find((m) => m.userId === disabled.id)).toMatchObject({ active: false, hasPhone: true })

    expect(await removeStaffGroupMember({ prisma, actor, groupId: id, userId: noPhone.id })).toEqual({ removed: true })
    expect(await removeStaffGroupMember({ prisma, actor, groupId: id, userId: noPhone.id })).toEqual({ removed: false })
    await deleteStaffGroup({ prisma, actor, id })
    expect(await prisma.staffGroupMember.count({ where: { groupId: id } })).toBe(0)
    expect((await errorOf(deleteStaffGroup({ prisma, actor, id }))).code).toBe('NOT_FOUND')

    const audit = await prisma.auditLog.findMany({ where: { entityId: id }, orderBy: { seq: 'asc' } })
    expect(audit.map((a) => a.action)).toEqual([
      'staff-group.created',
      'staff-group.member.added',
      'staff-group.member.added',
      'staff-group.member.added',
      'staff-group.renamed',
      'staff-group.member.removed',
      'staff-group.deleted',
    ])
  })
})
