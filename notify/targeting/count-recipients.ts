// How many recipients an alert for `area` at `severity` would have, per channel — what the compose
// screen shows before sending. The same rule as the fan-out (fan-out.ts): a subscriber counts when
// they want the severity and ANY of their places lies inside the area, and counts once however many
// of their places match (one message per address). Web push and SMS are targeted by area (each
// with its own place index); a channel without area subscribers reaches nobody here.
import type { AlertSeverity } from '#generated/prisma/enums.ts'
import type { AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import type { Db } from '#notify/ledger/db.ts'
import { countInsideSingles, isAreaIndex, selectAreaRecipients } from './select-area-recipients.ts'

export async function countRecipients(options: {
  prisma: Db
  area: AlertAreaGeometry
  severity: AlertSeverity
  channels: string[]
}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const channel of new Set(options.channels)) {
    if (isAreaIndex(channel)) {
      // single-place subscribers in cells wholly inside: counted by the database; the others
      // (boundary cells, several places) through the same selection as the fan-out
      const index = channel
      let n = await countInsideSingles(options.prisma, { index, area: options.area, severity: options.severity })
      const rest = { index, area: options.area, severity: options.severity, batchSize: 10_000, skipInsideSingles: true }
      for await (const batch of selectAreaRecipients(options.prisma, rest)) n += batch.length
      counts[channel] = n
    } else {
      counts[channel] = 0
    }
  }
  return counts
}
