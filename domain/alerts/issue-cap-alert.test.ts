// issueCapAlert on PGlite and PostgreSQL: who may issue what, approval, idempotency, references
// (row 20), supersession of the original by an Update or Cancel, audit.
import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { userActor } from '#domain/auth/actor.ts'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { isAppError } from '#domain/errors.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { CapAlert, CapInfo } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { createSignedInUser } from '#tests/support/sessions.ts'
import { issueCapAlert, NAMED_AREA_GEOCODE, REQUIRE_APPROVAL_SETTING } from './issue-cap-alert.ts'
import { newAlertIdentity } from './new-alert-identity.ts'
import { deliveryState } from '#tests/support/delivery-state.ts'

const SQUARE = [[56.645, 23.71], [56.645, 23.73], [56.655, 23.73], [56.655, 23.71], [56.645, 23.71]].map(([lat, lon]) => `${lat},${lon}`).join(' ')

describeEachBackend('issueCapAlert', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  async function setup() {
    const prisma = db().prisma
    await seedDemo({ prisma, onlyIfEmpty: false })
    const territory = await prisma.territory.findFirstOrThrow({ include: { namedAreas: true } })
    return { prisma, territory }
  }

  async function actorOf(prisma: PrismaClient, role: Role) {
    const { user } = await createSignedInUser(prisma, role)
    return userActor(user, '127.0.0.1')
  }

  async function compose(prisma: PrismaClient, territory: { id: string; boundary: unknown }, extra: Partial<CapAlert> = {}, area?: Partial<CapInfo['area'][number]>) {
    const identity = await newAlertIdentity({ prisma, territoryId: territory.id })
    const info = (language: string, headline: string): Partial<CapInfo> => ({
      language,
      category: ['Met'],
      event: 'Plūdi',
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Observed',
      headline,
      description: 'Lielupes līmenis ceļas.',
      instruction: 'Evakuējieties',
      expires: formatCapTime(Date.now() + 3600_000),
      area: [{ areaDesc: 'Centrs', polygon: [SQUARE], circle: [], geocode: [], ...area }],
    })
    return validateAlert({
      boundary: territory.boundary as never,
      input: {
        ...identity,
        status: 'Actual',
        msgType: 'Alert',
        scope: 'Public',
        info: [info('lv-LV', 'Plūdu brīdinājums'), info('en-GB', 'Flood warning')],
        ...extra,
      },
    })
  }

  async function error(promise: Promise<unknown>) {
    const e = await promise.then(() => null, (err: unknown) => err)
    if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`)
    return e
  }

  it('issues once per idempotency key, with area, severity, channels and an audit row', async () => {
    const { prisma, territory } = await setup()
    const actor = await actorOf(prisma, 'OPERATOR')
    const alert = await compose(prisma, territory)
    const key = randomUUID()
    const results = await Promise.all([1, 2, 3].map(() => issueCapAlert({ prisma, alert, actor, idempotencyKey: key })))
    expect(new Set(results.map((r) => r.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const row = await prisma.alert.findUniqueOrThrow({ where: { id: results[0].id } })
    expect(row).toMatchObject({ identifier: alert.identifier, status: 'Actual', msgType: 'Alert', severity: 'Severe', channels: ['webpush'], territoryId: territory.id })
    expect((row.area as { type: string }).type).toBe('Polygon')
    expect(row.fanoutDoneAt).toBeNull() // the commit is the queue entry
    const audit = await prisma.auditLog.findMany({ where: { entityId: row.id } })
    expect(audit.map((a) => a.action)).toEqual(['alert.issued'])
  })

  it('a trainer issues exercises only; a volunteer coordinator nothing', async () => {
    const { prisma, territory } = await setup()
    const trainer = await actorOf(prisma, 'TRAINER')
    const coordinator = await actorOf(prisma, 'VOLUNTEER_COORDINATOR')
    const real = await compose(prisma, territory)
    const denied = await error(issueCapAlert({ prisma, alert: real, actor: trainer, idempotencyKey: randomUUID() }))
    expect(denied.code).toBe('FORBIDDEN')
    expect(denied.fields).toEqual({ status: 'alerts:errors.statusNotAllowed' })
    const exercise = await compose(prisma, territory, { status: 'Exercise' })
    const issued = await issueCapAlert({ prisma, alert: exercise, actor: trainer, idempotencyKey: randomUUID() })
    expect(issued.created).toBe(true)
    expect((await error(issueCapAlert({ prisma, alert: await compose(prisma, territory, { status: 'Exercise' }), actor: coordinator, idempotencyKey: randomUUID() }))).code).toBe('FORBIDDEN')
    expect(await prisma.alert.count()).toBe(1)
  })

  it('with approval required, an Actual public alert needs a second person', async () => {
    const { prisma, territory } = await setup()
    await prisma.setting.create({ data: { key: REQUIRE_APPROVAL_SETTING, value: true } })
    const operator = await actorOf(prisma, 'OPERATOR')
    const member = await actorOf(prisma, 'COMMISSION_MEMBER')
    const alert = await compose(prisma, territory)
    expect((await error(issueCapAlert({ prisma, alert, actor: operator, idempotencyKey: randomUUID() }))).fields).toEqual({ approval: 'alerts:errors.approvalRequired' })
    expect((await error(issueCapAlert({ prisma, alert, actor: operator, approvedById: operator.id, idempotencyKey: randomUUID() }))).fields).toEqual({ approval: 'alerts:errors.ownApproval' })
    expect(await prisma.alert.count()).toBe(0)
    const issued = await issueCapAlert({ prisma, alert, actor: operator, approvedById: member.id, idempotencyKey: randomUUID() })
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: issued.id } })).approvedById).toBe(member.id)
    // an exercise needs no approval
    const exercise = await compose(prisma, territory, { status: 'Exercise' })
    expect((await issueCapAlert({ prisma, alert: exercise, actor: operator, idempotencyKey: randomUUID() })).created).toBe(true)
  })

  it('refuses an alert that has expired already (nothing issued)', async () => {
    const { prisma, territory } = await setup()
    const actor = await actorOf(prisma, 'OPERATOR')
    const alert = await compose(prisma, territory, { sent: formatCapTime(Date.now() - 7200_000) })
    const stale = { ...alert, info: alert.info.map((i) => ({ ...i, expires: formatCapTime(Date.now() - 60_000) })) }
    const e = await error(issueCapAlert({ prisma, alert: stale, actor, idempotencyKey: randomUUID() }))
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.fields).toEqual({ 'info.0.expires': 'alerts:errors.expiresInPast', 'info.1.expires': 'alerts:errors.expiresInPast' })
    expect(await prisma.alert.count()).toBe(0)
  })

  it('a named area of the territory is a geocode; an unknown one is a field error', async () => {
    const { prisma, territory } = await setup()
    const actor = await actorOf(prisma, 'OPERATOR')
    const centre = territory.namedAreas.find((a) => a.name === 'Centrs')!
    const alert = await compose(prisma, territory, {}, { polygon: [], geocode: [{ valueName: NAMED_AREA_GEOCODE, value: centre.id }] })
    const issued = await issueCapAlert({ prisma, alert, actor, idempotencyKey: randomUUID() })
    const row = await prisma.alert.findUniqueOrThrow({ where: { id: issued.id } })
    expect(row.area).toEqual(expect.objectContaining({ type: 'Polygon' }))
    const unknown = await compose(prisma, territory, {}, { polygon: [], geocode: [{ valueName: NAMED_AREA_GEOCODE, value: 'no-such-area' }] })
    const e = await error(issueCapAlert({ prisma, alert: unknown, actor, idempotencyKey: randomUUID() }))
    expect(e.code).toBe('INVALID_INPUT')
    expect(Object.keys(e.fields ?? {})).toContain('info.0.area.0.geocode.0')
  })

  it('an Update supersedes the original and cancels its unsent deliveries; references are checked (row 20)', async () => {
    const { prisma, territory } = await setup()
    const actor = await actorOf(prisma, 'OPERATOR')
    const original = await compose(prisma, territory, { sent: formatCapTime(Date.now() - 60_000) })
    const first = await issueCapAlert({ prisma, alert: original, actor, idempotencyKey: randomUUID() })
    await prisma.delivery.createMany({
      data: ['a', 'b', 'c'].map((r, i) => ({
        alertId: first.id, channel: 'webpush', recipientKey: r, idempotencyKey: `${first.id}:webpush:${r}`,
        ...deliveryState(i === 0 ? 'SENT' : 'PENDING'),
      })),
    })
    const reference = { sender: original.sender, identifier: original.identifier, sent: original.sent }

    // unknown reference: 422 naming it, nothing issued
    const unknown = await compose(prisma, territory, { msgType: 'Update', references: [{ ...reference, identifier: 'sargs:nope' }] })
    const e = await error(issueCapAlert({ prisma, alert: unknown, actor, idempotencyKey: randomUUID() }))
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.fields).toEqual({ 'references.0': 'alerts:errors.referenceUnknown' })

    const update = await compose(prisma, territory, { msgType: 'Update', references: [reference] })
    const second = await issueCapAlert({ prisma, alert: update, actor, idempotencyKey: randomUUID() })
    const before = await prisma.alert.findUniqueOrThrow({ where: { id: first.id } })
    expect(before.supersededById).toBe(second.id)
    expect(before.supersededAt).not.toBeNull()
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: second.id } })).referencedAlertIds).toEqual([first.id])
    const statuses = await prisma.delivery.findMany({ where: { alertId: first.id }, orderBy: { recipientKey: 'asc' }, select: { status: true } })
    expect(statuses.map((s) => s.status)).toEqual(['SENT', 'CANCELLED', 'CANCELLED'])

    // a Cancel of the original after it; a second Cancel of it is a 409 (already cancelled)
    const cancel = await compose(prisma, territory, { msgType: 'Cancel', references: [reference] })
    await issueCapAlert({ prisma, alert: cancel, actor, idempotencyKey: randomUUID() })
    const again = await compose(prisma, territory, { msgType: 'Cancel', references: [reference] })
    const conflict = await error(issueCapAlert({ prisma, alert: again, actor, idempotencyKey: randomUUID() }))
    expect(conflict.code).toBe('CONFLICT')
    expect(conflict.fields).toEqual({ 'references.0': 'alerts:errors.referenceCancelled' })
    expect(await prisma.alert.count()).toBe(3)
  })
})
