// The registry as CSV in the file's language: BOM, the language's headers and delimiter (";" for
// lv and ru, "," for en), booleans as yes/no words, cells that a spreadsheet would run as a
// formula neutralised (csvCell, shared with the delivery report). Imports back (any language).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { csvCell, csvDelimiter, type CsvLanguage } from '#domain/deliveries/delivery-report-csv.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { csvColumns, readOnlyColumns } from './csv-columns.ts'

const words: Record<CsvLanguage, [string, string]> = { lv: ['jā', 'nē'], en: ['yes', 'no'], ru: ['да', 'нет'] }

export async function exportSheltersCsv(options: { prisma: PrismaClient; actor: Actor; territoryId: string; language: CsvLanguage }): Promise<string> {
  authorize(options.actor, 'read:shelter:any')
  const { language } = options
  const delimiter = csvDelimiter[language]
  const line = (cells: (string | number | null)[]) => cells.map((c) => csvCell(c, delimiter)).join(delimiter) + '\r\n'
  const rows = await options.prisma.shelter.findMany({ where: { territoryId: options.territoryId }, orderBy: { code: 'asc' } })
  let text = '\uFEFF' + line([...csvColumns.map((c) => c[language]), ...readOnlyColumns.map((c) => c[language])])
  for (const row of rows) {
    text += line([
      ...csvColumns.map((c) => {
        const value = row[c.field]
        return typeof value === 'boolean' ? words[language][value ? 0 : 1] : value
      }),
      row.status,
      row.occupancy,
    ])
  }
  return text
}
