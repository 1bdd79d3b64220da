// sargs restore FILE: restore a backup into an empty, migrated database, in one transaction.
import { readBackupHeader, restoreDatabase } from '../../db/backup.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'restore FILE                               restore a backup into an empty database'

export async function run(args: string[]): Promise<number> {
  const unknown = args.find((a) => a.startsWith('-'))
  if (unknown) throw new UsageError(`unknown option "${unknown}" (usage: sargs restore FILE)`)
  if (args.length !== 1) throw new UsageError('expected one FILE (usage: sargs restore FILE)')
  const file = args[0]
  // validate the file before touching the database
  const header = await readBackupHeader(file)
  return withCliDatabase(async (db) => {
    const summary = await restoreDatabase(db.prisma, file)
    console.log(
      `Restored ${summary.rows} rows into ${summary.tables} tables from ${file} ` +
        `(made ${header.createdAt} on ${header.source.kind}) into the ${describeDatabase(db)}.`,
    )
    return 0
  })
}
