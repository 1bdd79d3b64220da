import type { Prisma } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { incidentErrors } from './schemas.ts'

/** An assignee must be an active staff account. */
export async function assertAssignable(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { status: true } })
  if (!user || user.status !== 'ACTIVE') {
    throw new AppError('INVALID_INPUT', 'Assignee is not an active staff member', {
      fields: { assigneeId: incidentErrors.assigneeInvalid },
    })
  }
}
