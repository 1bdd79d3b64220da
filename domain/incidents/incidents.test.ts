import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { cliActor, type Actor } from '#domain/auth/actor.ts'
import { geoErrors } from '#domain/geo/types.ts'
import { closeIncident } from './close-incident.ts'
import { createIncident } from './create-incident.ts'
import { getIncident } from './get-incident.ts'
import { listIncidents } from './list-incidents.ts'
import { reopenIncident } from './reopen-incident.ts'
import { incidentErrors } from './schemas.ts'
import { updateIncident } from './update-incident.ts'
import { refusal } from '#tests/support/refusal.ts'
import {
  centreSquare,
  counts,
  createStaff,
  demoTerritory,
  installAuditFailure,
  recordingPublisher,
} from './test-support.ts'

describeEachBackend('incidents', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  let operator: Actor
  let trainer: Actor
  let coordinator: Actor
  let territoryId: string

  beforeAll(async () => {
    prisma = db().prisma
    territoryId = (await demoTerritory(prisma)).id
    operator = await createStaff(prisma, 'OPERATOR', 'Jānis Ozols')
    trainer = await createStaff(prisma, 'TRAINER')
    coordinator = await createStaff(prisma, 'VOLUNTEER_COORDINATOR')
    await installAuditFailure(prisma)
  }, 120_000)

  const input = (overrides: Record<string, unknown> = {}) => ({
    title: 'Applūdis pagrabs',
    type: 'FLOOD',
    severity: 'MODERATE',
    description: 'Ūdens pagrabā',
    area: centreSquare(),
    ...overrides,
  })

  describe('createIncident', () => {
    it('creates the incident, its audit row in the same transaction, then publishes to both rooms', async () => {
      const realtime = recordingPublisher()
      const now = new Date('2026-03-05T10:00:00Z')
      const incident = await createIncident({ prisma, actor: operator, input: input(), now, realtime })
      expect(incident.reference).toMatch(/^JLG-2026-\d{4}$/)
      expect(incident.status).toBe('ACTIVE')
      expect(incident.createdById).toBe(operator.id)
      expect(incident.area?.type).toBe('Polygon')
      expect(incident.areaCircle).toBeNull()
      expect(incident.createdAt).toBe(now.toISOString())

      const audit = await prisma.auditLog.findMany({ where: { entityType: 'Incident', entityId: incident.id } })
      expect(audit).toHaveLength(1)
      expect(audit[0].action).toBe('incident.created')
      expect(audit[0].actorId).toBe(operator.id)
      expect(audit[0].ip).toBe('192.0.2.10')
      expect((audit[0].data as { reference: string }).reference).toBe(incident.reference)

      expect(realtime.events.map((e) => [e.room, e.type])).toEqual([
        [`territory:${territoryId}`, 'incident.created'],
        [`incident:${incident.id}`, 'incident.created'],
      ])
      expect((realtime.events[0].payload as { reference: string }).reference).toBe(incident.reference)
    })

    it('keeps a circle as centre + radius besides its polygon', async () => {
      const incident = await createIncident({
        prisma,
        actor: operator,
        input: input({ area: { type: 'Circle', center: [23.72, 56.65], radiusM: 350 } }),
        realtime: null,
      })
      expect(incident.areaCircle).toEqual({ center: [23.72, 56.65], radiusM: 350 })
      expect(incident.area?.coordinates[0]).toHaveLength(65)
    })

    it('refuses bad input with a key per field and writes nothing', async () => {
      const before = await counts(prisma)
      const realtime = recordingPublisher()
      const error = await refusal(
        createIncident({ prisma, actor: operator, input: { title: '', type: 'VOLCANO' }, realtime }),
      )
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.fields).toMatchObject({
        title: incidentErrors.titleRequired,
        type: incidentErrors.typeInvalid,
        severity: incidentErrors.severityInvalid,
        area: incidentErrors.areaRequired,
      })
      const outside = await refusal(
        createIncident({ prisma, actor: operator, input: input({ area: '{"type":"Circle","center":[24.1,56.95],"radiusM":300}' }), realtime }),
      )
      expect(outside.fields).toEqual({ area: geoErrors.areaOutsideTerritory })
      expect(await counts(prisma)).toEqual(before)
      expect(realtime.events).toEqual([])
    })

    it('leaves nothing behind when the audit write fails mid-way', async () => {
      const before = await counts(prisma)
      const realtime = recordingPublisher()
      await expect(
        createIncident({ prisma, actor: operator, input: input({ title: 'FAIL-AUDIT' }), realtime }),
      ).rejects.toThrow(/audit refused/)
      expect(await counts(prisma)).toEqual(before)
      expect(await prisma.incident.count({ where: { title: 'FAIL-AUDIT' } })).toBe(0)
      expect(realtime.events).toEqual([])
    })

    it('refuses roles without create:incident:any (TRAINER, VOLUNTEER_COORDINATOR) and writes nothing', async () => {
      const before = await counts(prisma)
      for (const actor of [trainer, coordinator]) {
        const error = await refusal(createIncident({ prisma, actor, input: input(), realtime: null }))
        expect(error.code).toBe('FORBIDDEN')
      }
      const nobody = await refusal(
        createIncident({ prisma, actor: { id: null, role: null, label: 'anonymous' }, input: input(), realtime: null }),
      )
      expect(nobody.code).toBe('FORBIDDEN')
      expect(await counts(prisma)).toEqual(before)
    })

    it('lets the CLI (a trusted actor without a role) create one', async () => {
      const incident = await createIncident({ prisma, actor: cliActor, input: input(), realtime: null })
      expect(incident.createdById).toBeNull()
    })

    it('numbers references per year without gaps or duplicates, also when created concurrently', async () => {
      const now = new Date('2031-06-01T12:00:00Z')
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          createIncident({ prisma, actor: operator, input: input({ title: `Paralēls ${i}`, area: centreSquare(i) }), now, realtime: null }),
        ),
      )
      const numbers = created.map((c) => c.reference).sort()
      expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => `JLG-2031-${String(i + 1).padStart(4, '0')}`))
      // the year follows the municipality's clock: 31 Dec 23:30 UTC is already 1 Jan in Riga
      const newYear = await createIncident({
        prisma,
        actor: operator,
        input: input(),
        now: new Date('2032-12-31T23:30:00Z'),
        realtime: null,
      })
      expect(newYear.reference).toBe('JLG-2033-0001')
    })
  })

  describe('updateIncident', () => {
    it('records what changed (from → to) and publishes incident.updated', async () => {
      const created = await createIncident({ prisma, actor: operator, input: input(), realtime: null })
      const realtime = recordingPublisher()
      const updated = await updateIncident({
        prisma,
        actor: operator,
        id: created.id,
        input: { severity: 'SEVERE', status: 'MONITORING', title: created.title },
        realtime,
      })
      expect(updated.severity).toBe('SEVERE')
      expect(updated.status).toBe('MONITORING')
      const audit = await prisma.auditLog.findFirstOrThrow({
        where: { entityId: created.id, action: 'incident.updated' },
      })
      expect(audit.data).toMatchObject({
        changes: { severity: { from: 'MODERATE', to: 'SEVERE' }, status: { from: 'ACTIVE', to: 'MONITORING' } },
      })
      expect(Object.keys((audit.data as { changes: object }).changes).sort()).toEqual(['severity', 'status'])
      expect(realtime.events.map((e) => e.type)).toEqual(['incident.updated', 'incident.updated'])
    })

    it('writes nothing for an edit that changes nothing', async () => {
      const created = await createIncident({ prisma, actor: operator, input: input(), realtime: null })
      const before = await counts(prisma)
      const realtime = recordingPublisher()
      await updateIncident({ prisma, actor: operator, id: created.id, input: { title: created.title, area: '' }, realtime })
      expect(await counts(prisma)).toEqual(before)
      expect(realtime.events).toEqual([])
    })

    it('replaces a circle by a polygon (the circle is cleared) and refuses a bad area', async () => {
      const created = await createIncident({
        prisma,
        actor: operator,
        input: input({ area: { type: 'Circle', center: [23.72, 56.65], radiusM: 200 } }),
        realtime: null,
      })
      const updated = await updateIncident({ prisma, actor: operator, id: created.id, input: { area: centreSquare(3) }, realtime: null })
      expect(updated.areaCircle).toBeNull()
      expect(updated.area?.coordinates[0]).toHaveLength(5)
      const bowTie = JSON.stringify({ type: 'Polygon', coordinates: [[[23.71, 56.65], [23.72, 56.65], [23.71, 56.66], [23.72, 56.66], [23.71, 56.65]]] })
      const error = await refusal(updateIncident({ prisma, actor: operator, id: created.id, input: { area: bowTie }, realtime: null }))
      expect(error.fields).toEqual({ area: geoErrors.areaSelfIntersecting })
    })

    it('NOT_FOUND for an unknown id, FORBIDDEN for a trainer', async () => {
      expect((await refusal(updateIncident({ prisma, actor: operator, id: crypto.randomUUID(), input: {}, realtime: null }))).code).toBe('NOT_FOUND')
      expect((await refusal(updateIncident({ prisma, actor: operator, id: 'nonsense', input: {}, realtime: null }))).code).toBe('NOT_FOUND')
      const created = await createIncident({ prisma, actor: operator, input: input(), realtime: null })
      expect((await refusal(updateIncident({ prisma, actor: trainer, id: created.id, input: { title: 'x' }, realtime: null }))).code).toBe('FORBIDDEN')
    })
  })

  describe('closeIncident and reopenIncident', () => {
    it('closes with closedAt and a significant closing note; then edits are CONFLICT; reopen brings it back', async () => {
      const created = await createIncident({ prisma, actor: operator, input: input(), realtime: null })
      const realtime = recordingPublisher()
      const now = new Date(Date.now() + 1000)
      const closed = await closeIncident({ prisma, actor: operator, id: created.id, input: { note: 'Ūdens atkāpies.' }, now, realtime })
      expect(closed.status).toBe('CLOSED')
      expect(closed.closedAt).toBe(now.toISOString())
      expect(realtime.events.map((e) => e.type)).toEqual(['incident.closed', 'incident.closed', 'log-entry.created', 'log-entry.created'])
      const detail = await getIncident({ prisma, id: created.id })
      expect(detail.logEntries).toHaveLength(1)
      expect(detail.logEntries[0]).toMatchObject({ body: 'Ūdens atkāpies.', significant: true, authorName: 'Jānis Ozols' })
      const actions = (await prisma.auditLog.findMany({ where: { OR: [{ entityId: created.id }, { entityId: detail.logEntries[0].id }] }, orderBy: { seq: 'asc' } })).map((a) => a.action)
      expect(actions).toEqual(['incident.created', 'incident.closed', 'log-entry.created'])

      const edit = await refusal(updateIncident({ prisma, actor: operator, id: created.id, input: { title: 'x' }, realtime: null }))
      expect(edit.code).toBe('CONFLICT')
      expect(edit.fields).toEqual({ form: 'incidents:errors.closed' })
      expect((await refusal(closeIncident({ prisma, actor: operator, id: created.id, realtime: null }))).code).toBe('CONFLICT')

      // the closed incident leaves the open list
      const open = await listIncidents({ prisma, territoryId, filter: 'open' })
      expect(open.some((i) => i.id === created.id)).toBe(false)
      expect((await listIncidents({ prisma, territoryId, filter: 'closed' })).some((i) => i.id === created.id)).toBe(true)

      const reopened = await reopenIncident({ prisma, actor: operator, id: created.id, realtime: null })
      expect(reopened.status).toBe('ACTIVE')
      expect(reopened.closedAt).toBeNull()
      expect((await refusal(reopenIncident({ prisma, actor: operator, id: created.id, realtime: null }))).code).toBe('CONFLICT')
    })

    it('a failed close (audit refused) leaves the incident open and no note', async () => {
      const created = await createIncident({ prisma, actor: operator, input: input(), realtime: null })
      await expect(
        closeIncident({ prisma, actor: operator, id: created.id, input: { note: 'FAIL-AUDIT' }, realtime: null }),
      ).rejects.toThrow(/audit refused/)
      const detail = await getIncident({ prisma, id: created.id })
      expect(detail.incident.status).toBe('ACTIVE')
      expect(detail.incident.closedAt).toBeNull()
      expect(detail.logEntries).toHaveLength(0)
    })

    it('refuses to close or reopen without close:incident:any', async () => {
      const created = await createIncident({ prisma, actor: operator, input: input(), realtime: null })
      for (const actor of [trainer, coordinator]) {
        expect((await refusal(closeIncident({ prisma, actor, id: created.id, realtime: null }))).code).toBe('FORBIDDEN')
        expect((await refusal(reopenIncident({ prisma, actor, id: created.id, realtime: null }))).code).toBe('FORBIDDEN')
      }
    })
  })

  describe('incident input, property-based (real database)', () => {
    it('whatever garbage arrives, a refusal is INVALID_INPUT naming fields, and nothing is written', async () => {
      const before = await counts(prisma)
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              title: fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 260 }), fc.integer(), fc.constant('   ')),
              type: fc.oneof(fc.string(), fc.constant('FLOOD')),
              severity: fc.oneof(fc.string(), fc.constant('MINOR')),
              area: fc.oneof(
                fc.string(),
                fc.constant('{"type":"Point","coordinates":[23.7,56.6]}'),
                fc.constant('{"type":"Circle","center":[23.72,56.65],"radiusM":-5}'),
              ),
            },
            { requiredKeys: [] },
          ),
          async (garbage) => {
            const error = await refusal(createIncident({ prisma, actor: operator, input: garbage, realtime: null }))
            expect(error.code).toBe('INVALID_INPUT')
            expect(Object.keys(error.fields ?? {}).length).toBeGreaterThan(0)
            for (const key of Object.values(error.fields ?? {})) expect(key).toMatch(/^(incidents|errors):/)
          },
        ),
        { numRuns: 60 },
      )
      expect(await counts(prisma)).toEqual(before)
    })
  })
})
