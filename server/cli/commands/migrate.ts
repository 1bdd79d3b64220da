// sargs migrate: apply the pending migrations of prisma/migrations.
import { applyMigrations } from '../../db/migrations.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'migrate                                    apply pending database migrations'

export async function run(args: string[]): Promise<number> {
  if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}" (usage: sargs migrate)`)
  return withCliDatabase(async (db) => {
    const applied = await applyMigrations({ adapterFactory: db.adapterFactory })
    if (applied.length === 0) console.log(`No pending migrations (${describeDatabase(db)}).`)
    for (const name of applied) console.log(`Applied ${name}`)
    return 0
  })
}
