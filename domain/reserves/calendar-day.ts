// Expiry dates are calendar days (StockLot.expiresOn, a DATE column read back as UTC midnight).
// "Today" is the municipality's day (Europe/Riga), so a lot expiring today is still usable today.
import { municipalityTimeZone } from '#domain/incidents/datetime.ts'
import { wallClock } from '#domain/time/wall-clock.ts'

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** The calendar day of `date` in the municipality as UTC midnight; or parses "YYYY-MM-DD" (null if invalid). */
export function calendarDay(value: Date | string, timeZone: string = municipalityTimeZone): Date | null {
  if (value instanceof Date) {
    const w = wallClock(value, timeZone)
    return new Date(Date.UTC(w.year, w.month - 1, w.day))
  }
  const m = DAY.exec(value.trim())
  if (!m) return null
  const [y, mo, d] = m.slice(1).map(Number)
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null
}
