// Staff accounts for the administration screens (no secrets leave this file).
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role, UserStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'

export type StaffUser = {
  id: string
  name: string
  email: string
  role: Role
  status: UserStatus
  totpEnrolled: boolean
  totpEnrolledAt: Date | null
  createdAt: Date
  activeSessions: number
  /** mobile number for staff notices (E.164), null: none */
  phone: string | null
}

const select = {
  id: true,
  name: true,
  email: true,
  role: true,
  status: true,
  totpSecret: true,
  totpEnrolledAt: true,
  createdAt: true,
  phone: true,
} as const

function toStaff(
  u: { id: string; name: string; email: string; role: Role; status: UserStatus; totpSecret: string | null; totpEnrolledAt: Date | null; createdAt: Date; phone: string | null },
  activeSessions: number,
): StaffUser {
  const { totpSecret, ...rest } = u
  return { ...rest, totpEnrolled: totpSecret !== null, activeSessions }
}

async function sessionCounts(prisma: PrismaClient, now: Date, userIds?: string[]) {
  const groups = await prisma.session.groupBy({
    by: ['userId'],
    where: {
      revokedAt: null,
      idleExpiresAt: { gt: now },
      expiresAt: { gt: now },
      ...(userIds ? { userId: { in: userIds } } : {}),
    },
    _count: { _all: true },
  })
  return new Map(groups.map((g) => [g.userId, g._count._all]))
}

export async function listUsers(options: { prisma: PrismaClient; now?: Date }): Promise<StaffUser[]> {
  const { prisma } = options
  const users = await prisma.user.findMany({ select, orderBy: [{ status: 'asc' }, { name: 'asc' }] })
  const counts = await sessionCounts(prisma, options.now ?? new Date())
  return users.map((u) => toStaff(u, counts.get(u.id) ?? 0))
}

export async function getUser(options: { prisma: PrismaClient; userId: string; now?: Date }): Promise<StaffUser> {
  const { prisma, userId } = options
  const user = await prisma.user.findUnique({ where: { id: userId }, select })
  if (!user) throw new AppError('NOT_FOUND', 'No such user')
  const counts = await sessionCounts(prisma, options.now ?? new Date(), [userId])
  return toStaff(user, counts.get(userId) ?? 0)
}
