// Shelters on a real database (PGlite, and PostgreSQL when TEST_DATABASE_URL is set): registry
// validation, status rules with the incident log, occupancy (never negative, over capacity → FULL,
// concurrent check-ins), QR check-in without identity and its replay limit, households off by
// default and erasable, nearest with filters, public GeoJSON, CSV import (errors by line and
// field, nothing imported) and export (formulas neutralised), defects → tasks, realtime.
import { expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { verifyAuditChain } from '#domain/audit/verify-audit.ts'
import { asPolygonal, isInsideTerritory } from '#domain/geo/validate-area.ts'
import { createStaff, demoTerritory, recordingPublisher } from '#domain/incidents/test-support.ts'
import { describeEachBackend, useTestDatabase } from '../../tests/db.ts'
import { createDefectTask } from './create-defect-task.ts'
import { createShelter } from './create-shelter.ts'
import { eraseHousehold } from './erase-household.ts'
import { exportSheltersCsv } from './export-shelters-csv.ts'
import { findNearestShelters } from './find-nearest-shelters.ts'
import { getShelter } from './get-shelter.ts'
import { importSheltersCsv } from './import-shelters-csv.ts'
import { listShelters } from './list-shelters.ts'
import { parseCsv } from './parse-csv.ts'
import { publicSheltersGeoJson } from './public-shelters-geojson.ts'
import { qrCheckIn } from './qr-check-in.ts'
import { recordInspection } from './record-inspection.ts'
import { recordOccupancy } from './record-occupancy.ts'
import { rotateQrToken } from './rotate-qr-token.ts'
import { setShelterStatus } from './set-shelter-status.ts'
import { updateShelter } from './update-shelter.ts'
import { updateShelterSettings } from './update-shelter-settings.ts'

// a fixed noon in Riga: day capacities count
const noon = new Date('2026-11-20T10:00:00Z')
const night = new Date('2026-11-20T23:30:00Z')

const base = {
  code: 'T-001',
  name: 'Testa patvertne',
  kind: 'SHORT_STAY',
  address: 'Lielā iela 1, Jelgava',
  lat: '56.6500',
  lng: '23.7200',
  capacityDay: '10',
  capacityNight: '4',
  stepFree: 'on',
}

async function setup(prisma: PrismaClient) {
  const territory = await demoTerritory(prisma)
  const operator = await createStaff(prisma, 'OPERATOR')
  const incident = await prisma.incident.findFirstOrThrow({ where: { territoryId: territory.id, status: 'ACTIVE' } })
  return { territory, operator, incident }
}

async function error(promise: Promise<unknown>) {
  try {
    await promise
  } catch (e) {
    return e as { code: string; fields?: Record<string, string>; retryAfterSeconds?: number }
  }
  throw new Error('expected a refusal')
}

describeEachBackend('shelters', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('creates a shelter in STANDBY with a QR token; refuses bad fields one key per field, a place outside the territory and a taken code', async () => {
    const { prisma } = db()
    const { territory, operator } = await setup(prisma)
    const created = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, now: noon, realtime: null })
    expect(created).toMatchObject({ code: 'T-001', status: 'STANDBY', occupancy: 0, stepFree: true, petsAllowed: false, capacity: 10, freePlaces: 0 })
    const row = await prisma.shelter.findUniqueOrThrow({ where: { id: created.id } })
    expect(row.qrToken).toMatch(/^[A-Za-z0-9_-]{22}$/)

    const bad = await error(createShelter({ prisma, actor: operator, territoryId: territory.id, input: { ...base, code: 'T-2', kind: 'BUNKER', capacityDay: '-1', name: '', responsibleEmail: 'x' }, realtime: null }))
    expect(bad.code).toBe('INVALID_INPUT')
    expect(bad.fields).toMatchObject({ kind: 'shelters:errors.kind', capacityDay: 'shelters:errors.capacity', name: 'errors:required', responsibleEmail: 'errors:invalid' })
    const outside = await error(createShelter({ prisma, actor: operator, territoryId: territory.id, input: { ...base, code: 'T-3', lat: '57.0', lng: '24.1' }, realtime: null }))
    expect(outside.fields).toMatchObject({ lat: 'shelters:errors.outsideTerritory' })
    const taken = await error(createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, realtime: null }))
    expect(taken).toMatchObject({ code: 'CONFLICT', fields: { code: 'shelters:errors.codeTaken' } })

    const trainer = await createStaff(prisma, 'TRAINER')
    expect((await error(createShelter({ prisma, actor: trainer, territoryId: territory.id, input: { ...base, code: 'T-4' }, realtime: null }))).code).toBe('FORBIDDEN')
    const coordinator = await createStaff(prisma, 'VOLUNTEER_COORDINATOR')
    expect((await error(createShelter({ prisma, actor: coordinator, territoryId: territory.id, input: { ...base, code: 'T-4' }, realtime: null }))).code).toBe('FORBIDDEN')
  })

  it('opening needs an open incident and is logged there in the same transaction; closing with people inside is refused; transitions follow the rules', async () => {
    const { prisma } = db()
    const { territory, operator, incident } = await setup(prisma)
    const realtime = recordingPublisher()
    const shelter = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, now: noon, realtime: null })
    const logBefore = await prisma.incidentLogEntry.count({ where: { incidentId: incident.id } })

    expect((await error(setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPEN' }, now: noon, realtime }))).fields).toEqual({ incidentId: 'shelters:errors.incidentRequired' })
    expect((await error(setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'CLOSED' }, now: noon, realtime }))).fields).toEqual({ status: 'shelters:errors.transition' })

    const opened = await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPEN', incidentId: incident.id }, now: noon, realtime })
    expect(opened).toMatchObject({ status: 'OPEN', incidentId: incident.id, freePlaces: 10 })
    const log = await prisma.incidentLogEntry.findMany({ where: { incidentId: incident.id, createdAt: noon } })
    expect(log[0].body).toContain('Testa patvertne')
    expect(log[0].body).toContain('atvērta')
    expect(log[0].significant).toBe(true)
    expect(await prisma.incidentLogEntry.count({ where: { incidentId: incident.id } })).toBe(logBefore + 1)
    // every dashboard hears the shelter (territory room), the incident page hears its log
    expect(realtime.events.map((e) => [e.room, e.type])).toEqual([
      [`territory:${territory.id}`, 'shelter.updated'],
      [`territory:${territory.id}`, 'log-entry.created'],
      [`incident:${incident.id}`, 'log-entry.created'],
    ])
    expect(realtime.events[0].payload).toMatchObject({ id: shelter.id, status: 'OPEN', freePlaces: 10 })
    expect(realtime.events[0].payload).not.toHaveProperty('responsibleName')

    await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 2 }, now: noon, realtime: null })
    expect((await error(setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'CLOSED' }, now: noon, realtime: null }))).fields).toEqual({ status: 'shelters:errors.closeOccupied' })
    await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'OUT', people: 2 }, now: noon, realtime: null })
    const closed = await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'CLOSED' }, now: noon, realtime: null })
    expect(closed).toMatchObject({ status: 'CLOSED', freePlaces: 0, incidentId: incident.id })
    const entries = await prisma.incidentLogEntry.findMany({ where: { incidentId: incident.id, createdAt: noon } })
    expect(entries.filter((e) => e.body.includes('Testa patvertne') && e.body.includes('slēgta'))).toHaveLength(1)
    const standby = await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'STANDBY' }, now: noon, realtime: null })
    expect(standby).toMatchObject({ status: 'STANDBY', incidentId: null })

    // a closed incident cannot have a shelter opened for it; a failed change leaves nothing
    await prisma.incident.update({ where: { id: incident.id }, data: { status: 'CLOSED' } })
    const audit = await prisma.auditLog.count()
    expect((await error(setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPENING', incidentId: incident.id }, now: noon, realtime: null }))).fields).toEqual({ incidentId: 'shelters:errors.incidentClosed' })
    expect(await prisma.auditLog.count()).toBe(audit)
    expect((await prisma.shelter.findUniqueOrThrow({ where: { id: shelter.id } })).status).toBe('STANDBY')
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true })
  })

  it('occupancy: over capacity is accepted and makes it FULL, a check-out frees it; never below zero; day and night capacity; the ledger sums to the occupancy and is append-only', async () => {
    const { prisma } = db()
    const { territory, operator, incident } = await setup(prisma)
    const shelter = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, now: noon, realtime: null })
    expect((await error(recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 1 }, now: noon, realtime: null }))).fields).toEqual({ form: 'shelters:errors.notOpen' })
    await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPEN', incidentId: incident.id }, now: noon, realtime: null })

    expect(await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 9 }, now: noon, realtime: null })).toMatchObject({ status: 'OPEN', freePlaces: 1, occupancy: 9 })
    expect(await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 3 }, now: noon, realtime: null })).toMatchObject({ status: 'FULL', storedStatus: 'FULL', freePlaces: 0, occupancy: 12 })
    expect(await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'OUT', people: 4 }, now: noon, realtime: null })).toMatchObject({ status: 'OPEN', storedStatus: 'OPEN', freePlaces: 2, occupancy: 8 })
    // at night the night capacity (4) counts: the same 8 people make it full
    const record = (await listShelters({ prisma, actor: operator, territoryId: territory.id, filter: { kinds: ['SHORT_STAY'] }, now: night })).find((r) => r.code === 'T-001')
    expect(record).toMatchObject({ status: 'FULL', capacity: 4, freePlaces: 0 })

    const tooMany = await error(recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'OUT', people: 9 }, now: noon, realtime: null }))
    expect(tooMany).toMatchObject({ code: 'CONFLICT', fields: { people: 'shelters:errors.checkOutTooMany' } })
    expect((await error(recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 0 }, realtime: null }))).fields).toEqual({ people: 'errors:invalid' })

    // the database refuses a negative occupancy and edits of the ledger, whoever asks
    await expect(prisma.shelter.update({ where: { id: shelter.id }, data: { occupancy: -1 } })).rejects.toThrow()
    await expect(prisma.shelterOccupancyEntry.updateMany({ data: { people: 100 } })).rejects.toThrow(/append-only/)
    await expect(prisma.shelterOccupancyEntry.deleteMany({})).rejects.toThrow(/append-only/)

    const entries = await prisma.shelterOccupancyEntry.findMany({ where: { shelterId: shelter.id }, orderBy: { id: 'asc' } })
    const sum = entries.reduce((n, e) => n + (e.direction === 'IN' ? e.people : -e.people), 0)
    expect(sum).toBe(8)
    expect(entries.map((e) => e.occupancyAfter)).toEqual([9, 12, 8])
  })

  it('concurrent check-ins and check-outs: every one counted once, the total never negative', async () => {
    const { prisma } = db()
    const { territory, operator, incident } = await setup(prisma)
    const shelter = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: { ...base, capacityDay: '20' }, now: noon, realtime: null })
    await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPEN', incidentId: incident.id }, now: noon, realtime: null })
    await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 5 }, now: noon, realtime: null })
    // 25 check-ins of one and 10 check-outs of one at once: with 5 inside, no check-out can fail
    const results = await Promise.allSettled([
      ...Array.from({ length: 25 }, () => recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 1 }, now: noon, realtime: null })),
      ...Array.from({ length: 10 }, () => recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'OUT', people: 1 }, now: noon, realtime: null })),
    ])
    const failed = results.filter((r) => r.status === 'rejected')
    // a check-out may run before enough check-ins when fewer than one is inside: never with 5 inside at the start and 25 coming
    expect(failed).toEqual([])
    const row = await prisma.shelter.findUniqueOrThrow({ where: { id: shelter.id } })
    expect(row.occupancy).toBe(20)
    expect(row.status).toBe('FULL')
    const entries = await prisma.shelterOccupancyEntry.findMany({ where: { shelterId: shelter.id } })
    expect(entries.length).toBe(36)
    expect(Math.min(...entries.map((e) => e.occupancyAfter))).toBeGreaterThanOrEqual(0)
  })

  it('QR check-in counts without identity, only while open, once per device per window, and a rotated code stops counting', async () => {
    const { prisma } = db()
    const { territory, operator, incident } = await setup(prisma)
    const shelter = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, now: noon, realtime: null })
    const { qrToken } = await prisma.shelter.findUniqueOrThrow({ where: { id: shelter.id } })
    expect((await error(qrCheckIn({ prisma, token: qrToken, input: { people: 1 }, clientIp: '198.51.100.1', now: noon, realtime: null }))).code).toBe('CONFLICT')
    await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPEN', incidentId: incident.id }, now: noon, realtime: null })

    const realtime = recordingPublisher()
    expect(await qrCheckIn({ prisma, token: qrToken, input: { people: 3 }, clientIp: '198.51.100.1', now: noon, realtime })).toMatchObject({ freePlaces: 7 })
    expect(realtime.events.map((e) => e.type)).toEqual(['shelter.updated'])
    // the same device again (a replay): refused with Retry-After, nothing counted
    const replay = await error(qrCheckIn({ prisma, token: qrToken, input: { people: 3 }, clientIp: '198.51.100.1', now: new Date(noon.getTime() + 60_000), realtime: null }))
    expect(replay.code).toBe('RATE_LIMITED')
    expect(replay.retryAfterSeconds).toBeGreaterThan(1700)
    await qrCheckIn({ prisma, token: qrToken, input: { people: 1 }, clientIp: '198.51.100.2', now: noon, realtime: null })
    // after the window the same device counts again
    await qrCheckIn({ prisma, token: qrToken, input: {}, clientIp: '198.51.100.1', now: new Date(noon.getTime() + 31 * 60_000), realtime: null })
    expect((await prisma.shelter.findUniqueOrThrow({ where: { id: shelter.id } })).occupancy).toBe(5)
    expect((await error(qrCheckIn({ prisma, token: qrToken, input: { people: 11 }, clientIp: '198.51.100.3', realtime: null }))).code).toBe('INVALID_INPUT')

    // nothing identifying is kept: the ledger says QR, the audit says "qr" without an address
    const entries = await prisma.shelterOccupancyEntry.findMany({ where: { shelterId: shelter.id, source: 'QR' } })
    expect(entries.map((e) => [e.people, e.actorId, e.actorLabel])).toEqual([[3, null, 'qr'], [1, null, 'qr'], [1, null, 'qr']])
    const audits = await prisma.auditLog.findMany({ where: { actorLabel: 'qr' } })
    expect(audits.every((a) => a.ip === null && !JSON.stringify(a.data).includes('198.51'))).toBe(true)
    const buckets = await prisma.rateLimitBucket.findMany()
    expect(buckets.some((b) => b.key.includes('198.51'))).toBe(false)

    await rotateQrToken({ prisma, actor: operator, shelterId: shelter.id })
    expect((await error(qrCheckIn({ prisma, token: qrToken, input: {}, clientIp: '198.51.100.9', realtime: null }))).code).toBe('NOT_FOUND')
    expect((await error(qrCheckIn({ prisma, token: 'x', input: {}, clientIp: null, realtime: null }))).code).toBe('NOT_FOUND')
  })

  it('households are off by default; switched on they record needs, check out by household and erase to counts only', async () => {
    const { prisma } = db()
    const { territory, operator, incident } = await setup(prisma)
    const admin = await createStaff(prisma, 'ADMINISTRATOR')
    const shelter = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, now: noon, realtime: null })
    await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPEN', incidentId: incident.id }, now: noon, realtime: null })
    const off = await error(recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 3, householdLabel: 'Kalniņi', needs: ['WHEELCHAIR'] }, now: noon, realtime: null }))
    expect(off.fields).toEqual({ householdLabel: 'shelters:errors.householdsOff' })
    expect(await prisma.shelterHousehold.count()).toBe(0)
    expect((await error(updateShelterSettings({ prisma, actor: operator, input: { households: 'on' } }))).code).toBe('FORBIDDEN')
    await updateShelterSettings({ prisma, actor: admin, input: { households: 'on' } })

    await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 3, householdLabel: 'Kalniņi', needs: ['WHEELCHAIR', 'MEDICATION'] }, now: noon, realtime: null })
    const detail = await getShelter({ prisma, actor: operator, shelterId: shelter.id, now: noon })
    expect(detail.households).toEqual([expect.objectContaining({ label: 'Kalniņi', size: 3, needs: ['WHEELCHAIR', 'MEDICATION'] })])
    expect(detail.shelter.occupancy).toBe(3)
    // the audit keeps counts, never the label or needs
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'shelter.checked-in' }, orderBy: { seq: 'desc' } })
    expect(JSON.stringify(audit.data)).not.toMatch(/Kalni|WHEELCHAIR/)
    const trainer = await createStaff(prisma, 'TRAINER')
    expect((await getShelter({ prisma, actor: trainer, shelterId: shelter.id })).households).toEqual([])

    const householdId = detail.households[0].id
    await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'OUT', people: 1, householdId }, now: noon, realtime: null })
    expect((await prisma.shelter.findUniqueOrThrow({ where: { id: shelter.id } })).occupancy).toBe(0)
    await eraseHousehold({ prisma, actor: operator, householdId })
    const erased = await prisma.shelterHousehold.findUniqueOrThrow({ where: { id: householdId } })
    expect(erased).toMatchObject({ label: '', needs: [], note: '', size: 3 })
    expect(erased.erasedAt).not.toBeNull()
  })

  it('nearest open shelters with free places from a point, with accessibility, pets and kind filters; public GeoJSON carries public fields only', async () => {
    const { prisma } = db()
    const { territory } = await setup(prisma) // the demo shelters: two open (one full), one opening
    const demo = await prisma.shelter.findMany({ where: { territoryId: territory.id } })
    expect(demo.filter((s) => !isInsideTerritory({ type: 'Point', coordinates: [s.lng, s.lat] }, asPolygonal(territory.boundary), 0))).toEqual([])
    const station: [number, number] = [23.7155, 56.6452]
    const open = await findNearestShelters({ prisma, territoryId: territory.id, point: station, now: noon })
    expect(open.map((s) => s.name)).toEqual(['Sporta halles īslaicīgā patvertne']) // the other open one is full
    expect(open[0].distanceM).toBeGreaterThan(900)
    expect(open[0].distanceM).toBeLessThan(1100)
    expect(open[0].freePlaces).toBe(300 - 64)

    const all = await findNearestShelters({ prisma, territoryId: territory.id, point: station, all: true, now: noon })
    expect(all[0].name).toBe('Dzelzceļa stacijas evakuācijas punkts')
    expect(all[0].distanceM).toBe(0)
    expect(all.map((s) => s.distanceM)).toEqual([...all.map((s) => s.distanceM)].sort((a, b) => a - b))
    const pets = await findNearestShelters({ prisma, territoryId: territory.id, point: station, all: true, filter: { petsAllowed: true }, now: noon })
    expect(pets.map((s) => s.name).sort()).toEqual(['Miezītes sociālā centra sildīšanas punkts', 'Sporta halles īslaicīgā patvertne'])
    const toilets = await findNearestShelters({ prisma, territoryId: territory.id, point: station, all: true, filter: { stepFree: true, accessibleToilet: true, kinds: ['CATEGORY_I', 'CATEGORY_II'] }, now: noon })
    expect(toilets.map((s) => s.name)).toEqual(['Pilsētas domes ēkas patvertne', 'Valsts ģimnāzijas patvertne'])

    const geojson = await publicSheltersGeoJson({ prisma, territoryId: territory.id, now: noon })
    expect(geojson.features).toHaveLength(8)
    const text = JSON.stringify(geojson)
    for (const secret of ['responsible', 'qrToken', 'openingProcedure', 'occupancy', '+371', 'inspection', 'incidentId']) expect(text).not.toContain(secret)
    expect(geojson.features.find((f) => f.properties.name === 'Pārlielupes pamatskolas īslaicīgā patvertne')?.properties).toMatchObject({ status: 'FULL', freePlaces: 0 })
  })

  it('an inspection records defects; a defect becomes one task of an open incident at the shelter', async () => {
    const { prisma } = db()
    const { territory, operator, incident } = await setup(prisma)
    const shelter = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, now: noon, realtime: null })
    const { defectIds } = await recordInspection({ prisma, actor: operator, shelterId: shelter.id, input: { inspectedAt: '2026-11-19T09:00:00Z', inspectorName: 'Inspektors', findings: 'Jāremontē durvis', defects: 'Bojātas ieejas durvis\n\nNav ugunsdzēšamā aparāta' }, now: noon })
    expect(defectIds).toHaveLength(2)
    expect(await prisma.shelter.findUniqueOrThrow({ where: { id: shelter.id } })).toMatchObject({ lastInspectionFindings: 'Jāremontē durvis' })
    const realtime = recordingPublisher()
    const task = await createDefectTask({ prisma, actor: operator, defectId: defectIds[0], input: { incidentId: incident.id }, now: noon, realtime })
    expect(task).toMatchObject({ incidentId: incident.id, title: 'Testa patvertne: Bojātas ieejas durvis', status: 'OPEN' })
    expect(task.location).toEqual({ type: 'Point', coordinates: [23.72, 56.65] })
    expect(realtime.events.map((e) => e.type)).toEqual(['task.created', 'task.created'])
    expect((await error(createDefectTask({ prisma, actor: operator, defectId: defectIds[0], input: { incidentId: incident.id }, realtime: null }))).fields).toEqual({ form: 'shelters:errors.defectHasTask' })
    const coordinator = await createStaff(prisma, 'VOLUNTEER_COORDINATOR')
    expect((await error(createDefectTask({ prisma, actor: coordinator, defectId: defectIds[1], input: { incidentId: incident.id }, realtime: null }))).code).toBe('FORBIDDEN')
  })

  it('an edit keeps the audit of what changed; a smaller capacity can make an open shelter full', async () => {
    const { prisma } = db()
    const { territory, operator, incident } = await setup(prisma)
    const shelter = await createShelter({ prisma, actor: operator, territoryId: territory.id, input: base, now: noon, realtime: null })
    await setShelterStatus({ prisma, actor: operator, shelterId: shelter.id, input: { status: 'OPEN', incidentId: incident.id }, now: noon, realtime: null })
    await recordOccupancy({ prisma, actor: operator, shelterId: shelter.id, input: { direction: 'IN', people: 6 }, now: noon, realtime: null })
    const updated = await updateShelter({ prisma, actor: operator, shelterId: shelter.id, input: { ...base, capacityDay: '6', petsAllowed: 'on' }, now: noon, realtime: null })
    expect(updated).toMatchObject({ storedStatus: 'FULL', freePlaces: 0, petsAllowed: true })
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'shelter.updated' } })
    expect(audit.data).toEqual({ changes: { capacityDay: { from: 10, to: 6 }, petsAllowed: { from: false, to: true } } })
  })
})

describeEachBackend('shelters CSV', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  const header = 'Kods;Nosaukums;Veids;Adrese;Platums;Garums;Vietas dienā;Vietas naktī;Bez pakāpieniem;Mājdzīvnieki atļauti;Tālrunis'

  it('imports a file (created and updated by code), and a file with errors imports nothing, each error by line and column', async () => {
    const { prisma } = db()
    const { territory, operator } = await setup(prisma)
    const before = await prisma.shelter.count()
    const good = [header, 'N-1;Jaunā patvertne;SHORT_STAY;Lielā iela 5;56.651;23.721;100;50;jā;nē;+371 20000000', 'JLG-P-001;"Domes patvertne; atjaunota";CATEGORY_II;Lielā iela 11;56.6509;23.7236;160;80;yes;no;'].join('\r\n')
    expect(await importSheltersCsv({ prisma, actor: operator, territoryId: territory.id, text: good, realtime: null })).toEqual({ ok: true, created: 1, updated: 1 })
    expect(await prisma.shelter.count()).toBe(before + 1)
    expect(await prisma.shelter.findFirstOrThrow({ where: { code: 'JLG-P-001' } })).toMatchObject({ name: 'Domes patvertne; atjaunota', capacityDay: 160, stepFree: true })
    expect(await prisma.shelter.findFirstOrThrow({ where: { code: 'N-1' } })).toMatchObject({ status: 'STANDBY', responsiblePhone: '+371 20000000' })

    const bad = [
      header,
      'N-2;Labā rinda;SHORT_STAY;Iela 1;56.651;23.721;10;5;jā;nē;', // line 2: fine, but not imported
      'N-3;Slikts veids;BUNKER;Iela 2;56.651;23.721;10;5;jā;nē;', // line 3
      'N-4;"Pāri',
      'rindām";SHORT_STAY;Iela 3;56.651;abc;10;5;varbūt;nē;', // line 4 (a quoted line break)
      'N-5;=HYPERLINK("http://x");SHORT_STAY;Iela 4;56.651;23.721;10;5;jā;nē;', // line 6
      'N-2;Dublikāts;SHORT_STAY;Iela 5;56.651;23.721;10;5;jā;nē;', // line 7
      'N-6;Ārpus;SHORT_STAY;Rīga;56.95;24.1;10;5;jā;nē;-1+2', // line 8: a formula and outside the territory
    ].join('\n')
    const result = await importSheltersCsv({ prisma, actor: operator, territoryId: territory.id, text: bad, realtime: null })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      { line: 3, column: 'Veids', field: 'kind', message: 'shelters:errors.kind' },
      { line: 4, column: 'Garums', field: 'lng', message: 'shelters:errors.coordinates' },
      { line: 4, column: 'Bez pakāpieniem', field: 'stepFree', message: 'shelters:errors.boolean' },
      { line: 6, column: 'Nosaukums', field: 'name', message: 'shelters:errors.formula' },
      { line: 7, column: 'Kods', field: 'code', message: 'shelters:errors.duplicateCode' },
      { line: 8, column: 'Tālrunis', field: 'responsiblePhone', message: 'shelters:errors.formula' },
      { line: 8, column: 'Platums', field: 'lat', message: 'shelters:errors.outsideTerritory' },
      { line: 8, column: 'Garums', field: 'lng', message: 'shelters:errors.outsideTerritory' },
    ])
    expect(await prisma.shelter.count()).toBe(before + 1)
    expect(await prisma.shelter.findFirst({ where: { code: 'N-2' } })).toBeNull()
  })

  it('refuses unknown and missing columns, empty, oversized and unterminated files', async () => {
    const { prisma } = db()
    const { territory, operator } = await setup(prisma)
    const run = (text: string) => importSheltersCsv({ prisma, actor: operator, territoryId: territory.id, text, realtime: null })
    expect(await run('Code,Name,Colour\r\nA,B,C')).toEqual({
      ok: false,
      errors: [
        { line: 1, column: 'Colour', field: '', message: 'shelters:errors.unknownColumn' },
        ...['kind', 'address', 'lat', 'lng', 'capacityDay', 'capacityNight'].map((field) => expect.objectContaining({ line: 1, field, message: 'shelters:errors.missingColumn' })),
      ],
    })
    expect(await run(header)).toMatchObject({ ok: false, errors: [{ message: 'shelters:errors.emptyFile' }] })
    expect(await run(header + '\n' + 'x;'.repeat(600_000))).toMatchObject({ ok: false, errors: [{ message: 'shelters:errors.fileTooLarge' }] })
    expect(await run(header + '\nN;"open')).toMatchObject({ ok: false, errors: [{ line: 2, message: 'shelters:errors.quote' }] })
    expect(await run(header + '\n' + 'N-1;a;SHORT_STAY;b;56.65;23.72;1;1;;;\n'.repeat(2001))).toMatchObject({ ok: false, errors: [{ message: 'shelters:errors.tooManyRows' }] })
  })

  it('exports with the language headers and delimiter, formulas neutralised, and the export imports back unchanged', async () => {
    const { prisma } = db()
    const { territory, operator } = await setup(prisma)
    await createShelter({ prisma, actor: operator, territoryId: territory.id, input: { ...base, code: 'Z-1', name: '=cmd|"/c calc"!A1', responsibleName: '@SUM(A1)', responsiblePhone: '+371 2000', openingProcedure: 'Rinda 1\nRinda 2; beigas' }, realtime: null })
    const csv = await exportSheltersCsv({ prisma, actor: operator, territoryId: territory.id, language: 'en' })
    expect(csv.startsWith('\uFEFFCode,Name,Kind,Address,Latitude,Longitude,Capacity day')).toBe(true)
    const records = parseCsv(csv)
    if (!records.ok) throw new Error('unparseable export')
    const row = records.records.find((r) => r.cells[0] === 'Z-1')!.cells
    expect(row[1]).toBe(`'=cmd|"/c calc"!A1`)
    expect(row[16]).toBe(`'@SUM(A1)`)
    expect(row[17]).toBe(`'+371 2000`)
    expect(row[19]).toBe('Rinda 1\nRinda 2; beigas')
    expect(row.slice(8, 11)).toEqual(['yes', 'no', 'no'])
    const lv = await exportSheltersCsv({ prisma, actor: operator, territoryId: territory.id, language: 'lv' })
    expect(lv.split('\r\n')[0]).toContain('Kods;Nosaukums;Veids')

    const snapshot = async () => (await prisma.shelter.findMany({ orderBy: { code: 'asc' } })).map(({ updatedAt: _u, ...rest }) => rest)
    const before = await snapshot()
    expect(await importSheltersCsv({ prisma, actor: operator, territoryId: territory.id, text: lv, realtime: null })).toEqual({ ok: true, created: 0, updated: 9 })
    expect(await snapshot()).toEqual(before)
  })
})
