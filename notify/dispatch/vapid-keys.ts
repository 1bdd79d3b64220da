// The instance's VAPID key pair lives in the Setting table: made on first start, rotatable.
import { generateVapidKeys } from '#notify/channels/web-push.ts'
import type { Db } from '#notify/ledger/db.ts'

export const VAPID_SETTING_KEY = 'webpush.vapid'

export type VapidKeys = { publicKey: string; privateKey: string; createdAt: string }

/** The key pair, created once (concurrent first starts agree on one). */
export async function ensureVapidKeys(db: Db): Promise<VapidKeys> {
  const fresh: VapidKeys = { ...generateVapidKeys(), createdAt: new Date().toISOString() }
  await db.$executeRawUnsafe(
    `INSERT INTO "Setting" ("key", "value", "createdAt", "updatedAt") VALUES ($1, $2::jsonb, now(), now())
     ON CONFLICT ("key") DO NOTHING`,
    VAPID_SETTING_KEY,
    JSON.stringify(fresh),
  )
  const row = await db.setting.findUniqueOrThrow({ where: { key: VAPID_SETTING_KEY } })
  return row.value as unknown as VapidKeys
}

/** A new key pair: every existing browser subscription must subscribe again afterwards. */
export async function rotateVapidKeys(db: Db): Promise<VapidKeys> {
  const fresh: VapidKeys = { ...generateVapidKeys(), createdAt: new Date().toISOString() }
  await db.setting.upsert({
    where: { key: VAPID_SETTING_KEY },
    create: { key: VAPID_SETTING_KEY, value: fresh },
    update: { value: fresh },
  })
  return fresh
}
