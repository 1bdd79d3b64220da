// The public-alert loaders against a real database (PGlite and PostgreSQL).
import { expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { loadPublicAlert } from './load-public-alert.ts'
import { loadPublicAlerts } from './load-public-alerts.ts'
import { activeAlertsGeoJson, alertsAtomFeed, capIndexFeed } from './public-feeds.ts'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import { storeTestAlert, testCapAlert } from './test-support.ts'

const T = 'territory-jelgava'
const H = 3600_000

describeEachBackend('public alerts', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  /** Stores the usual mix; `now` is the real clock (createdAt comes from the database). */
  async function seed() {
    const prisma = db().prisma
    const now = Date.now()
    const store = (a: ReturnType<typeof testCapAlert>, territory = T) => storeTestAlert(prisma, a, territory)
    const a1 = testCapAlert({ identifier: 'A-1', sentMs: now - 2 * H })
    await store(a1)
    await store(testCapAlert({ identifier: 'NOEXP-1', sentMs: now - 3 * H, expiresMs: null, languages: ['lv-LV'] }))
    await store(testCapAlert({ identifier: 'EXPIRED-1', sentMs: now - 5 * H, expiresMs: now - H }))
    await store(testCapAlert({ identifier: 'EX-1', sentMs: now - H, status: 'Exercise' }))
    await store(testCapAlert({ identifier: 'TEST-1', sentMs: now - H, status: 'Test' }))
    await store(testCapAlert({ identifier: 'DRAFT-1', sentMs: now - H, status: 'Draft' }))
    await store(testCapAlert({ identifier: 'R-1', sentMs: now - H, scope: 'Restricted' }))
    await store(testCapAlert({ identifier: 'OTHER-1', sentMs: now - H }), 'territory-riga')
    // C-1 updated by C-2; F-1 cancelled by F-2 (issuing marks the referenced alert superseded)
    const c1 = testCapAlert({ identifier: 'C-1', sentMs: now - 4 * H })
    const c1Id = await store(c1)
    const c2Id = await store(testCapAlert({ identifier: 'C-2', sentMs: now - 30 * 60_000, msgType: 'Update', references: [c1] }))
    await prisma.alert.update({ where: { id: c1Id }, data: { supersededAt: new Date(), supersededById: c2Id } })
    const f1 = testCapAlert({ identifier: 'F-1', sentMs: now - 4 * H })
    const f1Id = await store(f1)
    const f2Id = await store(testCapAlert({ identifier: 'F-2', sentMs: now - 10 * 60_000, msgType: 'Cancel', references: [f1], languages: ['lv-LV'] }))
    await prisma.alert.update({ where: { id: f1Id }, data: { supersededAt: new Date(), supersededById: f2Id } })
    return { now, a1 }
  }

  it('in force: Actual, Public, of the territory, not superseded, cancelled or expired; newest first', async () => {
    const { now } = await seed()
    const { alerts, lastModified } = await loadPublicAlerts({ prisma: db().prisma, territoryId: T, now: new Date(now) })
    expect(alerts.map((a) => a.alert.identifier)).toEqual(['C-2', 'A-1', 'NOEXP-1'])
    expect(alerts[0].alert.info.map((i) => i.language)).toEqual(['lv-LV', 'en-GB', 'ru-RU'])
    expect(alerts.find((a) => a.alert.identifier === 'NOEXP-1')!.expiresMs).toBeNull()
    expect(alerts.find((a) => a.alert.identifier === 'A-1')!.expiresMs).toBe(Math.floor((now + 4 * H) / 1000) * 1000)
    // the last change is the latest issue or supersession (after every expiry that has passed)
    const rows = await db().prisma.alert.findMany({ where: { territoryId: T, status: 'Actual' } })
    const latest = Math.max(...rows.flatMap((r) => [r.createdAt.getTime(), r.supersededAt?.getTime() ?? 0]))
    expect(lastModified?.getTime()).toBe(latest)
  })

  it('an alert leaves the list when it expires, and lastModified moves to that expiry', async () => {
    const { now } = await seed()
    const later = now + 5 * H // A-1 (expires now+4h) and C-2 (now+5.5h) — C-2 still in force
    const { alerts, lastModified } = await loadPublicAlerts({ prisma: db().prisma, territoryId: T, now: new Date(later) })
    expect(alerts.map((a) => a.alert.identifier)).toEqual(['C-2', 'NOEXP-1'])
    expect(lastModified?.getTime()).toBe(Math.floor((now + 4 * H) / 1000) * 1000)
  })

  it('the CAP index also lists recent Cancels (for aggregators), not old ones', async () => {
    const { now } = await seed()
    const prisma = db().prisma
    const index = await loadPublicAlerts({ prisma, territoryId: T, now: new Date(now), include: 'cap-index' })
    expect(index.alerts.map((a) => a.alert.identifier)).toEqual(['F-2', 'C-2', 'A-1', 'NOEXP-1'])
    const dayLater = await loadPublicAlerts({ prisma, territoryId: T, now: new Date(now + 25 * H), include: 'cap-index', cancelRetentionMs: 24 * H })
    expect(dayLater.alerts.map((a) => a.alert.identifier)).toEqual(['NOEXP-1'])
  })

  it('an empty territory: no alerts, no last change', async () => {
    await seed()
    expect(await loadPublicAlerts({ prisma: db().prisma, territoryId: 'territory-empty' })).toEqual({ alerts: [], lastModified: null })
  })

  it('an unchanged list gives byte-identical feeds whatever the clock (a stable ETag), also when empty', async () => {
    const prisma = db().prisma
    await prisma.territory.create({ data: { slug: 'jelgava', name: 'Jelgava', boundary: jelgavaTerritory.boundary } })
    const texts = (territory: string) => ({ title: `${territory}: brīdinājumi` })
    const feeds = (now: number) =>
      Promise.all([
        alertsAtomFeed({ prisma, baseUrl: 'https://x.example', now: new Date(now), language: 'lv', texts }),
        capIndexFeed({ prisma, baseUrl: 'https://x.example', now: new Date(now), language: 'lv', texts }),
        activeAlertsGeoJson({ prisma, baseUrl: 'https://x.example', now: new Date(now) }),
      ])
    const empty = await feeds(Date.now())
    expect(empty.map((f) => f.lastModified)).toEqual([null, null, null])
    expect((await feeds(Date.now() + H)).map((f) => f.body)).toEqual(empty.map((f) => f.body))
    // an empty feed was last updated when the territory was set up
    const created = (await prisma.territory.findFirstOrThrow()).createdAt
    expect(empty[0].body).toContain(`<updated>${formatCapTime(created)}</updated>`)

    const territory = await prisma.territory.findFirstOrThrow()
    await storeTestAlert(prisma, testCapAlert({ identifier: 'A-1', sentMs: Date.now() - H }), territory.id)
    const one = await feeds(Date.now())
    expect((await feeds(Date.now() + 60_000)).map((f) => f.body)).toEqual(one.map((f) => f.body))
    expect(one[0].body).not.toBe(empty[0].body)
  })

  it('two alerts sent in the same second: the one stored later comes first (CAP sent has whole seconds)', async () => {
    const prisma = db().prisma
    const sentMs = Math.floor(Date.now() / 1000) * 1000
    // identifiers chosen so that the identifier order is the opposite of the issue order
    await storeTestAlert(prisma, testCapAlert({ identifier: 'A-first', sentMs }), T)
    await new Promise((resolve) => setTimeout(resolve, 5))
    await storeTestAlert(prisma, testCapAlert({ identifier: 'Z-second', sentMs }), T)
    const { alerts } = await loadPublicAlerts({ prisma, territoryId: T, now: new Date(sentMs) })
    expect(alerts.map((a) => a.alert.identifier)).toEqual(['Z-second', 'A-first'])
  })

  it('limit keeps the newest', async () => {
    const { now } = await seed()
    const { alerts } = await loadPublicAlerts({ prisma: db().prisma, territoryId: T, now: new Date(now), limit: 1 })
    expect(alerts.map((a) => a.alert.identifier)).toEqual(['C-2'])
  })

  it('one alert by identifier: also superseded, cancelled and expired ones; never exercises, tests, drafts, restricted or another territory', async () => {
    const { a1 } = await seed()
    const prisma = db().prisma
    const load = (identifier: string, territoryId = T) => loadPublicAlert({ prisma, territoryId, identifier })
    const found = await load('A-1')
    expect(found?.alert).toEqual(a1)
    expect(found?.supersededAt).toBeNull()
    expect((await load('C-1'))?.supersededAt).toBeInstanceOf(Date)
    for (const id of ['F-1', 'F-2', 'EXPIRED-1', 'NOEXP-1', 'C-2']) expect((await load(id))?.alert.identifier).toBe(id)
    for (const id of ['EX-1', 'TEST-1', 'DRAFT-1', 'R-1', 'OTHER-1', 'nope']) expect(await load(id)).toBeNull()
    expect(await load('OTHER-1', 'territory-riga')).not.toBeNull()
    // odd identifiers are just values
    for (const id of ["A-1' OR '1'='1", 'A-1%', '%', '\u0000', '../A-1', '', 'x'.repeat(10_000)]) expect(await load(id)).toBeNull()
  })
})
