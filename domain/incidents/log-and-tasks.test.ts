import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { geoErrors } from '#domain/geo/types.ts'
import * as logModule from './add-log-entry.ts'
import { addLogEntry, logEntryErrors } from './add-log-entry.ts'
import { closeIncident } from './close-incident.ts'
import { createIncident } from './create-incident.ts'
import { createTask } from './create-task.ts'
import { getIncident } from './get-incident.ts'
import { listAssignableUsers } from './list-assignable-users.ts'
import { listOpenTasks } from './list-open-tasks.ts'
import { incidentErrors } from './schemas.ts'
import { updateTask } from './update-task.ts'
import { refusal } from '#tests/support/refusal.ts'
import {
  centreSquare,
  counts,
  createStaff,
  demoTerritory,
  installAuditFailure,
  recordingPublisher,
} from './test-support.ts'

describeEachBackend('event log and tasks', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  let operator: Actor & { id: string }
  let trainer: Actor
  let coordinator: Actor & { id: string }
  let territoryId: string

  beforeAll(async () => {
    prisma = db().prisma
    territoryId = (await demoTerritory(prisma)).id
    operator = await createStaff(prisma, 'OPERATOR', 'Anna Bērziņa')
    trainer = await createStaff(prisma, 'TRAINER')
    coordinator = await createStaff(prisma, 'VOLUNTEER_COORDINATOR', 'Kārlis Vītols')
    await installAuditFailure(prisma)
  }, 120_000)

  const newIncident = (title = 'Vētra') =>
    createIncident({
      prisma,
      actor: operator,
      input: { title, type: 'STORM', severity: 'MINOR', area: centreSquare() },
      realtime: null,
    })

  describe('event log', () => {
    it('appends timed entries with author, audit row and events in both rooms', async () => {
      const incident = await newIncident()
      const realtime = recordingPublisher()
      const now = new Date()
      const entry = await addLogEntry({
        prisma,
        actor: operator,
        incidentId: incident.id,
        input: { body: 'Koks uz ceļa', occurredAt: '2026-01-10T08:15', significant: 'on' },
        now,
        realtime,
      })
      expect(entry).toMatchObject({ body: 'Koks uz ceļa', significant: true, authorName: 'Anna Bērziņa', correctsId: null })
      expect(entry.occurredAt).toBe('2026-01-10T06:15:00.000Z') // local time in Riga (UTC+2 in January)
      const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityType: 'IncidentLogEntry', entityId: entry.id } })
      expect(audit.action).toBe('log-entry.created')
      expect(realtime.events.map((e) => [e.room, e.type])).toEqual([
        [`territory:${territoryId}`, 'log-entry.created'],
        [`incident:${incident.id}`, 'log-entry.created'],
      ])
      // the incident's last update moves with its log
      const detail = await getIncident({ prisma, id: incident.id })
      expect(detail.incident.updatedAt).toBe(now.toISOString())
    })

    it('is append-only: no update or delete exists; a correction is a new entry pointing at the old one', async () => {
      // the module that writes log entries exports exactly one writer
      expect(Object.keys(logModule).sort()).toEqual(['addLogEntry', 'logEntryErrors'])
      // and no file of the incidents domain updates or deletes log entries
      const dir = path.dirname(new URL(import.meta.url).pathname)
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
        const source = fs.readFileSync(path.join(dir, file), 'utf8')
        expect(source, file).not.toMatch(/incidentLogEntry\.(update|updateMany|delete|deleteMany|upsert)\b/)
      }

      const incident = await newIncident()
      const wrong = await addLogEntry({ prisma, actor: operator, incidentId: incident.id, input: { body: 'Līmenis 3,28 m' }, realtime: null })
      const fix = await addLogEntry({
        prisma,
        actor: coordinator,
        incidentId: incident.id,
        input: { body: 'Labojums: 3,18 m', correctsId: wrong.id },
        realtime: null,
      })
      expect(fix.correctsId).toBe(wrong.id)
      const detail = await getIncident({ prisma, id: incident.id })
      expect(detail.logEntries.map((e) => e.body)).toEqual(['Līmenis 3,28 m', 'Labojums: 3,18 m'])
      // the corrected entry is untouched
      expect(detail.logEntries[0]).toEqual(wrong)
    })

    it('the database refuses to edit or delete an entry; erasing the author keeps the entry without them', async () => {
      const incident = await newIncident('Plūdi')
      const author = await createStaff(prisma, 'OPERATOR', 'Dzēšamais Lietotājs')
      const entry = await addLogEntry({ prisma, actor: author, incidentId: incident.id, input: { body: 'Ūdens 3,1 m' }, realtime: null })
      await expect(prisma.incidentLogEntry.update({ where: { id: entry.id }, data: { body: 'x' } })).rejects.toThrow(/append-only/)
      await expect(prisma.incidentLogEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/)
      // erasing the person: the one allowed change is the author reference becoming null
      await prisma.user.delete({ where: { id: author.id } })
      const kept = await prisma.incidentLogEntry.findUniqueOrThrow({ where: { id: entry.id } })
      expect(kept).toMatchObject({ body: 'Ūdens 3,1 m', authorId: null, incidentId: incident.id })
    })

    it('refuses a correction of an entry of another incident (or of nothing), writing nothing', async () => {
      const a = await newIncident('A')
      const b = await newIncident('B')
      const other = await addLogEntry({ prisma, actor: operator, incidentId: b.id, input: { body: 'B ieraksts' }, realtime: null })
      const before = await counts(prisma)
      for (const correctsId of [other.id, crypto.randomUUID()]) {
        const error = await refusal(
          addLogEntry({ prisma, actor: operator, incidentId: a.id, input: { body: 'Labojums', correctsId }, realtime: null }),
        )
        expect(error.fields).toEqual({ correctsId: logEntryErrors.correctsOtherIncident })
      }
      expect(await counts(prisma)).toEqual(before)
    })

    it('accepts entries on a closed incident (late notes, corrections)', async () => {
      const incident = await newIncident()
      await closeIncident({ prisma, actor: operator, id: incident.id, realtime: null })
      const late = await addLogEntry({ prisma, actor: operator, incidentId: incident.id, input: { body: 'Vēlāk saņemta informācija' }, realtime: null })
      expect(late.incidentId).toBe(incident.id)
    })

    it('refuses a trainer; a volunteer coordinator may write', async () => {
      const incident = await newIncident()
      expect((await refusal(addLogEntry({ prisma, actor: trainer, incidentId: incident.id, input: { body: 'x' }, realtime: null }))).code).toBe('FORBIDDEN')
      await expect(addLogEntry({ prisma, actor: coordinator, incidentId: incident.id, input: { body: 'x' }, realtime: null })).resolves.toBeDefined()
    })

    it('a failed audit leaves no entry', async () => {
      const incident = await newIncident()
      await expect(
        addLogEntry({ prisma, actor: operator, incidentId: incident.id, input: { body: 'FAIL-AUDIT' }, realtime: null }),
      ).rejects.toThrow(/audit refused/)
      expect(await prisma.incidentLogEntry.count({ where: { incidentId: incident.id } })).toBe(0)
    })

    it('property: bad entries (empty, too long, future, garbage time) are refused with the right key and nothing is written', async () => {
      const incident = await newIncident()
      const now = new Date('2026-04-10T12:00:00Z')
      const before = await counts(prisma)
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record({ input: fc.record({ body: fc.constantFrom('', '  ', '\n') }), key: fc.constant(['body', incidentErrors.bodyRequired]) }),
            fc.record({ input: fc.record({ body: fc.string({ minLength: 5001, maxLength: 5100 }).filter((s) => s.trim().length > 5000) }), key: fc.constant(['body', incidentErrors.bodyTooLong]) }),
            fc.record({
              input: fc.record({
                body: fc.constant('x'),
                occurredAt: fc.integer({ min: 6, max: 60 * 24 * 365 }).map((m) => new Date(now.getTime() + m * 60_000).toISOString()),
              }),
              key: fc.constant(['occurredAt', incidentErrors.occurredAtFuture]),
            }),
            fc.record({
              input: fc.record({ body: fc.constant('x'), occurredAt: fc.constantFrom('vakar', '2026-02-30T10:00', '10:00', '2026-13-01') }),
              key: fc.constant(['occurredAt', incidentErrors.occurredAtInvalid]),
            }),
          ),
          async ({ input, key: [field, key] }) => {
            const error = await refusal(addLogEntry({ prisma, actor: operator, incidentId: incident.id, input, now, realtime: null }))
            expect(error.code).toBe('INVALID_INPUT')
            expect(error.fields?.[field]).toBe(key)
          },
        ),
        { numRuns: 60 },
      )
      expect(await counts(prisma)).toEqual(before)
    })
  })

  describe('tasks', () => {
    it('lifecycle: create with place, assignee and due; change status and assignee; each step audited and published', async () => {
      const incident = await newIncident()
      const realtime = recordingPublisher()
      const task = await createTask({
        prisma,
        actor: operator,
        incidentId: incident.id,
        input: {
          title: 'Smilšu maisi',
          location: '{"type":"Point","coordinates":[23.7302,56.6468]}',
          assigneeId: coordinator.id,
          dueAt: '2026-05-01T18:00',
        },
        realtime,
      })
      expect(task).toMatchObject({
        title: 'Smilšu maisi',
        status: 'OPEN',
        assigneeId: coordinator.id,
        assigneeName: 'Kārlis Vītols',
        location: { type: 'Point', coordinates: [23.7302, 56.6468] },
        dueAt: '2026-05-01T15:00:00.000Z',
      })
      const started = await updateTask({ prisma, actor: coordinator, taskId: task.id, input: { status: 'IN_PROGRESS' }, realtime })
      expect(started.status).toBe('IN_PROGRESS')
      const reassigned = await updateTask({ prisma, actor: operator, taskId: task.id, input: { assigneeId: '', status: 'DONE' }, realtime })
      expect(reassigned).toMatchObject({ status: 'DONE', assigneeId: null, assigneeName: null })
      expect(realtime.events.map((e) => e.type)).toEqual(['task.created', 'task.created', 'task.updated', 'task.updated', 'task.updated', 'task.updated'])
      const audit = await prisma.auditLog.findMany({ where: { entityType: 'Task', entityId: task.id }, orderBy: { seq: 'asc' } })
      expect(audit.map((a) => a.action)).toEqual(['task.created', 'task.updated', 'task.updated'])
      expect(audit[2].data).toMatchObject({ changes: { status: { from: 'IN_PROGRESS', to: 'DONE' }, assigneeId: { from: coordinator.id, to: null } } })
      // an update that changes nothing writes nothing
      const before = await counts(prisma)
      await updateTask({ prisma, actor: operator, taskId: task.id, input: { status: 'DONE' }, realtime: null })
      expect(await counts(prisma)).toEqual(before)
    })

    it('refuses a disabled or unknown assignee and a place outside the territory, writing nothing', async () => {
      const incident = await newIncident()
      const disabled = await createStaff(prisma, 'OPERATOR')
      await prisma.user.update({ where: { id: disabled.id }, data: { status: 'DISABLED' } })
      expect((await listAssignableUsers({ prisma })).some((u) => u.id === disabled.id)).toBe(false)
      const before = await counts(prisma)
      for (const assigneeId of [disabled.id, crypto.randomUUID()]) {
        const error = await refusal(createTask({ prisma, actor: operator, incidentId: incident.id, input: { title: 'x', assigneeId }, realtime: null }))
        expect(error.fields).toEqual({ assigneeId: incidentErrors.assigneeInvalid })
      }
      const outside = await refusal(
        createTask({ prisma, actor: operator, incidentId: incident.id, input: { title: 'x', location: { type: 'Point', coordinates: [24.1, 56.95] } }, realtime: null }),
      )
      expect(outside.fields).toEqual({ location: geoErrors.locationOutsideTerritory })
      expect(await counts(prisma)).toEqual(before)
    })

    it('permissions: a volunteer coordinator updates but does not create; a trainer does neither', async () => {
      const incident = await newIncident()
      const task = await createTask({ prisma, actor: operator, incidentId: incident.id, input: { title: 'Apsekot' }, realtime: null })
      expect((await refusal(createTask({ prisma, actor: coordinator, incidentId: incident.id, input: { title: 'x' }, realtime: null }))).code).toBe('FORBIDDEN')
      expect((await refusal(createTask({ prisma, actor: trainer, incidentId: incident.id, input: { title: 'x' }, realtime: null }))).code).toBe('FORBIDDEN')
      expect((await refusal(updateTask({ prisma, actor: trainer, taskId: task.id, input: { status: 'DONE' }, realtime: null }))).code).toBe('FORBIDDEN')
      await expect(updateTask({ prisma, actor: coordinator, taskId: task.id, input: { status: 'DONE' }, realtime: null })).resolves.toMatchObject({ status: 'DONE' })
    })

    it('tasks of a closed incident are frozen (CONFLICT)', async () => {
      const incident = await newIncident()
      const task = await createTask({ prisma, actor: operator, incidentId: incident.id, input: { title: 'Apsekot' }, realtime: null })
      await closeIncident({ prisma, actor: operator, id: incident.id, realtime: null })
      expect((await refusal(createTask({ prisma, actor: operator, incidentId: incident.id, input: { title: 'x' }, realtime: null }))).code).toBe('CONFLICT')
      expect((await refusal(updateTask({ prisma, actor: operator, taskId: task.id, input: { status: 'DONE' }, realtime: null }))).code).toBe('CONFLICT')
      expect((await refusal(updateTask({ prisma, actor: operator, taskId: crypto.randomUUID(), input: {}, realtime: null }))).code).toBe('NOT_FOUND')
    })

    it('listOpenTasks: unfinished tasks of open incidents of the territory only', async () => {
      const open = await newIncident('Atvērts')
      const closed = await newIncident('Slēgts')
      const todo = await createTask({ prisma, actor: operator, incidentId: open.id, input: { title: 'Darāms' }, realtime: null })
      const done = await createTask({ prisma, actor: operator, incidentId: open.id, input: { title: 'Padarīts', status: 'DONE' }, realtime: null })
      const frozen = await createTask({ prisma, actor: operator, incidentId: closed.id, input: { title: 'Iesaldēts' }, realtime: null })
      await closeIncident({ prisma, actor: operator, id: closed.id, realtime: null })
      const ids = (await listOpenTasks({ prisma, territoryId })).map((t) => t.id)
      expect(ids).toContain(todo.id)
      expect(ids).not.toContain(done.id)
      expect(ids).not.toContain(frozen.id)
      expect(await listOpenTasks({ prisma, territoryId: crypto.randomUUID() })).toEqual([])
    })

    it('a failed audit leaves no task', async () => {
      const incident = await newIncident()
      await expect(
        createTask({ prisma, actor: operator, incidentId: incident.id, input: { title: 'FAIL-AUDIT' }, realtime: null }),
      ).rejects.toThrow(/audit refused/)
      expect(await prisma.task.count({ where: { incidentId: incident.id } })).toBe(0)
    })
  })
})
