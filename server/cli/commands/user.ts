// sargs user create --email E --role R [--name N] [--password P]
//
// Creates a staff account (audited with actor "cli"). Without --password a one-time password is
// generated and printed once. The account gets a pending TOTP secret whose otpauth:// URI is
// printed: the user may add it to an authenticator app now, and confirms it with a code at first
// sign-in (the enrolment page shows the same key). Until confirmed, the account reaches nothing
// but the enrolment page — the CLI never marks a second factor as enrolled by itself.
// Note: a password given on the command line is visible to other local users (ps); prefer the
// generated one.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { cliActor } from '#domain/auth/actor.ts'
import { createUser } from '#domain/auth/create-user.ts'
import { emailSchema, parseRoleName, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, roleValues } from '#domain/auth/schemas.ts'
import { isAppError } from '#domain/errors.ts'
import { applyMigrations } from '../../db/migrations.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'user create --email E --role R [--name N] [--password P]'

const roleNames = roleValues.map((r) => r.toLowerCase()).join(', ')

export type UserCreateOptions = { email: string; role: (typeof roleValues)[number]; name: string; password: string | null }

/** Parse and validate the arguments after "user"; throws UsageError with a clear message. */
export function parseUserArgs(args: string[]): UserCreateOptions {
  const [sub, ...rest] = args
  if (sub !== 'create') {
    throw new UsageError(sub ? `unknown subcommand "${sub}" (usage: sargs ${usage})` : `usage: sargs ${usage}`)
  }
  const flags = new Map<string, string>()
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    const match = /^--(email|role|name|password)(?:=(.*))?$/s.exec(arg)
    if (!match) throw new UsageError(`unexpected argument "${arg}" (usage: sargs ${usage})`)
    const value = match[2] ?? rest[++i]
    if (value === undefined || (match[2] === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${match[1]} needs a value`)
    }
    if (flags.has(match[1])) throw new UsageError(`--${match[1]} given twice`)
    flags.set(match[1], value)
  }
  const rawEmail = flags.get('email')
  if (!rawEmail) throw new UsageError(`--email is required (usage: sargs ${usage})`)
  const email = emailSchema.safeParse(rawEmail)
  if (!email.success) throw new UsageError(`"${rawEmail}" is not a valid e-mail address`)
  const rawRole = flags.get('role')
  if (!rawRole) throw new UsageError(`--role is required; one of: ${roleNames}`)
  const role = parseRoleName(rawRole)
  if (!role) throw new UsageError(`unknown role "${rawRole}"; one of: ${roleNames}`)
  const password = flags.get('password') ?? null
  if (password !== null) {
    const length = [...password.normalize('NFC')].length
    if (length < PASSWORD_MIN_LENGTH) throw new UsageError(`the password is too short: at least ${PASSWORD_MIN_LENGTH} characters`)
    if (length > PASSWORD_MAX_LENGTH) throw new UsageError(`the password is too long: at most ${PASSWORD_MAX_LENGTH} characters`)
  }
  const name = (flags.get('name') ?? email.data.split('@')[0]).trim()
  if (!name) throw new UsageError('--name must not be empty')
  if (name.length > 120) throw new UsageError('--name is too long: at most 120 characters')
  return { email: email.data, role, name, password }
}

/** Create the account and print what the operator needs. Returns the exit code. */
export async function createUserCommand(
  prisma: PrismaClient,
  options: UserCreateOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  let created
  try {
    created = await createUser({ prisma, actor: cliActor, ...options })
  } catch (error) {
    if (isAppError(error) && error.code === 'INVALID_INPUT') {
      const taken = error.fields?.email === 'admin:errors.emailTaken'
      console.error(`sargs user: ${taken ? `an account with the e-mail address ${options.email} already exists` : error.message}`)
      return taken ? 1 : 2
    }
    throw error
  }
  print(`Created ${options.role.toLowerCase()} account ${created.email} (${options.name}), id ${created.userId}.`)
  if (created.generatedPassword) {
    print('')
    print(`One-time password (shown only now): ${created.generatedPassword}`)
  }
  print('')
  print('Second factor: the user confirms it with a code at the first sign-in, where the same key is')
  print('shown. To add it to an authenticator app now, use this enrolment URI (as a QR code or by hand):')
  print(created.totpUri)
  const administrators = await prisma.user.count({ where: { role: 'ADMINISTRATOR', status: 'ACTIVE' } })
  if (administrators === 0) {
    print('')
    print('Warning: there is no active administrator yet; create one with --role administrator.')
  }
  return 0
}

export async function run(args: string[]): Promise<number> {
  const options = parseUserArgs(args)
  return withCliDatabase(async (db) => {
    // a fresh data directory has no schema yet (a no-op on a running app's database)
    for (const name of await applyMigrations({ adapterFactory: db.adapterFactory })) console.log(`Applied ${name}`)
    const code = await createUserCommand(db.prisma, options)
    if (code === 0) console.log(`(${describeDatabase(db)})`)
    return code
  })
}
