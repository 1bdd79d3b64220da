// sargs audit verify: check the audit log's hash chain; exit 0 when intact, 1 at the first broken
// or missing link (printed with its seq and what is wrong).
import type { PrismaClient } from '#generated/prisma/client.ts'
import { verifyAuditChain } from '#domain/audit/verify-audit.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'audit verify                               verify the hash chain of the audit log'

const reasons = {
  missing: 'the entry is missing (deleted rows, or the start of the log was cut off)',
  'prev-hash': 'its prevHash does not match the hash of the entry before it',
  hash: 'its hash does not match its content (the row was changed after it was written)',
} as const

export async function verifyCommand(prisma: PrismaClient, print: (line: string) => void = console.log): Promise<number> {
  const result = await verifyAuditChain(prisma)
  if (result.ok) {
    print(`Audit chain intact: ${result.count} ${result.count === 1 ? 'entry' : 'entries'} verified.`)
    return 0
  }
  print(`Audit chain BROKEN at seq ${result.brokenAtSeq}: ${reasons[result.reason]}.`)
  print(`${result.count} ${result.count === 1 ? 'entry' : 'entries'} before it verified.`)
  return 1
}

export async function run(args: string[]): Promise<number> {
  if (args[0] !== 'verify' || args.length > 1) {
    throw new UsageError(args.length ? `unexpected argument "${args.find((a) => a !== 'verify') ?? args[0]}" (usage: sargs audit verify)` : 'usage: sargs audit verify')
  }
  return withCliDatabase(async (db) => {
    const code = await verifyCommand(db.prisma)
    console.log(`(${describeDatabase(db)})`)
    return code
  })
}
