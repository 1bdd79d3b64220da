// Staff notices of the material reserves (issue 5): when usable stock of an item in a warehouse is
// below its minimum level, or a lot has expired or expires within its item's warning days, the
// warehouse's responsible person is told by SMS through the notification engine — a CAP alert of
// scope Private addressed to "warehouse:<id>" (never in the public feeds), one per warehouse and
// situation per day: the idempotency key is the warehouse, the day and a digest of what is wrong,
// so a repeated check sends nothing new and a changed situation sends a new notice. The dashboard
// lists (listBelowMinimum, listExpiringLots) show the same at any time, with or without SMS.
import { createHash } from 'node:crypto'
import { systemActor } from '#domain/auth/actor.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { newAlertIdentity } from '#domain/alerts/new-alert-identity.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { calendarDay } from './calendar-day.ts'
import { listBelowMinimum } from './list-below-minimum.ts'
import { listExpiringLots } from './list-expiring-lots.ts'

/** CAP parameters are at most 255 characters: the SMS text is kept within that. */
const SMS_MAX = 255

export type ReserveWarningsResult = {
  /** warehouses told now (a new notice issued) */
  notified: string[]
  /** warehouses with something wrong whose notice of today already went out */
  alreadyNotified: string[]
  /** warehouses with something wrong but no usable responsible phone: dashboard only */
  withoutPhone: string[]
}

type Warning = { kind: 'below' | 'expiring' | 'expired'; text: string }

export async function notifyReserveWarnings(options: { prisma: PrismaClient; now?: Date }): Promise<ReserveWarningsResult> {
  const { prisma } = options
  const now = options.now ?? new Date()
  const actor = systemActor
  const [below, expiring] = await Promise.all([listBelowMinimum({ prisma, actor, now }), listExpiringLots({ prisma, actor, now })])
  const byWarehouse = new Map<string, Warning[]>()
  const add = (warehouseId: string, w: Warning) => byWarehouse.set(warehouseId, [...(byWarehouse.get(warehouseId) ?? []), w])
  for (const r of below) add(r.warehouseId, { kind: 'below', text: `${r.item.names.lv} ${r.usable}/${r.minimum} ${r.item.unit}` })
  for (const l of expiring) add(l.warehouseId, { kind: l.expiry === 'expired' ? 'expired' : 'expiring', text: `${l.itemNames.lv} ${l.quantity} ${l.unit} ${l.expiresOn}` })

  const result: ReserveWarningsResult = { notified: [], alreadyNotified: [], withoutPhone: [] }
  if (byWarehouse.size === 0) return result
  const warehouses = await prisma.warehouse.findMany({
    where: { id: { in: [...byWarehouse.keys()] }, active: true },
    select: { id: true, name: true, lng: true, lat: true, responsiblePhone: true, territoryId: true },
  })
  const day = calendarDay(now)!.toISOString().slice(0, 10)
  const boundaries = new Map((await prisma.territory.findMany({ select: { id: true, boundary: true } })).map((t) => [t.id, t.boundary]))
  for (const w of warehouses) {
    const warnings = byWarehouse.get(w.id)!
    if (!/\d{8}/.test(w.responsiblePhone.replace(/\D/g, ''))) {
      result.withoutPhone.push(w.id)
      continue
    }
    const digest = createHash('sha256').update(JSON.stringify(warnings)).digest('hex').slice(0, 16)
    const identity = await newAlertIdentity({ prisma, territoryId: w.territoryId, now })
    const alert = reserveNotice({ identity, warehouse: w, warnings, now, boundary: boundaries.get(w.territoryId) })
    const issued = await issueCapAlert({
      prisma,
      alert,
      actor,
      idempotencyKey: `reserves:${w.id}:${day}:${digest}`,
      channels: ['sms'],
      recipientKeys: [`warehouse:${w.id}`],
      territoryId: w.territoryId,
      now,
    })
    ;(issued.created ? result.notified : result.alreadyNotified).push(w.id)
  }
  return result
}

function reserveNotice(options: {
  identity: { identifier: string; sender: string; sent: string }
  warehouse: { id: string; name: string; lng: number; lat: number }
  warnings: Warning[]
  now: Date
  boundary: unknown
}): CapAlert {
  const { warehouse, warnings } = options
  const of = (kind: Warning['kind']) => warnings.filter((w) => w.kind === kind).map((w) => w.text)
  const below = of('below')
  const expired = of('expired')
  const expiring = of('expiring')
  const lines = [
    below.length ? `Zem minimuma: ${below.join('; ')}` : '',
    expired.length ? `Beidzies derīgums: ${expired.join('; ')}` : '',
    expiring.length ? `Drīz beigsies derīgums: ${expiring.join('; ')}` : '',
  ].filter(Boolean)
  const headline = `Noliktava ${warehouse.name}: ${[below.length ? `${below.length} zem minimuma` : '', expired.length + expiring.length ? `${expired.length + expiring.length} derīgums` : ''].filter(Boolean).join(', ')}`
  let sms = `Sargs krājumi. ${headline}. ${lines.join('. ')}`
  if (sms.length > SMS_MAX) sms = `${sms.slice(0, SMS_MAX - 1)}…`
  return validateAlert({
    boundary: options.boundary as never,
    input: {
      ...options.identity,
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Private',
      addresses: `warehouse:${warehouse.id}`,
      note: 'Materiālo rezervju paziņojums atbildīgajai personai',
      info: [
        {
          language: 'lv-LV',
          category: ['Infra'],
          event: 'Materiālās rezerves',
          urgency: 'Expected',
          severity: 'Minor',
          certainty: 'Observed',
          expires: formatCapTime(options.now.getTime() + 24 * 3600_000),
          headline: headline.slice(0, 160),
          description: lines.join('\n').slice(0, 3000),
          instruction: 'Pārbaudiet krājumus un papildiniet vai izsniedziet partijas, kurām drīz beigsies derīgums.',
          parameter: [{ valueName: 'SARGS_SMS', value: sms }],
          area: [{ areaDesc: warehouse.name, circle: [`${warehouse.lat},${warehouse.lng} 0.1`] }],
        },
      ],
    },
  })
}
