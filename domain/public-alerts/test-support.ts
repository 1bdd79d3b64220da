// Test support: valid CAP alerts over the Jelgava demo territory and a way to store them as the
// ledger does (one insert), so the public-alert loaders and the feed routes can be tested before
// and independently of the composer.
import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertStatus } from '#generated/prisma/enums.ts'
import { jelgavaTerritory } from '#domain/demo/jelgava.ts'
import { alertAreaGeometry } from '#notify/cap/alert-area.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { validateAlert } from '#notify/cap/validate-alert.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'

export const testTexts = {
  'lv-LV': { headline: 'Lielupe pārplūst: <uzmanību> & sargieties', description: 'Pasta salā applūst ceļi.', instruction: 'Neiebrauciet applūdušos ceļos.' },
  'en-GB': { headline: 'Lielupe flooding', description: 'Roads on Pasta sala are flooding.', instruction: 'Do not drive into flooded roads.' },
  'ru-RU': { headline: 'Разлив Лиелупе', description: 'Дороги на Паста-сала затоплены.', instruction: 'Не въезжайте на затопленные дороги.' },
} as const

export type TestAlertOptions = {
  identifier: string
  sentMs: number
  /** null: the info blocks name no expiry */
  expiresMs?: number | null
  status?: CapAlert['status']
  msgType?: CapAlert['msgType']
  scope?: CapAlert['scope']
  references?: CapAlert[]
  languages?: (keyof typeof testTexts)[]
  sender?: string
}

/** A validated CAP alert (identifier, sent, expiry and languages as asked). */
export function testCapAlert(o: TestAlertOptions): CapAlert {
  const expires = o.expiresMs === undefined ? formatCapTime(o.sentMs + 6 * 3600_000) : o.expiresMs === null ? undefined : formatCapTime(o.expiresMs)
  const languages = o.languages ?? (Object.keys(testTexts) as (keyof typeof testTexts)[])
  return validateAlert({
    boundary: jelgavaTerritory.boundary,
    input: {
      identifier: o.identifier,
      sender: o.sender ?? 'sargs@jelgava.lv',
      sent: formatCapTime(o.sentMs),
      status: o.status ?? 'Actual',
      msgType: o.msgType ?? 'Alert',
      scope: o.scope ?? 'Public',
      ...(o.scope === 'Restricted' ? { restriction: 'komisijai' } : {}),
      references: (o.references ?? []).map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' ') || undefined,
      info: languages.map((language) => ({
        language,
        category: ['Met'],
        event: 'Plūdi',
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Observed',
        expires,
        ...testTexts[language],
        area: [{ areaDesc: 'Pasta sala', polygon: ['56.65,23.72 56.655,23.73 56.645,23.735 56.65,23.72'], circle: ['56.64,23.7 0.3'] }],
      })),
    },
  })
}

/** Stores an alert the way issuing does (notify/ledger issueAlert), without fan-out concerns. */
export async function storeTestAlert(prisma: PrismaClient, alert: CapAlert, territoryId: string): Promise<string> {
  const severity = alert.info[0]?.severity ?? 'Unknown'
  const issued = await issueAlert(prisma, {
    identifier: alert.identifier,
    status: alert.status as AlertStatus,
    msgType: alert.msgType as 'Alert' | 'Update' | 'Cancel',
    territoryId,
    payload: alert,
    severity,
    area: alertAreaGeometry(alert) ?? jelgavaTerritory.boundary,
    idempotencyKey: randomUUID(),
  })
  return issued.id
}
