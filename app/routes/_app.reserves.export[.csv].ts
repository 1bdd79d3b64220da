// /reserves/export.csv: the reserves report as CSV, or with ?item=<id> (and ?warehouse=<id>) the
// stock card of an item (domain/reserves/*-csv.ts: BOM, header in the reader's language, ";" for
// lv/ru and "," for en, formula cells neutralised).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { userActor } from '#domain/auth/actor.ts'
import { reservesReportCsv } from '#domain/reserves/reserves-report-csv.ts'
import { stockCardCsv } from '#domain/reserves/stock-card-csv.ts'
import { prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { requireUserWithPermission } from '~/utils/auth.server'
import { getLanguage } from '~/utils/i18n.server'

const uuid = /^[0-9a-f-]{36}$/i

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:reserves:any')
  const db = prisma()
  const actor = userActor(user)
  const language = await getLanguage(request)
  const url = new URL(request.url)
  const item = url.searchParams.get('item') ?? ''
  const warehouse = url.searchParams.get('warehouse') ?? ''
  const day = new Date().toISOString().slice(0, 10)
  let text: string
  let name: string
  if (uuid.test(item)) {
    const found = await db.reserveItem.findUnique({ where: { id: item }, select: { code: true } })
    if (!found) throw new Response('Not Found', { status: 404 })
    text = await stockCardCsv({ prisma: db, actor, itemId: item, warehouseId: uuid.test(warehouse) ? warehouse : undefined, language })
    name = `sargs-stock-card-${found.code.replace(/[^A-Za-z0-9-]+/g, '_')}-${day}.csv`
  } else {
    const territory = await getDefaultTerritory({ prisma: db })
    text = await reservesReportCsv({ prisma: db, actor, territoryId: territory?.id, language })
    name = `sargs-reserves-report-${day}.csv`
  }
  return new Response(text, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
