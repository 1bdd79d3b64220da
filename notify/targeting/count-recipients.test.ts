// countRecipients on PGlite and PostgreSQL: the fan-out's rule (severity, any place inside, one per
// address), checked against what the fan-out actually inserts.
import { expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { countRecipients } from './count-recipients.ts'

// a square around Jelgava with a square hole (the hole's places are outside)
const AREA: AlertAreaGeometry = {
  type: 'Polygon',
  coordinates: [
    [[23.6, 56.6], [23.8, 56.6], [23.8, 56.7], [23.6, 56.7], [23.6, 56.6]],
    [[23.7, 56.64], [23.7, 56.66], [23.72, 56.66], [23.72, 56.64], [23.7, 56.64]],
  ],
}
// a triangle: its bounding box contains a point that is outside it
const TRIANGLE: AlertAreaGeometry = { type: 'Polygon', coordinates: [[[23.6, 56.6], [23.8, 56.6], [23.6, 56.7], [23.6, 56.6]]] }

async function subscribe(prisma: PrismaClient, places: [number, number][], minSeverity: AlertSeverity = 'Minor') {
  const n = Math.random().toString(36).slice(2)
  await prisma.pushSubscription.create({
    data: {
      endpoint: `https://push.example/${n}`, p256dh: 'k', auth: 'a', languages: ['lv'], minSeverity, places,
      minLng: Math.min(...places.map((p) => p[0])), maxLng: Math.max(...places.map((p) => p[0])),
      minLat: Math.min(...places.map((p) => p[1])), maxLat: Math.max(...places.map((p) => p[1])),
    },
  })
}

describeEachBackend('countRecipients', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('counts each subscriber once when any place is inside and the severity is wanted', async () => {
    const { prisma } = db()
    await subscribe(prisma, [[23.65, 56.62]]) // inside
    await subscribe(prisma, [[23.65, 56.62], [23.75, 56.68], [24.1, 56.9]]) // two places inside: once
    await subscribe(prisma, [[24.1, 56.95], [23.79, 56.69]]) // one of two inside
    await subscribe(prisma, [[23.71, 56.65]]) // in the hole
    await subscribe(prisma, [[24.1, 56.95]]) // outside
    await subscribe(prisma, [[23.66, 56.61]], 'Severe') // inside, only Severe and above
    await subscribe(prisma, [[23.66, 56.61]], 'Extreme')
    expect(await countRecipients({ prisma, area: AREA, severity: 'Moderate', channels: ['webpush'] })).toEqual({ webpush: 3 })
    expect(await countRecipients({ prisma, area: AREA, severity: 'Severe', channels: ['webpush'] })).toEqual({ webpush: 4 })
    expect(await countRecipients({ prisma, area: AREA, severity: 'Extreme', channels: ['webpush'] })).toEqual({ webpush: 5 })
    // unknown severity reaches everyone inside
    expect(await countRecipients({ prisma, area: AREA, severity: 'Unknown', channels: ['webpush'] })).toEqual({ webpush: 5 })
  })

  it('rejects places inside the bounding box but outside the polygon', async () => {
    const { prisma } = db()
    await subscribe(prisma, [[23.62, 56.61]]) // inside the triangle
    await subscribe(prisma, [[23.78, 56.69]]) // in its bbox, outside it
    expect(await countRecipients({ prisma, area: TRIANGLE, severity: 'Severe', channels: ['webpush'] })).toEqual({ webpush: 1 })
  })

  it('answers 0 for a channel without subscribers and for an empty area', async () => {
    const { prisma } = db()
    await subscribe(prisma, [[24.1, 56.95]])
    expect(await countRecipients({ prisma, area: AREA, severity: 'Severe', channels: ['webpush', 'sms'] })).toEqual({ webpush: 0, sms: 0 })
    expect(await countRecipients({ prisma, area: AREA, severity: 'Severe', channels: [] })).toEqual({})
  })

  it('counts across many batches without counting anyone twice', async () => {
    const { prisma } = db()
    const rows = Array.from({ length: 2600 }, (_, i) => {
      const lng = 23.6 + ((i * 37) % 200) / 1000
      const lat = 56.6 + ((i * 53) % 100) / 1000
      // every fifth subscriber has a second place inside too, every seventh one only outside
      const places: [number, number][] = i % 7 === 0 ? [[24.2, 57]] : i % 5 === 0 ? [[lng, lat], [23.61, 56.61]] : [[lng, lat]]
      return { endpoint: `https://push.example/bulk-${i}`, p256dh: 'k', auth: 'a', languages: ['lv'], minSeverity: 'Minor' as const, places,
        minLng: Math.min(...places.map((p) => p[0])), maxLng: Math.max(...places.map((p) => p[0])),
        minLat: Math.min(...places.map((p) => p[1])), maxLat: Math.max(...places.map((p) => p[1])) }
    })
    await prisma.pushSubscription.createMany({ data: rows })
    const square: AlertAreaGeometry = { type: 'Polygon', coordinates: [AREA.coordinates[0] as [number, number][]] }
    const expected = rows.filter((_, i) => i % 7 !== 0).length
    expect(await countRecipients({ prisma, area: square, severity: 'Minor', channels: ['webpush'] })).toEqual({ webpush: expected })
  })
})
