import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'

export type AssignableUser = { id: string; name: string; role: Role }

/** Active staff accounts a task may be assigned to, by name. */
export async function listAssignableUsers(options: {
  prisma: Pick<PrismaClient, 'user'>
}): Promise<AssignableUser[]> {
  return options.prisma.user.findMany({
    where: { status: 'ACTIVE' },
    select: { id: true, name: true, role: true },
    orderBy: { name: 'asc' },
  })
}
