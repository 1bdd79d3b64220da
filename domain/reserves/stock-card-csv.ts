// The stock card as CSV, in the delivery report's format (domain/deliveries/delivery-report-csv.ts):
// UTF-8 with BOM, header in the user's language, ";" for lv/ru and "," for en, ISO times in UTC,
// ledger codes as values, formula-looking cells neutralised (csvCell).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { csvCell, csvDelimiter, type CsvLanguage } from '#domain/deliveries/delivery-report-csv.ts'
import { getStockCard } from './get-stock-card.ts'

const headers: Record<CsvLanguage, string[]> = {
  lv: ['Nr.', 'Laiks (UTC)', 'Ierakstīts (UTC)', 'Kustība', 'Noliktava', 'Otra noliktava', 'Partija', 'Derīga līdz', 'Daudzums', 'Atlikums', 'Saņēmēja veids', 'Saņēmējs', 'Iemesls', 'Piezīme', 'Veica'],
  en: ['No.', 'Time (UTC)', 'Recorded (UTC)', 'Movement', 'Warehouse', 'Other warehouse', 'Lot', 'Expires', 'Quantity', 'Balance', 'Target kind', 'Target', 'Reason', 'Note', 'By'],
  ru: ['№', 'Время (UTC)', 'Записано (UTC)', 'Движение', 'Склад', 'Другой склад', 'Партия', 'Годен до', 'Количество', 'Остаток', 'Тип получателя', 'Получатель', 'Причина', 'Примечание', 'Кто'],
}

export async function stockCardCsv(options: { prisma: PrismaClient; actor: Actor; itemId: string; warehouseId?: string; language: CsvLanguage }): Promise<string> {
  const card = await getStockCard(options)
  const delimiter = csvDelimiter[options.language]
  const line = (cells: (string | number | null)[]) => cells.map((c) => csvCell(c, delimiter)).join(delimiter) + '\r\n'
  let text = '\uFEFF' + line(headers[options.language])
  for (const r of card.rows) {
    text += line([
      r.id,
      r.occurredAt,
      r.recordedAt,
      r.kind,
      r.warehouseName,
      r.counterpartWarehouseName,
      r.lotId,
      r.expiresOn,
      r.quantity,
      r.balance,
      r.targetKind,
      r.targetLabel,
      r.reason,
      r.note,
      r.actorLabel,
    ])
  }
  return text
}
