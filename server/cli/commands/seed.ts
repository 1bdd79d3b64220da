// sargs seed --demo: seed the demo municipality (Jelgava). Safe to repeat: on a database that
// already has it, it says so and changes nothing.
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { applyMigrations } from '../../db/migrations.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'seed --demo                                seed the demo municipality (Jelgava)'

export async function run(args: string[]): Promise<number> {
  if (args.length === 0) throw new UsageError('say what to seed: sargs seed --demo')
  const unknown = args.find((a) => a !== '--demo')
  if (unknown !== undefined) throw new UsageError(`unexpected argument "${unknown}" (usage: sargs seed --demo)`)
  return withCliDatabase(async (db) => {
    // the demo needs the schema: apply what is pending (a no-op on a running app's database)
    for (const name of await applyMigrations({ adapterFactory: db.adapterFactory })) console.log(`Applied ${name}`)
    const seeded = await seedDemo({ prisma: db.prisma, onlyIfEmpty: false, actorLabel: 'cli' })
    console.log(
      seeded
        ? `Seeded the demo municipality Jelgava (${describeDatabase(db)}).`
        : `The demo municipality Jelgava is already there; nothing changed (${describeDatabase(db)}).`,
    )
    return 0
  })
}
