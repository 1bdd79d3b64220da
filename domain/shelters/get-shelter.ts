// One shelter for the staff detail screen: the record, its inspections with defects (and the
// tasks made of them), the latest occupancy entries, the households inside (only when household
// records are switched on) and the incidents it can be opened for.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { can } from '#domain/auth/policy.ts'
import { toShelterRecord } from './serialize.ts'
import { getShelterSettings } from './shelter-settings.ts'

export async function getShelter(options: { prisma: PrismaClient; actor: Actor; shelterId: string; now?: Date }) {
  const { prisma, actor } = options
  authorize(actor, 'read:shelter:any')
  const now = options.now ?? new Date()
  if (!/^[0-9a-f-]{36}$/i.test(options.shelterId)) throw new AppError('NOT_FOUND', 'Shelter not found')
  const shelter = await prisma.shelter.findUnique({ where: { id: options.shelterId }, include: { incident: { select: { id: true, reference: true, title: true, status: true } } } })
  if (!shelter) throw new AppError('NOT_FOUND', 'Shelter not found')
  const settings = await getShelterSettings({ prisma })
  const mayOperate = actor.role === null || can(actor.role, 'operate:shelter:any')
  const mayManage = actor.role === null || can(actor.role, 'manage:shelter:any')
  const [inspections, entries, households, incidents] = await Promise.all([
    prisma.shelterInspection.findMany({ where: { shelterId: shelter.id }, orderBy: { inspectedAt: 'desc' }, take: 20, include: { defects: { orderBy: { createdAt: 'asc' } } } }),
    prisma.shelterOccupancyEntry.findMany({ where: { shelterId: shelter.id }, orderBy: { id: 'desc' }, take: 20 }),
    settings.households && mayOperate
      ? prisma.shelterHousehold.findMany({ where: { shelterId: shelter.id, checkedOutAt: null, erasedAt: null }, orderBy: { checkedInAt: 'asc' } })
      : Promise.resolve([]),
    prisma.incident.findMany({ where: { territoryId: shelter.territoryId, status: { not: 'CLOSED' } }, orderBy: { createdAt: 'desc' }, select: { id: true, reference: true, title: true } }),
  ])
  return {
    shelter: { ...toShelterRecord(shelter, now), qrToken: mayManage ? shelter.qrToken : null },
    incident: shelter.incident,
    inspections: inspections.map((i) => ({
      id: i.id,
      inspectedAt: i.inspectedAt.toISOString(),
      inspectorName: i.inspectorName,
      findings: i.findings,
      defects: i.defects.map((d) => ({ id: d.id, description: d.description, taskId: d.taskId })),
    })),
    entries: entries.map((e) => ({ id: e.id.toString(), direction: e.direction, people: e.people, source: e.source, occupancyAfter: e.occupancyAfter, occurredAt: e.occurredAt.toISOString() })),
    households: households.map((h) => ({ id: h.id, label: h.label, size: h.size, needs: h.needs, note: h.note, checkedInAt: h.checkedInAt.toISOString() })),
    householdsEnabled: settings.households,
    openIncidents: incidents,
  }
}
