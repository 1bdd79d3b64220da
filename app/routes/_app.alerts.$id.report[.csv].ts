// /alerts/<id>/report.csv: the delivery report of one alert as CSV, streamed from the ledger
// (domain/deliveries/delivery-report-csv.ts: BOM, header in the reader's language, ";" for lv/ru
// and "," for en, formula cells neutralised).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { deliveryReportCsv } from '#domain/deliveries/delivery-report-csv.ts'
import { getIssuedAlert } from '#domain/deliveries/get-issued-alert.ts'
import { prisma } from '#domain/runtime.ts'
import { requireUserWithPermission } from '~/utils/auth.server'
import { asHttpError } from '~/utils/http.server'
import { getLanguage } from '~/utils/i18n.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'read:alert:any')
  const db = prisma()
  const alert = await getIssuedAlert({ prisma: db, id: params.id ?? '' }).catch(asHttpError)
  const language = await getLanguage(request)
  const name = `sargs-delivery-report-${alert.identifier.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}.csv`
  return new Response(deliveryReportCsv({ prisma: db, alertId: alert.id, language }), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
