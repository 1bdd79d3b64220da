// sargs backup FILE [--force]: a logical, backend-independent backup (server/db/backup.ts).
import fs from 'node:fs'
import { backupDatabase } from '../../db/backup.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'backup FILE [--force]                      write a logical backup of the database to FILE'

export function parseArgs(args: string[]): { file: string; force: boolean } {
  const force = args.includes('--force')
  const unknown = args.find((a) => a.startsWith('-') && a !== '--force')
  if (unknown) throw new UsageError(`unknown option "${unknown}" (usage: sargs backup FILE [--force])`)
  const files = args.filter((a) => !a.startsWith('-'))
  if (files.length !== 1) throw new UsageError('expected one FILE (usage: sargs backup FILE [--force])')
  return { file: files[0], force }
}

export async function run(args: string[]): Promise<number> {
  const { file, force } = parseArgs(args)
  if (!force && fs.existsSync(file)) {
    console.error(`sargs backup: ${file} exists; use --force to overwrite it`)
    return 1
  }
  return withCliDatabase(async (db) => {
    const summary = await backupDatabase(db.prisma, file, { kind: db.kind, force })
    console.log(
      `Backup written to ${summary.file}: ${summary.tables} tables, ${summary.rows} rows, ` +
        `${summary.bytes} bytes, at migration ${summary.migrations.at(-1) ?? '(none)'} (${describeDatabase(db)}).`,
    )
    return 0
  })
}
