// sargs vapid show | rotate
//
// show: the instance's VAPID public key (the applicationServerKey browsers subscribe with) and
// when it was made; made now if the app never started.
// rotate: a new key pair, audited (actor "cli"). Every browser subscription is bound to the key it
// was made with, so after a rotation residents' browsers must subscribe again (the resident app
// does so when the served key changes), and running app and worker processes must be restarted:
// they sign with the key they loaded at start.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { cliActor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { ensureVapidKeys, rotateVapidKeys, VAPID_SETTING_KEY } from '#notify/dispatch/vapid-keys.ts'
import { UsageError } from '../main.ts'
import { describeDatabase, withCliDatabase } from '../db.ts'

export const usage = 'vapid show | rotate                         print or replace the web push (VAPID) key pair'

export function parseVapidArgs(args: string[]): 'show' | 'rotate' {
  const [sub, ...rest] = args
  if (sub !== 'show' && sub !== 'rotate') {
    throw new UsageError(sub ? `unknown subcommand "${sub}" (usage: sargs vapid show | rotate)` : 'usage: sargs vapid show | rotate')
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" (usage: sargs vapid ${sub})`)
  return sub
}

export async function showVapidCommand(prisma: PrismaClient, print: (line: string) => void = console.log): Promise<number> {
  const keys = await ensureVapidKeys(prisma)
  print(`VAPID public key: ${keys.publicKey}`)
  print(`Created: ${keys.createdAt}`)
  return 0
}

export async function rotateVapidCommand(prisma: PrismaClient, print: (line: string) => void = console.log): Promise<number> {
  const { previous, fresh } = await prisma.$transaction(async (tx) => {
    // the old key, locked: two rotations at once end with one key each recorded in the audit log
    const rows = await tx.$queryRawUnsafe<{ value: { publicKey?: string } }[]>(
      `SELECT "value" FROM "Setting" WHERE "key" = $1 FOR UPDATE`,
      VAPID_SETTING_KEY,
    )
    const fresh = await rotateVapidKeys(tx)
    const previous = rows[0]?.value.publicKey ?? null
    await recordAudit(tx, {
      ...actorFields(cliActor),
      action: 'vapid.rotate',
      entityType: 'Setting',
      entityId: VAPID_SETTING_KEY,
      data: { publicKey: fresh.publicKey, previousPublicKey: previous },
    })
    return { previous, fresh }
  })
  print(`New VAPID public key: ${fresh.publicKey}`)
  if (previous) print(`Replaced: ${previous}`)
  print('')
  print('Browsers subscribed with the old key must subscribe again; the resident app does this when it')
  print('sees the new key. Restart the app and every `sargs worker`: they sign pushes with the key they')
  print('loaded at start.')
  return 0
}

export async function run(args: string[]): Promise<number> {
  const sub = parseVapidArgs(args)
  return withCliDatabase(async (db) => {
    const code = sub === 'show' ? await showVapidCommand(db.prisma) : await rotateVapidCommand(db.prisma)
    console.log(`(${describeDatabase(db)})`)
    return code
  })
}
