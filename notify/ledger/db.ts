import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'

/** The client or a transaction: ledger functions work inside the caller's transaction too. */
export type Db = PrismaClient | Prisma.TransactionClient
