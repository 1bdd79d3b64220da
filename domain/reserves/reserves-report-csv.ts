// The reserves report as CSV (same format rules as the stock card: BOM, language header and
// delimiter, neutralised formula cells). Item names in the file's language.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { csvCell, csvDelimiter, type CsvLanguage } from '#domain/deliveries/delivery-report-csv.ts'
import { getReservesReport } from './get-reserves-report.ts'

const headers: Record<CsvLanguage, string[]> = {
  lv: ['Noliktava', 'Kods', 'Nosaukums', 'Kategorija', 'Mērvienība', 'Lietojams', 'Drīz beigsies derīgums', 'Derīgums beidzies', 'Minimums', 'Zem minimuma', 'Tuvākais derīguma termiņš', 'Partijas'],
  en: ['Warehouse', 'Code', 'Name', 'Category', 'Unit', 'Usable', 'Expiring soon', 'Expired', 'Minimum', 'Below minimum', 'Nearest expiry', 'Lots'],
  ru: ['Склад', 'Код', 'Наименование', 'Категория', 'Единица', 'Пригодно', 'Скоро истекает срок', 'Срок истёк', 'Минимум', 'Ниже минимума', 'Ближайший срок годности', 'Партии'],
}
const yes: Record<CsvLanguage, [string, string]> = { lv: ['jā', 'nē'], en: ['yes', 'no'], ru: ['да', 'нет'] }

export async function reservesReportCsv(options: { prisma: PrismaClient; actor: Actor; territoryId?: string; warehouseId?: string; language: CsvLanguage; now?: Date }): Promise<string> {
  const report = await getReservesReport(options)
  const { language } = options
  const delimiter = csvDelimiter[language]
  const line = (cells: (string | number | null)[]) => cells.map((c) => csvCell(c, delimiter)).join(delimiter) + '\r\n'
  let text = '\uFEFF' + line(headers[language])
  for (const r of report.rows) {
    text += line([
      r.warehouseName,
      r.item.code,
      r.item.names[language],
      r.item.category,
      r.item.unit,
      r.usable,
      r.expiringSoon,
      r.expired,
      r.minimum,
      yes[language][r.belowMinimum ? 0 : 1],
      r.nearestExpiry,
      r.lots,
    ])
  }
  return text
}
