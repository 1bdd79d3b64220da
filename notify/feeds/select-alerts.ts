// Which alerts the public feeds show. Pure: the caller loads candidate alerts (e.g. those sent in
// the last days) and passes the clock.
import { capTimeToMs } from '#notify/cap/cap-time.ts'
import type { CapAlert, CapStatus } from '#notify/cap/types.ts'

export type SelectAlertsOptions = {
  alerts: CapAlert[]
  now: Date
  /** statuses shown publicly; exercises and tests stay out of public feeds by default */
  statuses?: CapStatus[]
}

const key = (sender: string, identifier: string) => `${sender}\u0000${identifier}`

/** Alerts that a later message in the list updates or cancels. */
function supersededKeys(alerts: CapAlert[]): Set<string> {
  const out = new Set<string>()
  for (const a of alerts) for (const r of a.references) out.add(key(r.sender, r.identifier))
  return out
}

/** The latest expiry over the info blocks; undefined when one of them never expires. */
export function alertExpiresMs(alert: CapAlert): number | undefined {
  if (alert.info.length === 0 || alert.info.some((i) => !i.expires)) return undefined
  return Math.max(...alert.info.map((i) => capTimeToMs(i.expires!)))
}

function listed(alerts: CapAlert[], statuses: CapStatus[]): CapAlert[] {
  const superseded = supersededKeys(alerts)
  return alerts.filter(
    (a) => a.scope === 'Public' && statuses.includes(a.status) && !superseded.has(key(a.sender, a.identifier)),
  )
}

const newestFirst = (a: CapAlert, b: CapAlert) => capTimeToMs(b.sent) - capTimeToMs(a.sent) || a.identifier.localeCompare(b.identifier)

/**
 * Alerts in force: public, of a shown status, Alert or Update, not updated or cancelled by a later
 * message in the list, not expired at `now`. Newest first.
 */
export function selectActiveAlerts(options: SelectAlertsOptions): CapAlert[] {
  const now = options.now.getTime()
  return listed(options.alerts, options.statuses ?? ['Actual'])
    .filter((a) => a.msgType === 'Alert' || a.msgType === 'Update')
    .filter((a) => {
      const expires = alertExpiresMs(a)
      return expires === undefined || expires > now
    })
    .sort(newestFirst)
}

/**
 * The CAP index: the latest message of each alert (Cancels included, so that aggregators learn of
 * them), without expired ones. Newest first.
 */
export function selectCapIndexAlerts(options: SelectAlertsOptions): CapAlert[] {
  const now = options.now.getTime()
  return listed(options.alerts, options.statuses ?? ['Actual'])
    .filter((a) => a.msgType === 'Alert' || a.msgType === 'Update' || a.msgType === 'Cancel')
    .filter((a) => {
      if (a.msgType === 'Cancel') return true
      const expires = alertExpiresMs(a)
      return expires === undefined || expires > now
    })
    .sort(newestFirst)
}
