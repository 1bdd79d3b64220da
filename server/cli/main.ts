// sargs CLI: one file per command in ./commands, each exporting `run(args): Promise<number>`
// and `usage` (one line). Bad arguments: a clear message on stderr and a non-zero exit.
export class UsageError extends Error {}

type Command = { usage: string; run: (args: string[]) => Promise<number> }

const commands: Record<string, () => Promise<Command>> = {
  migrate: () => import('./commands/migrate.ts'),
  seed: () => import('./commands/seed.ts'),
  user: () => import('./commands/user.ts'),
  audit: () => import('./commands/audit.ts'),
  backup: () => import('./commands/backup.ts'),
  restore: () => import('./commands/restore.ts'),
  token: () => import('./commands/token.ts'),
  worker: () => import('./commands/worker.ts'),
  vapid: () => import('./commands/vapid.ts'),
  social: () => import('./commands/social.ts'),
  phones: () => import('./commands/phones.ts'),
  devices: () => import('./commands/devices.ts'),
}

function help(): string {
  return [
    'Usage: sargs <command> [options]',
    '',
    '  migrate                                    apply pending database migrations',
    '  seed --demo                                seed the demo municipality (Jelgava)',
    '  user create --email E --role R [--name N] [--password P]',
    '                                             create a staff account; prints the TOTP enrolment URI',
    '  audit verify                               verify the hash chain of the audit log',
    '  backup FILE                                write a logical backup of the database to FILE',
    '  restore FILE                               restore a backup into an empty database',
    '  token create --name N --scope alerts:issue [--mode issue|draft]',
    '                                             create a machine API token (POST /api/cap); prints the secret once',
    '  token list                                 list API tokens (never their secrets)',
    '  token revoke --name N                      revoke an API token at once',
    '  worker [--drain]                           run the notification dispatcher (until SIGTERM, or until drained)',
    '  vapid show | rotate                        print or replace the web push (VAPID) key pair',
    '  social add --network N --name N [--language lv] [--config key=value …]',
    '                                             add a social account (credentials as JSON on stdin; sealed)',
    '  social list | enable --name N | disable --name N',
    '                                             list (never the credentials), switch an account on or off',
    '  phones group add --name N [--language lv] [--ack] [--audio-gateway] | group list | group enable|disable --name N',
    '                                             paging groups of desk IP phones',
    '  phones add --group G --name N --vendor cisco|yealink|poly --address URL',
    '                                             add a desk phone (credentials {"username","password"} as JSON on stdin; sealed)',
    '  phones list | remove --name N [--group G]  list (never the credentials), remove a phone',
    '  devices group add --slug S --name N [--kind siren|display|gateway|other] [--language lv] | group list',
    '                                             MQTT device groups (the slug is the topic segment)',
    '  devices add --group SLUG --username U --name N [--lng X --lat Y]',
    '                                             add a siren, display or gateway; prints its secret once',
    '  devices list | rotate --username U | remove --username U',
    '                                             list with health, new secret (printed once), remove',
    '',
    'Roles: administrator, commission_member, operator, trainer, volunteer_coordinator',
  ].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return name ? 0 : 2
  }
  const load = commands[name]
  if (!load) {
    console.error(`sargs: unknown command "${name}"\n\n${help()}`)
    return 2
  }
  try {
    const command = await load()
    return await command.run(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`sargs ${name}: ${error.message}`)
      return 2
    }
    console.error(`sargs ${name}: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}
