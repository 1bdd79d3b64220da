// CAP date-times (years 1970–8999, so that any offset still writes four digits): `YYYY-MM-DDThh:mm:ss±hh:mm` — a zone is mandatory, "Z" and fractions of a
// second are not allowed in CAP 1.2. We read any ISO 8601 date-time that carries a zone (Z, ±hh:mm;
// fractions are dropped) and write the instant with the Europe/Riga offset.
import { wallClock, zoneOffsetMs } from '#domain/time/wall-clock.ts'
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

/** Writes an instant as a CAP date-time in `timeZone` (default Europe/Riga), e.g. 2026-11-22T11:36:17+02:00. */
export function formatCapTime(instant: number | Date, timeZone: string = capTimeZone): CapDateTime {
  const ms = typeof instant === 'number' ? instant : instant.getTime()
  const date = new Date(Math.floor(ms / 1000) * 1000)
  const w = wallClock(date, timeZone)
  const offsetMin = Math.round(zoneOffsetMs(date, timeZone) / 60_000)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const zone = `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${zone}`
}

/** The instant of a CAP date-time we wrote (or any zoned ISO date-time). */
export function capTimeToMs(value: CapDateTime): number {
  const r = parseCapTime(value)
  if (!r.ok) throw new Error(`Not a CAP date-time: ${value}`)
  return r.ms
}
