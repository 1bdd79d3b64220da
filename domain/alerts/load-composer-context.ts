// What composing needs from the database: the territory (its boundary bounds every area) and its
// named areas (picked by name, sent as CAP geocode + polygon).
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { getDefaultTerritory, getTerritory, type TerritorySummary } from '#domain/territory/get-territory.ts'
import { listNamedAreas, type NamedAreaSummary } from '#domain/territory/list-named-areas.ts'
import { formatCapTime } from '#notify/cap/cap-time.ts'
import type { AlertIdentityFields } from './compose-alert.ts'

export type ComposerContext = { territory: TerritorySummary; namedAreas: NamedAreaSummary[] }

export async function loadComposerContext(options: { prisma: PrismaClient; territoryId?: string }): Promise<ComposerContext> {
  const { prisma } = options
  const territory = options.territoryId
    ? await getTerritory({ prisma, id: options.territoryId })
    : await getDefaultTerritory({ prisma })
  if (!territory) throw new AppError('CONFLICT', 'No territory exists yet', { fields: { form: 'alerts:errors.noTerritory' } })
  return { territory, namedAreas: await listNamedAreas({ prisma, territoryId: territory.id }) }
}

/** The identity a composition is validated with before it is issued (issuing makes the real one). */
export function draftIdentity(territory: { slug: string }, now: Date): AlertIdentityFields {
  return { identifier: `draft:${territory.slug}`, sender: `sargs@${territory.slug}`, sent: formatCapTime(now) }
}
