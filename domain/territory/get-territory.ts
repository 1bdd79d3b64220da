// Reading territories and their named areas (the map's reference layers).
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'

export type TerritorySummary = {
  id: string
  slug: string
  name: string
  demo: boolean
  boundary: PolygonalGeometry
}

type Db = Pick<PrismaClient, 'territory'>

/** The territory this instance serves: the first one created (one municipality per instance). */
export async function getDefaultTerritory(options: { prisma: Db }): Promise<TerritorySummary | null> {
  const territory = await options.prisma.territory.findFirst({ orderBy: { createdAt: 'asc' } })
  if (!territory) return null
  return { ...pick(territory), boundary: asPolygonal(territory.boundary) }
}

/** One territory by id; NOT_FOUND when there is none. */
export async function getTerritory(options: { prisma: Db; id: string }): Promise<TerritorySummary> {
  const territory = await options.prisma.territory.findUnique({ where: { id: options.id } })
  if (!territory) throw new AppError('NOT_FOUND', 'Territory not found')
  return { ...pick(territory), boundary: asPolygonal(territory.boundary) }
}

function pick(t: { id: string; slug: string; name: string; demo: boolean }) {
  return { id: t.id, slug: t.slug, name: t.name, demo: t.demo }
}
