// Date-time inputs without a zone (what <input type="datetime-local"> sends) are read in the
// municipality's time zone, so a form works without JavaScript and server and browser agree.
// Browser-safe: only Intl.
import { wallClock, zoneOffsetMs } from '#domain/time/wall-clock.ts'

export const municipalityTimeZone = 'Europe/Riga'

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/**
 * Parses an ISO 8601 date-time with a zone (Z or ±hh:mm), or a local "YYYY-MM-DDTHH:mm[:ss]"
 * read in `timeZone`. Returns null for anything else or an impossible date.
 */
export function parseDateTimeInput(value: string, timeZone: string = municipalityTimeZone): Date | null {
  const text = value.trim()
  if (ISO_WITH_ZONE.test(text)) {
    const date = new Date(text)
    return Number.isNaN(date.getTime()) ? null : date
  }
  const m = LOCAL.exec(text)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0))
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(wall)
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null
  // first guess with the offset at the wall time, then correct once across a DST change
  let instant = wall - zoneOffsetMs(new Date(wall), timeZone)
  instant = wall - zoneOffsetMs(new Date(instant), timeZone)
  return new Date(instant)
}

/** The value for <input type="datetime-local"> showing `date` in `timeZone`. */
export function toLocalInputValue(date: Date, timeZone: string = municipalityTimeZone): string {
  const w = wallClock(date, timeZone)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`
}
