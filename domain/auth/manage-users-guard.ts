// Shared checks of the staff-administration functions (create, role, status, second factor,
// password): the actor may manage users, does not act on itself where that would lock it out,
// and the last active administrator is never demoted or disabled.
import type { Prisma } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import type { Actor } from './actor.ts'
import { can } from './policy.ts'

const ADMIN_LOCK_KEY = 727_003 // pg_advisory_xact_lock key: changes that could remove the last administrator

/** Processes (CLI, system) have no role and are trusted; people need manage:user:any. */
export function assertCanManageUsers(actor: Actor): void {
  if (actor.role !== null && !can(actor.role, 'manage:user:any')) {
    throw new AppError('FORBIDDEN', 'Not allowed to manage users')
  }
}

export function assertNotSelf(actor: Actor, userId: string): void {
  if (actor.id === userId) {
    throw new AppError('CONFLICT', 'Not on your own account', { fields: { form: 'admin:errors.notSelf' } })
  }
}

/** Call inside the transaction, before demoting or disabling `userId`. */
export async function assertNotLastAdministrator(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_LOCK_KEY})`
  const others = await tx.user.count({
    where: { role: 'ADMINISTRATOR', status: 'ACTIVE', id: { not: userId } },
  })
  if (others === 0) {
    throw new AppError('CONFLICT', 'The last active administrator must stay', {
      fields: { form: 'admin:errors.lastAdministrator' },
    })
  }
}

export async function findUserOrThrow(tx: Prisma.TransactionClient, userId: string) {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, role: true, status: true, totpSecret: true },
  })
  if (!user) throw new AppError('NOT_FOUND', 'No such user')
  return user
}
