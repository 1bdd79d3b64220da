// The latest audit rows for the audit screen, newest first, paged by seq (stable while rows are
// appended), with the display name of each actor that is a user.
import type { PrismaClient } from '#generated/prisma/client.ts'

export type AuditEntry = {
  seq: bigint
  at: Date
  actorId: string | null
  actorLabel: string
  actorName: string | null
  action: string
  entityType: string | null
  entityId: string | null
  ip: string | null
  data: unknown
}

export async function listAudit(options: {
  prisma: PrismaClient
  /** rows with seq below this (the previous page's last seq); omitted: the newest */
  beforeSeq?: bigint | null
  pageSize?: number
}): Promise<{ entries: AuditEntry[]; nextBeforeSeq: bigint | null; total: number }> {
  const { prisma } = options
  const pageSize = Math.min(Math.max(options.pageSize ?? 50, 1), 200)
  const rows = await prisma.auditLog.findMany({
    where: options.beforeSeq ? { seq: { lt: options.beforeSeq } } : {},
    orderBy: { seq: 'desc' },
    take: pageSize + 1,
    select: {
      seq: true, at: true, actorId: true, actorLabel: true, action: true,
      entityType: true, entityId: true, ip: true, data: true,
    },
  })
  const page = rows.slice(0, pageSize)
  const ids = [...new Set(page.map((r) => r.actorId).filter((id): id is string => id !== null))]
  const users = ids.length ? await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : []
  const names = new Map(users.map((u) => [u.id, u.name]))
  const total = await prisma.auditLog.count()
  return {
    entries: page.map((r) => ({ ...r, actorName: r.actorId ? (names.get(r.actorId) ?? null) : null })),
    nextBeforeSeq: rows.length > pageSize ? page[page.length - 1].seq : null,
    total,
  }
}
