// Staff notices of the reserves through the notification engine: the demo municipality's
// warehouses below minimum or with expiring lots tell their responsible person by SMS (a Private
// CAP alert to "warehouse:<id>", sent through the SMS route to the fake gateway), once per
// situation and day, never in the public feeds — on PGlite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { loadPublicAlerts } from '#domain/public-alerts/load-public-alerts.ts'
import { HttpSmsGatewayAdapter } from '#notify/channels/sms/http-gateway.ts'
import { SmsProviderChain } from '#notify/channels/sms/sms-providers.ts'
import { Dispatcher, type ChannelRoute } from '#notify/dispatch/dispatcher.ts'
import { ExerciseSink } from '#notify/dispatch/exercise-sink.ts'
import { smsRoute } from '#notify/dispatch/sms-route.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeSmsGateway, type FakeSmsGateway } from '#tests/fakes/sms-gateway.ts'
import { listBelowMinimum } from './list-below-minimum.ts'
import { listExpiringLots } from './list-expiring-lots.ts'
import { notifyReserveWarnings } from './notify-reserve-warnings.ts'
import { systemActor } from '#domain/auth/actor.ts'

describeEachBackend('reserve warnings to staff', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  let gateway: FakeSmsGateway
  beforeAll(async () => {
    gateway = await startFakeSmsGateway({ auth: { kind: 'bearer', token: 't' } })
  })
  afterAll(async () => gateway.close())

  it('tells each warehouse with a shortfall or expiring stock once a situation, by SMS to its responsible person', async () => {
    const prisma = db().prisma
    gateway.received.length = 0
    await seedDemo({ prisma, onlyIfEmpty: true })
    const below = await listBelowMinimum({ prisma, actor: systemActor })
    const expiring = await listExpiringLots({ prisma, actor: systemActor })
    const affected = new Set([...below.map((r) => r.warehouseId), ...expiring.map((l) => l.warehouseId)])
    // the demo municipality has both (otherwise this test proves nothing)
    expect(below.length).toBeGreaterThan(0)
    expect(affected.size).toBeGreaterThan(0)

    const first = await notifyReserveWarnings({ prisma })
    expect(new Set(first.notified)).toEqual(affected)
    const alerts = await prisma.alert.findMany({ where: { recipientKeys: { isEmpty: false } } })
    expect(alerts).toHaveLength(affected.size)
    for (const a of alerts) {
      expect(a.channels).toEqual(['sms'])
      expect((a.payload as { scope: string }).scope).toBe('Private')
      expect(a.recipientKeys).toHaveLength(1)
    }
    // never in the public lists or feeds
    const territory = await prisma.territory.findFirstOrThrow()
    expect((await loadPublicAlerts({ prisma, territoryId: territory.id })).alerts).toEqual([])

    await new Dispatcher({
      prisma,
      routes: [smsRoute({ adapter: new SmsProviderChain([{ name: 'http', adapter: new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' }) }]) }) as ChannelRoute<unknown>],
      exerciseSink: new ExerciseSink(),
      supersessionCheckMs: 0,
    }).drain({ timeoutMs: 30_000, idleMs: 50 })
    const warehouses = await prisma.warehouse.findMany({ where: { id: { in: [...affected] } } })
    expect(gateway.received.map((m) => m.to).sort()).toEqual(warehouses.map((w) => w.responsiblePhone.replace(/\s/g, '')).sort())
    const central = warehouses.find((w) => below.some((r) => r.warehouseId === w.id))!
    const text = gateway.received.find((m) => m.to === central.responsiblePhone.replace(/\s/g, ''))!.text
    expect(text).toMatch(/^Sargs krājumi\. Noliktava /)
    expect(text).toContain('Zem minimuma: ')
    expect(text.length).toBeLessThanOrEqual(255)
    const deliveries = await prisma.delivery.findMany({ where: { alertId: { in: alerts.map((a) => a.id) } } })
    expect(deliveries.every((d) => d.status === 'SENT' && d.recipientKey.startsWith('warehouse:'))).toBe(true)

    // the same situation again the same day: nothing new
    const again = await notifyReserveWarnings({ prisma })
    expect(again.notified).toEqual([])
    expect(new Set(again.alreadyNotified)).toEqual(affected)
    expect(await prisma.alert.count({ where: { recipientKeys: { isEmpty: false } } })).toBe(affected.size)

    // later the same day the situation of one warehouse changes (a minimum level raised): that
    // warehouse gets a new notice, the others nothing
    const item = below.find((r) => r.warehouseId === central.id)!
    const before = gateway.received.length
    await prisma.minimumLevel.update({ where: { warehouseId_itemId: { warehouseId: central.id, itemId: item.item.id } }, data: { quantity: item.minimum + 5 } })
    const changed = await notifyReserveWarnings({ prisma })
    expect(changed.notified).toEqual([central.id])
    expect(new Set(changed.alreadyNotified)).toEqual(new Set([...affected].filter((id) => id !== central.id)))
    await new Dispatcher({
      prisma,
      routes: [smsRoute({ adapter: new SmsProviderChain([{ name: 'http', adapter: new HttpSmsGatewayAdapter({ url: gateway.url, auth: { kind: 'bearer', token: 't' }, senderId: 'Jelgava' }) }]) }) as ChannelRoute<unknown>],
      exerciseSink: new ExerciseSink(),
      supersessionCheckMs: 0,
    }).drain({ timeoutMs: 30_000, idleMs: 50 })
    const news = gateway.received.slice(before)
    expect(news.map((m) => m.to)).toEqual([central.responsiblePhone.replace(/\s/g, '')])
    expect(news[0].text).toContain(`${item.usable}/${item.minimum + 5}`)

    // the next day the same situations are told again, once
    const tomorrow = new Date(Date.now() + 24 * 3600_000)
    const nextDay = await notifyReserveWarnings({ prisma, now: tomorrow })
    expect(nextDay.alreadyNotified).toEqual([])
    expect(nextDay.notified).toContain(central.id)
    expect((await notifyReserveWarnings({ prisma, now: tomorrow })).notified).toEqual([])

    // a warehouse without a number: on the dashboard only
    await prisma.warehouse.update({ where: { id: central.id }, data: { responsiblePhone: '' } })
    await prisma.minimumLevel.update({ where: { warehouseId_itemId: { warehouseId: central.id, itemId: item.item.id } }, data: { quantity: item.minimum + 6 } })
    expect((await notifyReserveWarnings({ prisma })).withoutPhone).toContain(central.id)
  })
})
