// What a PENDING delivery is, in SQL, for every statement that looks for one or cancels one
// (decision 024): a row the partial index Delivery_pending_due_idx holds. The CHECK constraints
// make the status and the two other conditions the same thing; all three are written so that the
// planner can use that index.

/** SQL condition (no alias): a PENDING delivery. */
export const PENDING_SQL = `"status" = 'PENDING' AND "nextAttemptAt" IS NOT NULL AND "leaseToken" IS NULL`

/** SQL assignments that cancel a PENDING delivery (out of the pending index, as the CHECK constraints require). */
export const CANCEL_PENDING_SQL = `"status" = 'CANCELLED', "nextAttemptAt" = NULL`
