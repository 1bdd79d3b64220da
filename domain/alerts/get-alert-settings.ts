// The alert settings an administrator can change (Setting rows): whether an Actual public alert
// needs a second staff member's approval.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { approvalRequired } from './issue-cap-alert.ts'

export type AlertSettings = { requireApproval: boolean }

export async function getAlertSettings(options: { prisma: Pick<PrismaClient, 'setting'> }): Promise<AlertSettings> {
  return { requireApproval: await approvalRequired(options.prisma) }
}
