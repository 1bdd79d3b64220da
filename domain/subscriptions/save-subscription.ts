// Subscribe (or change the choices of) one browser: an upsert by push endpoint. Changing an
// existing subscription needs the same auth secret as the stored one, so knowing somebody's
// endpoint is not enough to move their places or break their keys.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { subscriptionErrors } from './limits.ts'
import { validateSubscription, type ValidSubscription } from './validate-subscription.ts'

export type SaveSubscriptionResult = {
  id: string
  created: boolean
  subscription: Omit<ValidSubscription, 'p256dh' | 'auth'>
}

export async function saveSubscription(options: {
  prisma: PrismaClient
  input: unknown
  /** push services allowed as endpoints (PUSH_SERVICE_HOSTS); unchecked when absent */
  pushServiceHosts?: readonly string[]
}): Promise<SaveSubscriptionResult> {
  const { prisma } = options
  const territory = await getDefaultTerritory({ prisma })
  if (!territory) throw new AppError('UNAVAILABLE', 'no territory is configured yet')
  const valid = validateSubscription({ input: options.input, boundary: territory.boundary, pushServiceHosts: options.pushServiceHosts })
  const lngs = valid.places.map((p) => p[0])
  const lats = valid.places.map((p) => p[1])
  // one statement: concurrent first subscriptions of one endpoint cannot both insert, and an
  // update only happens when the auth secret matches (otherwise no row comes back)
  const rows = await prisma.$queryRawUnsafe<{ id: string; created: boolean }[]>(
    `INSERT INTO "PushSubscription" ("id", "endpoint", "p256dh", "auth", "languages", "minSeverity", "places",
                                     "minLng", "minLat", "maxLng", "maxLat", "createdAt")
     VALUES (gen_random_uuid()::text, $1, $2, $3, $4::text[], $5::"AlertSeverity", $6::jsonb, $7, $8, $9, $10, now())
     ON CONFLICT ("endpoint") DO UPDATE SET
       "p256dh" = EXCLUDED."p256dh", "languages" = EXCLUDED."languages", "minSeverity" = EXCLUDED."minSeverity",
       "places" = EXCLUDED."places", "minLng" = EXCLUDED."minLng", "minLat" = EXCLUDED."minLat",
       "maxLng" = EXCLUDED."maxLng", "maxLat" = EXCLUDED."maxLat"
     WHERE "PushSubscription"."auth" = EXCLUDED."auth"
     RETURNING "id", (xmax = 0) AS "created"`,
    valid.endpoint,
    valid.p256dh,
    valid.auth,
    valid.languages,
    valid.minSeverity,
    JSON.stringify(valid.places),
    Math.min(...lngs),
    Math.min(...lats),
    Math.max(...lngs),
    Math.max(...lats),
  )
  if (rows.length === 0) {
    throw new AppError('CONFLICT', 'this endpoint is subscribed with other keys', {
      fields: { 'keys.auth': subscriptionErrors.subscriptionKeysChanged },
    })
  }
  const { endpoint, places, languages, minSeverity } = valid
  return { id: rows[0].id, created: rows[0].created, subscription: { endpoint, places, languages, minSeverity } }
}
