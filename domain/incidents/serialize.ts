// Plain, JSON-safe records of incidents, log entries and tasks: what loaders return and what
// realtime events carry.
import type { AreaCircle, PointGeometry, PolygonGeometry } from '#domain/geo/types.ts'
import type {
  IncidentSeverity,
  IncidentStatus,
  IncidentType,
  TaskStatus,
} from '#generated/prisma/enums.ts'

export type IncidentRecord = {
  id: string
  reference: string
  territoryId: string
  title: string
  type: IncidentType
  severity: IncidentSeverity
  status: IncidentStatus
  description: string
  area: PolygonGeometry | null
  areaCircle: AreaCircle | null
  demo: boolean
  createdById: string | null
  createdAt: string
  updatedAt: string
  closedAt: string | null
}

export type LogEntryRecord = {
  id: string
  incidentId: string
  authorId: string | null
  authorName: string | null
  occurredAt: string
  body: string
  significant: boolean
  correctsId: string | null
  createdAt: string
}

export type TaskRecord = {
  id: string
  incidentId: string
  title: string
  location: PointGeometry | null
  assigneeId: string | null
  assigneeName: string | null
  createdById: string | null
  dueAt: string | null
  status: TaskStatus
  createdAt: string
  updatedAt: string
}

const iso = (d: Date) => d.toISOString()
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null)

type IncidentRow = Omit<IncidentRecord, 'area' | 'areaCircle' | 'createdAt' | 'updatedAt' | 'closedAt'> & {
  area: unknown
  areaCircle: unknown
  createdAt: Date
  updatedAt: Date
  closedAt: Date | null
}

export function serializeIncident(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    reference: row.reference,
    territoryId: row.territoryId,
    title: row.title,
    type: row.type,
    severity: row.severity,
    status: row.status,
    description: row.description,
    area: (row.area as PolygonGeometry | null) ?? null,
    areaCircle: (row.areaCircle as AreaCircle | null) ?? null,
    demo: row.demo,
    createdById: row.createdById,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    closedAt: isoOrNull(row.closedAt),
  }
}

type LogEntryRow = {
  id: string
  incidentId: string
  authorId: string | null
  author?: { name: string } | null
  occurredAt: Date
  body: string
  significant: boolean
  correctsId: string | null
  createdAt: Date
}

export function serializeLogEntry(row: LogEntryRow): LogEntryRecord {
  return {
    id: row.id,
    incidentId: row.incidentId,
    authorId: row.authorId,
    authorName: row.author?.name ?? null,
    occurredAt: iso(row.occurredAt),
    body: row.body,
    significant: row.significant,
    correctsId: row.correctsId,
    createdAt: iso(row.createdAt),
  }
}

type TaskRow = {
  id: string
  incidentId: string
  title: string
  location: unknown
  assigneeId: string | null
  assignee?: { name: string } | null
  createdById: string | null
  dueAt: Date | null
  status: TaskStatus
  createdAt: Date
  updatedAt: Date
}

export function serializeTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    incidentId: row.incidentId,
    title: row.title,
    location: (row.location as PointGeometry | null) ?? null,
    assigneeId: row.assigneeId,
    assigneeName: row.assignee?.name ?? null,
    createdById: row.createdById,
    dueAt: isoOrNull(row.dueAt),
    status: row.status,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  }
}
