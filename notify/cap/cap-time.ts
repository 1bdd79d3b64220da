// CAP date-times (years 1970–8999, so that any offset still writes four digits): `YYYY-MM-DDThh:mm:ss±hh:mm` — a zone is mandatory, "Z" and fractions of a
// second are not allowed in CAP 1.2. We read any ISO 8601 date-time that carries a zone (Z, ±hh:mm;
// fractions are dropped) and write the instant with the Europe/Riga offset.
import { capErrors, capTimeZone, type CapDateTime, type CapErrorKey } from './types.ts'

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+-]\d{2}:\d{2})?$/

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

export type CapTimeResult = { ok: true; ms: number } | { ok: false; key: CapErrorKey }

/** Reads a date-time that must carry a zone; whole seconds (fractions dropped). */
export function parseCapTime(input: unknown): CapTimeResult {
  if (input instanceof Date) {
    const ms = input.getTime()
    return Number.isFinite(ms) ? { ok: true, ms: Math.floor(ms / 1000) * 1000 } : { ok: false, key: capErrors.timeInvalid }
  }
  if (typeof input !== 'string') return { ok: false, key: capErrors.timeInvalid }
  const m = ISO.exec(input.trim())
  if (!m) return { ok: false, key: capErrors.timeInvalid }
  if (!m[8]) return { ok: false, key: capErrors.timeZoneMissing }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number)
  const second = m[6] ? Number(m[6]) : 0
  if (year < 1970 || year > 8999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, key: capErrors.timeInvalid }
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, key: capErrors.timeInvalid }
  let offsetMin = 0
  if (m[8] !== 'Z' && m[8] !== 'z') {
    const sign = m[8][0] === '-' ? -1 : 1
    const oh = Number(m[8].slice(1, 3))
    const om = Number(m[8].slice(4, 6))
    if (oh > 14 || om > 59) return { ok: false, key: capErrors.timeInvalid }
    offsetMin = sign * (oh * 60 + om)
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000
  return { ok: true, ms }
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Writes an instant as a CAP date-time in `timeZone` (default Europe/Riga), e.g. 2026-11-22T11:36:17+02:00. */
export function formatCapTime(instant: number | Date, timeZone: string = capTimeZone): CapDateTime {
  const ms = typeof instant === 'number' ? instant : instant.getTime()
  const parts: Record<string, string> = {}
  for (const p of formatterFor(timeZone).formatToParts(new Date(Math.floor(ms / 1000) * 1000))) parts[p.type] = p.value
  // "GMT+02:00", or plain "GMT" at offset zero
  const zone = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '')
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${zone}`
}

/** The instant of a CAP date-time we wrote (or any zoned ISO date-time). */
export function capTimeToMs(value: CapDateTime): number {
  const r = parseCapTime(value)
  if (!r.ok) throw new Error(`Not a CAP date-time: ${value}`)
  return r.ms
}
