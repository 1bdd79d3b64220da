import { beforeAll, expect, it } from 'vitest'
import { createTestDatabase, describeEachBackend, useTestDatabase } from '#tests/db.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { validateArea } from '#domain/geo/validate-area.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import { jelgavaAreas } from './jelgava.ts'
import { jelgavaIncidents } from './demo-incidents.ts'
import { seedDemo } from './seed-demo.ts'

describeEachBackend('seedDemo', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  beforeAll(() => {
    prisma = db().prisma
  })

  const snapshot = async () => ({
    territories: await prisma.territory.count(),
    areas: await prisma.namedArea.count(),
    incidents: await prisma.incident.count(),
    log: await prisma.incidentLogEntry.count(),
    tasks: await prisma.task.count(),
    audit: await prisma.auditLog.count(),
  })

  it('seeds Jelgava once: territory, named areas, incidents with log and tasks, all demo, one audit row', async () => {
    const now = new Date('2026-04-15T09:00:00Z')
    expect(await seedDemo({ prisma, onlyIfEmpty: true, now })).toBe(true)
    const territory = await prisma.territory.findUniqueOrThrow({ where: { slug: 'jelgava' }, include: { namedAreas: true } })
    expect(territory).toMatchObject({ name: 'Jelgava', demo: true })
    expect(territory.namedAreas).toHaveLength(jelgavaAreas.length)
    expect(territory.namedAreas.every((a) => a.demo)).toBe(true)

    const incidents = await prisma.incident.findMany({ orderBy: { reference: 'asc' }, include: { logEntries: true, tasks: true } })
    expect(incidents).toHaveLength(jelgavaIncidents.length)
    expect(incidents.map((i) => i.reference)).toEqual(['JLG-2026-0001', 'JLG-2026-0002', 'JLG-2026-0003', 'JLG-2026-0004'])
    expect(incidents.every((i) => i.demo)).toBe(true)
    const boundary = asPolygonal(territory.boundary)
    for (const incident of incidents) {
      // every stored area passes the same validation as a user's drawing
      expect(() => validateArea({ input: incident.area, boundary, toleranceM: 0 })).not.toThrow()
      expect(incident.logEntries.length).toBeGreaterThan(0)
    }
    const flood = incidents.find((i) => i.type === 'FLOOD')!
    expect(flood.status).toBe('ACTIVE')
    expect(flood.tasks.length).toBeGreaterThanOrEqual(2)
    const correction = flood.logEntries.find((e) => e.correctsId)
    expect(correction && flood.logEntries.some((e) => e.id === correction.correctsId)).toBe(true)
    const closed = incidents.find((i) => i.status === 'CLOSED')!
    expect(closed.closedAt).not.toBeNull()
    const storm = incidents.find((i) => i.type === 'STORM')!
    expect(storm.areaCircle).toMatchObject({ radiusM: 900 })

    const audit = await prisma.auditLog.findMany({ where: { action: 'demo.seeded' } })
    expect(audit).toHaveLength(1)
    expect(audit[0].actorLabel).toBe('system')
  })

  it('is idempotent: onlyIfEmpty skips any seeded database, and a second demo seed duplicates nothing', async () => {
    const before = await snapshot()
    expect(await seedDemo({ prisma, onlyIfEmpty: true })).toBe(false)
    expect(await seedDemo({ prisma, onlyIfEmpty: false })).toBe(false)
    expect(await snapshot()).toEqual(before)
  })

  it('concurrent seeds write the demo once', async () => {
    const other = await createTestDatabase({ backend })
    try {
      const results = await Promise.all([
        seedDemo({ prisma: other.prisma, onlyIfEmpty: false }),
        seedDemo({ prisma: other.prisma, onlyIfEmpty: false }),
        seedDemo({ prisma: other.prisma, onlyIfEmpty: true }),
      ])
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await other.prisma.territory.count()).toBe(1)
      expect(await other.prisma.incident.count()).toBe(jelgavaIncidents.length)
    } finally {
      await other.close()
    }
  }, 120_000)
})
