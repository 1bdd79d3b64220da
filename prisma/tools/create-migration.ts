// `npm run migration:create -- NAME [--draft]`: write prisma/migrations/<timestamp>_NAME from the
// difference between the migrations folder and prisma/schema.prisma (server/db/migrations.ts).
import { createMigration } from '../../server/db/migrations.ts'

const USAGE = 'usage: npm run migration:create -- NAME [--draft]'

async function main(args: string[]): Promise<number> {
  const draft = args.includes('--draft')
  const names = args.filter((a) => !a.startsWith('--'))
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--draft')
  if (names.length !== 1 || unknown.length > 0) {
    console.error(USAGE)
    return 2
  }
  await createMigration(names[0], { draft })
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  },
)
