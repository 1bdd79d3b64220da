// The delivery report as CSV, streamed: a ReadableStream that reads the next page of the ledger
// only when the consumer asks for more (pull), so a report of 100,000 recipients never sits in
// memory and a slow download slows the reading down instead of piling up rows.
//
// Format (docs/decisions/009-delivery-progress.md):
// - one line per attempt (recipient × channel × attempt); a delivery without attempts (still
//   pending, cancelled before its turn) is one line with the attempt columns empty;
// - UTF-8 with a byte order mark, so Excel reads ā, ē, š, я correctly;
// - the header row in the user's language; the values are the ledger's codes (SENT, retry, …),
//   the same in every language, so a script can read any language's file;
// - the delimiter Excel expects in that language: ";" for lv and ru (their decimal separator is
//   a comma), "," for en;
// - times ISO 8601 in UTC with milliseconds;
// - cells that a spreadsheet would take for a formula (starting with = + - @ tab or CR) are
//   neutralised with a leading apostrophe (OWASP "CSV injection"); cells are quoted when they hold
//   the delimiter, a quote or a line break.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { listDeliveryReport, type ReportRow } from './list-delivery-report.ts'

export type CsvLanguage = 'lv' | 'en' | 'ru'

const headers: Record<CsvLanguage, string[]> = {
  lv: ['Brīdinājums', 'Kanāls', 'Saņēmējs (pseidonīms)', 'Pakalpojums', 'Piegādes statuss', 'Mēģinājums', 'Laiks (UTC)', 'Rezultāts', 'HTTP statuss', 'Pakalpojuma atbilde'],
  en: ['Alert', 'Channel', 'Recipient (pseudonym)', 'Service', 'Delivery status', 'Attempt', 'Time (UTC)', 'Result', 'HTTP status', 'Provider answer'],
  ru: ['Оповещение', 'Канал', 'Получатель (псевдоним)', 'Сервис', 'Статус доставки', 'Попытка', 'Время (UTC)', 'Результат', 'HTTP-статус', 'Ответ сервиса'],
}

export const csvDelimiter: Record<CsvLanguage, string> = { lv: ';', en: ',', ru: ';' }

export function deliveryReportCsv(options: {
  prisma: PrismaClient
  alertId: string
  language: CsvLanguage
  /** deliveries read per pull (default 500) */
  pageSize?: number
}): ReadableStream<Uint8Array> {
  const { prisma, alertId, language } = options
  const delimiter = csvDelimiter[language]
  const encoder = new TextEncoder()
  let identifier: string | null = null
  let cursor: string | null = null
  let started = false
  let finished = false
  const line = (cells: (string | number | null)[]) => cells.map((c) => csvCell(c, delimiter)).join(delimiter) + '\r\n'

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!started) {
            started = true
            const alert = await prisma.alert.findUnique({ where: { id: alertId }, select: { identifier: true } })
            if (!alert) throw new AppError('NOT_FOUND', `no alert ${alertId}`)
            identifier = alert.identifier
            controller.enqueue(encoder.encode('\uFEFF' + line(headers[language])))
            return
          }
          if (finished) return
          const page = await listDeliveryReport({ prisma, alertId, after: cursor, limit: options.pageSize ?? 500 })
          cursor = page.next
          let text = ''
          for (const row of page.rows) text += rowLines(identifier!, row).map(line).join('')
          if (text) controller.enqueue(encoder.encode(text))
          if (page.next === null) {
            finished = true
            controller.close()
          }
        } catch (error) {
          controller.error(error)
        }
      },
    },
    // one pull at a time, one page ahead at most
    { highWaterMark: 1 },
  )
}

function rowLines(identifier: string, row: ReportRow): (string | number | null)[][] {
  const base = [identifier, row.channel, row.recipient, row.service, row.status]
  const lines: (string | number | null)[][] =
    row.attempts.length === 0 ? [[...base, null, null, null, null, row.lastError]] : row.attempts.map((a) => [...base, a.attempt, a.at, a.result, a.httpStatus, a.detail])
  // MQTT: one more line per device acknowledgement (result ack:<status>, the device named)
  for (const ack of row.deviceAcks ?? []) lines.push([...base, null, ack.at, `ack:${ack.status}`, null, `${ack.device} (${ack.username})${ack.detail ? `: ${ack.detail}` : ''}`])
  return lines
}

/**
 * One CSV cell: formula-looking text neutralised with a leading apostrophe, quoted when it holds
 * the delimiter, a quote or a line break (quotes doubled). Numbers are written as they are.
 */
export function csvCell(value: string | number | null | undefined, delimiter: string): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return String(value)
  let text = value
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  if (text.includes(delimiter) || /["\r\n]/.test(text)) text = `"${text.replace(/"/g, '""')}"`
  return text
}
