// One public alert by its CAP identifier, for /feeds/cap/{identifier}.xml. Any Actual, Public alert
// of the territory is served — also one that was updated, cancelled or has expired, because the
// `references` of a later message point at it and CAP consumers follow them. Exercise, Test, System
// and Draft messages and non-public scopes are never served (null, as for an unknown identifier).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { CapAlert } from '#notify/cap/types.ts'

type Db = Pick<PrismaClient, 'alert'>

const CAP_IDENTIFIER = /^[!-%'-+\--;=-~]{1,255}$/

export type LoadedPublicAlert = {
  id: string
  alert: CapAlert
  issuedAt: Date
  /** set when an Update or Cancel replaced it */
  supersededAt: Date | null
}

export type LoadPublicAlertOptions = {
  prisma: Db
  territoryId: string
  /** the CAP identifier, as it arrived (any string: it is only ever a query parameter) */
  identifier: string
}

export async function loadPublicAlert(options: LoadPublicAlertOptions): Promise<LoadedPublicAlert | null> {
  const { identifier } = options
  // a stored identifier is 1–255 visible ASCII characters without space, comma, < or & (CAP 1.2
  // §3.2.1, validateAlert): anything else names no alert and never reaches the database (NUL!)
  if (!CAP_IDENTIFIER.test(identifier)) return null
  const row = await options.prisma.alert.findFirst({
    where: {
      identifier,
      territoryId: options.territoryId,
      status: 'Actual',
      payload: { path: ['scope'], equals: 'Public' },
    },
    select: { id: true, payload: true, createdAt: true, supersededAt: true },
  })
  if (!row) return null
  return { id: row.id, alert: row.payload as unknown as CapAlert, issuedAt: row.createdAt, supersededAt: row.supersededAt }
}
