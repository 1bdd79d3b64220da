// A delivery's state as a test sets it by hand: the status and the columns the database ties to
// it by CHECK constraints (decision 024) — nextAttemptAt only while PENDING (and then no lease
// token), failedAt only when DEAD or FAILED.
import type { DeliveryStatus } from '#generated/prisma/enums.ts'

export function deliveryState(status: DeliveryStatus, at: Date = new Date()): { status: DeliveryStatus; nextAttemptAt: Date | null; failedAt: Date | null; leaseToken?: null } {
  return {
    status,
    ...(status === 'PENDING' ? { leaseToken: null } : {}),
    nextAttemptAt: status === 'PENDING' ? at : null,
    failedAt: status === 'DEAD' || status === 'FAILED' ? at : null,
  }
}

/** The same as SQL assignments for an UPDATE of "Delivery" (status given as a literal). */
export function deliveryStateSql(status: DeliveryStatus): string {
  return `"status" = '${status}', "nextAttemptAt" = ${status === 'PENDING' ? 'now()' : 'NULL'}, "failedAt" = ${status === 'DEAD' || status === 'FAILED' ? 'now()' : 'NULL'}`
}
