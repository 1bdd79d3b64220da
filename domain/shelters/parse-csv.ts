// A small RFC 4180 reader for spreadsheet exports: the delimiter (";", "," or tab) is guessed from
// the header line, quoted cells may hold delimiters, doubled quotes and line breaks, a BOM is
// dropped, CRLF and LF both end a line. Each record keeps the physical line it starts on, so an
// import can name the line a spreadsheet user sees. An unterminated quote is an error (line).
export type CsvRecord = { line: number; cells: string[] }
export type CsvParse = { ok: true; delimiter: string; records: CsvRecord[] } | { ok: false; line: number }

export function guessDelimiter(headerLine: string): string {
  let best = ','
  let bestCount = -1
  for (const candidate of [';', ',', '\t']) {
    let count = 0
    let quoted = false
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted
      else if (!quoted && ch === candidate) count += 1
    }
    if (count > bestCount) {
      best = candidate
      bestCount = count
    }
  }
  return best
}

export function parseCsv(input: string): CsvParse {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const firstBreak = text.search(/\r?\n/)
  const delimiter = guessDelimiter(firstBreak === -1 ? text : text.slice(0, firstBreak))
  const records: CsvRecord[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  let cellWasQuoted = false
  let quoteLine = 1
  const endCell = () => {
    cells.push(cellWasQuoted ? cell : cell.trim())
    cell = ''
    cellWasQuoted = false
  }
  const endRecord = () => {
    endCell()
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells })
    cells = []
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i += 1
        } else quoted = false
      } else {
        if (ch === '\n') line += 1
        cell += ch
      }
      continue
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true
      cellWasQuoted = true
      quoteLine = line
      cell = ''
    } else if (ch === delimiter) endCell()
    else if (ch === '\r' && text[i + 1] === '\n') continue
    else if (ch === '\n' || ch === '\r') {
      endRecord()
      line += 1
      recordLine = line
    } else cell += ch
  }
  if (quoted) return { ok: false, line: quoteLine }
  if (cell !== '' || cells.length > 0) endRecord()
  return { ok: true, delimiter, records }
}
