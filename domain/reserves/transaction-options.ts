// Ledger transactions wait for row locks on busy lots (fifty people issuing the last units): allow
// a queue longer than Prisma's defaults (2 s to get a connection, 5 s to finish).
export const ledgerTransactionOptions = { maxWait: 30_000, timeout: 30_000 } as const
