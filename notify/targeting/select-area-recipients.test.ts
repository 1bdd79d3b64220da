// The indexed selection against a brute-force answer (turf over every subscription's places), on
// PGlite and PostgreSQL: the trigger keeps the index in sync, each subscription comes once over all
// batches, the cursor resumes exactly.
import { booleanPointInPolygon } from '@turf/turf'
import { expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { countRecipients } from './count-recipients.ts'
import { selectAreaRecipients, selectAreaRecipientsBatch, wantsSeverity } from './select-area-recipients.ts'

function circle(lng: number, lat: number, r: number, n = 64): [number, number][] {
  const ring = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n
    return [lng + (r * Math.cos(a)) / Math.cos((lat * Math.PI) / 180), lat + r * Math.sin(a)] as [number, number]
  })
  return [...ring, ring[0]]
}

const AREAS: Record<string, AlertAreaGeometry> = {
  concave: { type: 'Polygon', coordinates: [[[23.5, 56.5], [23.9, 56.5], [23.9, 56.56], [23.58, 56.56], [23.58, 56.7], [23.9, 56.7], [23.9, 56.76], [23.5, 56.76], [23.5, 56.5]]] },
  hole: { type: 'Polygon', coordinates: [circle(23.72, 56.65, 0.1), circle(23.72, 56.65, 0.03).reverse()] },
  multi: { type: 'MultiPolygon', coordinates: [[circle(23.62, 56.6, 0.03)], [circle(23.8, 56.7, 0.04)], [circle(23.82, 56.71, 0.04)]] },
}
const SEVERITIES: AlertSeverity[] = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']

type Sub = { id: string; places: [number, number][]; minSeverity: AlertSeverity }

// deterministic pseudo-random, so a failure can be replayed
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
}

async function seed(prisma: PrismaClient, n: number): Promise<Sub[]> {
  const random = rng(42)
  const point = (): [number, number] => {
    // some exactly on grid lines and polygon vertices, most anywhere around Jelgava
    const r = random()
    if (r < 0.05) return [23.5, 56.5 + Math.floor(random() * 30) / 100]
    if (r < 0.1) return [23.58, 56.56]
    return [Number((23.45 + random() * 0.5).toFixed(4)), Number((56.45 + random() * 0.35).toFixed(4))]
  }
  const rows = Array.from({ length: n }, (_, i) => {
    const count = random() < 0.2 ? 2 + Math.floor(random() * 3) : 1
    const places = Array.from({ length: count }, point)
    return {
      endpoint: `https://push.example/s-${i}`, p256dh: 'k', auth: 'a', languages: ['lv'], minSeverity: SEVERITIES[Math.floor(random() * 4)], places,
      minLng: Math.min(...places.map((p) => p[0])), maxLng: Math.max(...places.map((p) => p[0])),
      minLat: Math.min(...places.map((p) => p[1])), maxLat: Math.max(...places.map((p) => p[1])),
    }
  })
  await prisma.pushSubscription.createMany({ data: rows })
  return (await prisma.pushSubscription.findMany({ select: { id: true, places: true, minSeverity: true } })) as Sub[]
}

function bruteForce(subs: Sub[], area: AlertAreaGeometry, severity: AlertSeverity): string[] {
  const feature = { type: 'Feature' as const, properties: {}, geometry: area }
  return subs
    .filter((s) => wantsSeverity(s.minSeverity, severity) && s.places.some((p) => booleanPointInPolygon(p, feature, { ignoreBoundary: true })))
    .map((s) => s.id)
    .sort()
}

async function selectAll(prisma: PrismaClient, area: AlertAreaGeometry, severity: AlertSeverity, batchSize: number): Promise<string[]> {
  const out: string[] = []
  for await (const batch of selectAreaRecipients(prisma, { area, severity, batchSize })) out.push(...batch)
  return out
}

describeEachBackend('selectAreaRecipients', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('selects what a brute-force test selects, each subscription once, across batches', async () => {
    const { prisma } = db()
    const subs = await seed(prisma, 1500)
    for (const [name, area] of Object.entries(AREAS)) {
      for (const severity of ['Severe', 'Minor', 'Unknown'] as AlertSeverity[]) {
        const expected = bruteForce(subs, area, severity)
        const got = await selectAll(prisma, area, severity, 97)
        expect(got.length, `${name} ${severity}: no duplicates`).toBe(new Set(got).size)
        // the compose screen's count (inside single places counted by the database) agrees
        expect(await countRecipients({ prisma, area, severity, channels: ['webpush'] })).toEqual({ webpush: got.length })
        // places exactly on an edge may count either way: compare all others exactly
        const feature = { type: 'Feature' as const, properties: {}, geometry: area }
        const onEdge = new Set(subs.filter((s) => s.places.some((p) => booleanPointInPolygon(p, feature) !== booleanPointInPolygon(p, feature, { ignoreBoundary: true }))).map((s) => s.id))
        expect([...got].filter((id) => !onEdge.has(id)).sort(), `${name} ${severity}`).toEqual(expected.filter((id) => !onEdge.has(id)))
        expect(expected.length).toBeGreaterThan(20)
      }
    }
  })

  it('resumes exactly at the cursor and says when it is done', async () => {
    const { prisma } = db()
    await seed(prisma, 400)
    const area = AREAS.concave
    const whole = (await selectAreaRecipientsBatch(prisma, { area, severity: 'Unknown', batchSize: 100_000 }))
    expect(whole.done).toBe(true)
    let after: string | null = null
    const parts: string[] = []
    let batches = 0
    for (;;) {
      const b = await selectAreaRecipientsBatch(prisma, { area, severity: 'Unknown', after, batchSize: 25 })
      expect(b.candidates).toBeLessThanOrEqual(25)
      parts.push(...b.recipients)
      batches += 1
      if (b.done) break
      after = b.cursor
    }
    expect(batches).toBeGreaterThan(3)
    expect(parts).toEqual(whole.recipients)
    expect(whole.tested).toBeLessThan(whole.candidates)
  })

  it('follows the subscription: new places, a new minimum severity, unsubscribe', async () => {
    const { prisma } = db()
    const area: AlertAreaGeometry = { type: 'Polygon', coordinates: [circle(23.72, 56.65, 0.02)] }
    const sub = await prisma.pushSubscription.create({
      data: { endpoint: 'https://push.example/x', p256dh: 'k', auth: 'a', languages: ['lv'], minSeverity: 'Minor', places: [[24.1, 56.95]], minLng: 24.1, maxLng: 24.1, minLat: 56.95, maxLat: 56.95 },
    })
    expect(await selectAll(prisma, area, 'Severe', 10)).toEqual([])
    await prisma.pushSubscription.update({ where: { id: sub.id }, data: { places: [[24.1, 56.95], [23.72, 56.65]] } })
    expect(await selectAll(prisma, area, 'Severe', 10)).toEqual([sub.id])
    await prisma.pushSubscription.update({ where: { id: sub.id }, data: { minSeverity: 'Extreme' } })
    expect(await selectAll(prisma, area, 'Severe', 10)).toEqual([])
    expect(await selectAll(prisma, area, 'Extreme', 10)).toEqual([sub.id])
    // other columns do not rewrite the places
    await prisma.pushSubscription.update({ where: { id: sub.id }, data: { languages: ['en'] } })
    expect(await prisma.subscriptionPlace.count()).toBe(2)
    await prisma.pushSubscription.delete({ where: { id: sub.id } })
    expect(await prisma.subscriptionPlace.count()).toBe(0)
  })
})
