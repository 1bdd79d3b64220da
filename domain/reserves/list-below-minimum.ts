import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { getReservesReport, type ReportRow } from './get-reserves-report.ts'

/**
 * Warehouse × item pairs whose usable stock is below the minimum level, largest shortage first
 * (the dashboard list). Expired stock does not count towards the minimum.
 */
export async function listBelowMinimum(options: { prisma: PrismaClient; actor: Actor; territoryId?: string; now?: Date }): Promise<(ReportRow & { missing: number })[]> {
  const report = await getReservesReport(options)
  return report.rows
    .filter((r) => r.belowMinimum)
    .map((r) => ({ ...r, missing: r.minimum - r.usable }))
    .sort((a, b) => b.missing / b.minimum - a.missing / a.minimum || a.warehouseName.localeCompare(b.warehouseName))
}
