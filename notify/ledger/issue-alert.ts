// Issuing an alert is ONE insert in the caller's transaction: the commit is the queue entry (no
// separate queue that could disagree with the database). The fan-out worker (fan-out.ts) picks up
// every alert whose fan-out is not done. The idempotency key makes a double click, a second tab or
// a retried POST issue the alert once.
import type { AlertMsgType, AlertSeverity, AlertStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'
import type { Db } from './db.ts'

export type IssueAlertInput = {
  identifier: string
  status: AlertStatus
  msgType: AlertMsgType
  territoryId: string
  /** the CAP alert (notify/cap CapAlert) */
  payload: unknown
  severity: AlertSeverity
  /** GeoJSON Polygon or MultiPolygon: who is targeted */
  area: unknown
  createdById?: string | null
  idempotencyKey: string
  /** channels to fan out to; default ['webpush'] */
  channels?: string[]
  /** Update/Cancel: the ids of the referenced alerts */
  referencedAlertIds?: string[]
  /** second staff member who approved it */
  approvedById?: string | null
  /** CAP scope Private: the named recipients, reached on every channel instead of by area */
  recipientKeys?: string[]
  /** the operator's group picks (fan-out.ts fanOutGroupsAndAccounts) */
  pagingGroupIds?: string[]
  deviceGroupIds?: string[]
  staffGroupIds?: string[]
}

export type IssuedAlert = { id: string; identifier: string; created: boolean }

export async function issueAlert(db: Db, input: IssueAlertInput): Promise<IssuedAlert> {
  // another alert already has this CAP identifier (the unique index is the final guard)
  const taken = await db.alert.findFirst({
    where: { identifier: input.identifier, NOT: { idempotencyKey: input.idempotencyKey } },
    select: { id: true },
  })
  if (taken) throw identifierTaken(input.identifier)
  // a Draft is stored, never fanned out
  const rows = await db.$queryRawUnsafe<{ id: string; identifier: string }[]>(
    `INSERT INTO "Alert" ("id", "identifier", "status", "msgType", "territoryId", "payload", "severity", "area",
                          "createdById", "idempotencyKey", "createdAt", "fanoutDoneAt",
                          "channels", "referencedAlertIds", "approvedById", "recipientKeys",
                          "pagingGroupIds", "deviceGroupIds", "staffGroupIds")
     VALUES (gen_random_uuid()::text, $1, $2::"AlertStatus", $3::"AlertMsgType", $4, $5::jsonb, $6::"AlertSeverity",
             $7::jsonb, $8, $9, now(), CASE WHEN $2 = 'Draft' THEN now() END,
             $10::text[], $11::text[], $12, $13::text[], $14::text[], $15::text[], $16::text[])
     ON CONFLICT DO NOTHING
     RETURNING "id", "identifier"`,
    input.identifier,
    input.status,
    input.msgType,
    input.territoryId,
    JSON.stringify(input.payload),
    input.severity,
    JSON.stringify(input.area),
    input.createdById ?? null,
    input.idempotencyKey,
    input.channels ?? ['webpush'],
    input.referencedAlertIds ?? [],
    input.approvedById ?? null,
    input.recipientKeys ?? [],
    input.pagingGroupIds ?? [],
    input.deviceGroupIds ?? [],
    input.staffGroupIds ?? [],
  )
  if (rows.length === 1) return { ...rows[0], created: true }
  // nothing inserted: either the same request again (same key: answer with that alert), or a
  // concurrent request with another key took the identifier first. Without a conflict target,
  // DO NOTHING covers both unique indexes, so two concurrent issues never raise a raw 23505.
  const existing = await db.alert.findUnique({
    where: { idempotencyKey: input.idempotencyKey },
    select: { id: true, identifier: true },
  })
  if (!existing) throw identifierTaken(input.identifier)
  return { ...existing, created: false }
}

function identifierTaken(identifier: string): AppError {
  return new AppError('CONFLICT', `alert identifier ${identifier} is taken`, {
    fields: { identifier: 'alerts:errors.identifierTaken' },
  })
}
