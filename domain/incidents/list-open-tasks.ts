import type { PrismaClient } from '#generated/prisma/client.ts'
import { serializeTask, type TaskRecord } from './serialize.ts'

/** Tasks of a territory's open incidents that are not finished (for the main map). */
export async function listOpenTasks(options: {
  prisma: Pick<PrismaClient, 'task'>
  territoryId: string
}): Promise<TaskRecord[]> {
  const rows = await options.prisma.task.findMany({
    where: {
      status: { in: ['OPEN', 'IN_PROGRESS'] },
      incident: { territoryId: options.territoryId, status: { in: ['ACTIVE', 'MONITORING'] } },
    },
    include: { assignee: { select: { name: true } } },
    orderBy: { createdAt: 'asc' },
    take: 1000,
  })
  return rows.map(serializeTask)
}
