// GET /shelters/export.csv: the registry as CSV in the user's language (read:shelter:any).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { userActor } from '#domain/auth/actor.ts'
import { prisma } from '#domain/runtime.ts'
import { exportSheltersCsv } from '#domain/shelters/export-shelters-csv.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { requireUserWithPermission } from '~/utils/auth.server'
import { getLanguage } from '~/utils/i18n.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:shelter:any')
  const territory = await getDefaultTerritory({ prisma: prisma() })
  if (!territory) throw new Response('Not Found', { status: 404 })
  const language = await getLanguage(request)
  const text = await exportSheltersCsv({ prisma: prisma(), actor: userActor(user), territoryId: territory.id, language })
  const date = new Date().toISOString().slice(0, 10)
  return new Response(text, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="shelters-${territory.slug}-${date}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}
