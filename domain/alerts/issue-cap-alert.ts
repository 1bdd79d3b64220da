// Issuing an alert: the one way a CAP alert becomes something that is sent, for the composer, the
// approval screen and CAP in (POST /api/cap). In ONE transaction: the references are checked
// (row 20), the alert row is inserted (its commit is the queue entry: notify/ledger/issue-alert.ts),
// an Update or Cancel supersedes what it refers to (their unsent deliveries are cancelled; the
// fan-out then reaches everyone the original reached — decision 008), the draft is marked issued
// and the audit log written. After the commit: a realtime event and a nudge to the dispatcher.
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import type { AlertMsgType, AlertSeverity, AlertStatus } from '#generated/prisma/enums.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { AppError } from '#domain/errors.ts'
import { asPolygonal } from '#domain/geo/validate-area.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { getRuntime, type Runtime } from '#domain/runtime.ts'
import { alertAreaGeometry, type AlertAreaGeometry } from '#notify/cap/alert-area.ts'
import { checkReferences, type ReferencedAlert } from '#notify/cap/check-references.ts'
import { capTimeToMs } from '#notify/cap/cap-time.ts'
import { capErrors, type CapAlert, type CapValuePair } from '#notify/cap/types.ts'
import { alertExpiresMs } from '#notify/feeds/select-alerts.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { CANCEL_PENDING_SQL, PENDING_SQL } from '#notify/ledger/pending.ts'

/** Setting: an Actual public alert needs a second staff member's approval before it is issued. */
export const REQUIRE_APPROVAL_SETTING = 'alerts.requireApproval'
/** CAP geocode valueName for a named area of the territory (value: the NamedArea id). */
export const NAMED_AREA_GEOCODE = 'SARGS_AREA'
/** Scope a machine token needs to issue alerts (POST /api/cap). */
export const ISSUE_SCOPE = 'alerts:issue'

export type IssueCapAlertOptions = {
  prisma: PrismaClient
  /** validated (notify/cap validateAlert), with identifier, sender and sent filled */
  alert: CapAlert
  actor: Actor & { scopes?: string[] }
  /** one alert per key: a double click, a second tab or a retried request issue it once */
  idempotencyKey: string
  /** default ['webpush'] */
  channels?: string[]
  /** the second staff member who approved it (required for Actual public alerts when the setting is on) */
  approvedById?: string | null
  /** the draft this alert is issued from: marked ISSUED in the same transaction */
  draftId?: string | null
  /** the territory; the instance's first territory when absent */
  territoryId?: string
  /** CAP scope Private: the named recipients (e.g. "warehouse:<id>"), reached on every channel */
  recipientKeys?: string[]
  /** the operator's group picks: paging groups ('phone', audio gateways on 'mqtt'), device groups ('mqtt'), staff groups ('sms') */
  pagingGroupIds?: string[]
  deviceGroupIds?: string[]
  staffGroupIds?: string[]
  now?: Date
}

export type IssuedCapAlert = { id: string; identifier: string; created: boolean }

const severityRank: Record<AlertSeverity, number> = { Unknown: 0, Minor: 1, Moderate: 2, Severe: 3, Extreme: 4 }

/** The alert's severity for targeting: the highest over its info blocks. */
export function alertSeverity(alert: Pick<CapAlert, 'info'>): AlertSeverity {
  let best: AlertSeverity = 'Unknown'
  for (const info of alert.info) if (severityRank[info.severity] > severityRank[best]) best = info.severity
  return best
}

/** Who may issue what. Actors without a role are the process itself (system, cli) or a token. */
export function authorizeIssue(actor: IssueCapAlertOptions['actor'], status: AlertStatus): void {
  if (actor.role === null) {
    if (actor.label === 'system' || actor.label === 'cli') return
    if (actor.scopes?.includes(ISSUE_SCOPE)) return
    throw new AppError('FORBIDDEN', `${actor.label} may not issue alerts`)
  }
  if (can(actor.role, 'create:alert:any')) return
  // a trainer issues exercises and nothing else (reliability row 32)
  if (status === 'Exercise' && can(actor.role, 'create:alert:exercise')) return
  throw new AppError('FORBIDDEN', `Role ${actor.role} may not issue ${status} alerts`, {
    fields: { status: 'alerts:errors.statusNotAllowed' },
  })
}

export async function approvalRequired(prisma: Pick<PrismaClient, 'setting'>): Promise<boolean> {
  const setting = await prisma.setting.findUnique({ where: { key: REQUIRE_APPROVAL_SETTING } })
  return setting?.value === true
}

export async function issueCapAlert(options: IssueCapAlertOptions): Promise<IssuedCapAlert> {
  const { prisma, alert, actor } = options
  const now = options.now ?? new Date()
  const status = asAlertStatus(alert.status)
  const msgType = asAlertMsgType(alert.msgType)
  authorizeIssue(actor, status)
  refuseExpired(alert, now)

  if (status === 'Actual' && alert.scope === 'Public' && (await approvalRequired(prisma))) {
    if (!options.approvedById) {
      throw new AppError('CONFLICT', 'An Actual public alert needs a second staff member\u2019s approval', {
        fields: { approval: 'alerts:errors.approvalRequired' },
      })
    }
    if (options.approvedById === actor.id) {
      throw new AppError('FORBIDDEN', 'An alert cannot be approved by the person who issues it', {
        fields: { approval: 'alerts:errors.ownApproval' },
      })
    }
  }

  const territory = options.territoryId
    ? await prisma.territory.findUnique({ where: { id: options.territoryId }, include: { namedAreas: true } })
    : await prisma.territory.findFirst({ orderBy: { createdAt: 'asc' }, include: { namedAreas: true } })
  if (!territory) throw new AppError('CONFLICT', 'No territory exists yet', { fields: { territory: 'alerts:errors.noTerritory' } })
  const namedAreas = new Map(territory.namedAreas.map((a) => [a.id, a]))
  const resolveGeocode = (g: CapValuePair): PolygonalGeometry | null => {
    if (g.valueName !== NAMED_AREA_GEOCODE) return null
    const area = namedAreas.get(g.value)
    return area ? asPolygonal(area.geometry) : null
  }
  unknownGeocodes(alert, namedAreas)

  const result = await prisma.$transaction(async (tx) => {
    // the referenced alerts, locked: a concurrent Cancel of the same alert waits for this one
    const referenced = await lockReferenced(tx, alert)
    checkReferences({ alert, found: referenced.map((r) => r.check), now })

    let area: AlertAreaGeometry | null = alertAreaGeometry(alert, resolveGeocode)
    if (!area && msgType === 'Cancel' && referenced.length > 0) {
      // a Cancel without an area of its own covers what it cancels (it reaches who got those)
      area = referenced[0].area
    }
    if (!area) {
      throw new AppError('INVALID_INPUT', 'The alert has no area that can be placed on the map', {
        fields: { 'info.0.area.0': capErrors.required },
      })
    }

    const issued = await issueAlert(tx, {
      identifier: alert.identifier,
      status,
      msgType,
      territoryId: territory.id,
      payload: alert,
      severity: alertSeverity(alert),
      area,
      createdById: actor.id,
      idempotencyKey: options.idempotencyKey,
      channels: options.channels ?? ['webpush'],
      referencedAlertIds: referenced.map((r) => r.id),
      approvedById: options.approvedById ?? null,
      recipientKeys: options.recipientKeys ?? [],
      pagingGroupIds: options.pagingGroupIds ?? [],
      deviceGroupIds: options.deviceGroupIds ?? [],
      staffGroupIds: options.staffGroupIds ?? [],
    })
    if (!issued.created) return issued

    const referencedIds = referenced.map((r) => r.id)
    if (referencedIds.length > 0 && (msgType === 'Update' || msgType === 'Cancel')) {
      // superseded: nothing unsent of the original goes out any more
      await tx.$executeRawUnsafe(
        `UPDATE "Alert" SET "supersededAt" = now(), "supersededById" = $2 WHERE "id" = ANY($1::text[]) AND "supersededAt" IS NULL`,
        referencedIds,
        issued.id,
      )
      await tx.$executeRawUnsafe(
        `UPDATE "Delivery" SET ${CANCEL_PENDING_SQL}, "leaseToken" = NULL, "leaseExpiresAt" = NULL,
                "lastError" = $2, "updatedAt" = now()
          WHERE "alertId" = ANY($1::text[]) AND ${PENDING_SQL}`,
        referencedIds,
        `superseded by ${msgType} ${alert.identifier}`,
      )
    }
    if (options.draftId) {
      const marked = await tx.alertDraft.updateMany({
        where: { id: options.draftId, state: { in: ['DRAFT', 'AWAITING_APPROVAL'] } },
        data: { state: 'ISSUED', alertId: issued.id, decidedById: options.approvedById ?? null, decidedAt: options.approvedById ? now : undefined },
      })
      if (marked.count !== 1) throw new AppError('CONFLICT', 'The draft was issued or withdrawn meanwhile', { fields: { draft: 'alerts:errors.draftNotOpen' } })
    }
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'alert.issued',
      entityType: 'Alert',
      entityId: issued.id,
      data: {
        identifier: alert.identifier,
        sender: alert.sender,
        status,
        msgType,
        scope: alert.scope,
        references: referencedIds,
        channels: options.channels ?? ['webpush'],
        approvedById: options.approvedById ?? null,
        draftId: options.draftId ?? null,
        headlines: Object.fromEntries(alert.info.map((i) => [i.language, i.headline ?? i.event])),
      },
    })
    return issued
  })

  if (result.created) {
    const runtime = currentRuntime()
    try {
      await runtime?.realtime?.publish(`territory:${territory.id}`, 'alert.issued', {
        id: result.id,
        identifier: result.identifier,
        status,
        msgType,
        severity: alertSeverity(alert),
        headlines: Object.fromEntries(alert.info.map((i) => [i.language, i.headline ?? i.event])),
      })
    } catch (error) {
      console.error('realtime: could not publish alert.issued', error)
    }
    runtime?.dispatcher?.poke()
  }
  return result
}

type Referenced = { id: string; area: AlertAreaGeometry; check: ReferencedAlert }

async function lockReferenced(tx: Prisma.TransactionClient, alert: CapAlert): Promise<Referenced[]> {
  if (alert.references.length === 0) return []
  const identifiers = alert.references.map((r) => r.identifier)
  const rows = await tx.$queryRawUnsafe<
    { id: string; identifier: string; status: AlertStatus; msgType: AlertMsgType; payload: CapAlert; area: AlertAreaGeometry; cancelled: boolean }[]
  >(
    `SELECT a."id", a."identifier", a."status", a."msgType", a."payload", a."area",
            EXISTS (SELECT 1 FROM "Alert" c WHERE c."msgType" = 'Cancel' AND a."id" = ANY(c."referencedAlertIds")) AS "cancelled"
       FROM "Alert" a WHERE a."identifier" = ANY($1::text[]) ORDER BY a."id" FOR UPDATE OF a`,
    identifiers,
  )
  return rows
    .filter((row) => alert.references.some((r) => r.identifier === row.identifier && r.sender === row.payload.sender))
    .map((row) => ({
      id: row.id,
      area: row.area,
      check: {
        sender: row.payload.sender,
        identifier: row.identifier,
        sent: row.payload.sent,
        status: row.status,
        msgType: row.msgType,
        expiresMs: alertExpiresMs(row.payload),
        cancelled: row.cancelled,
      },
    }))
}

function unknownGeocodes(alert: CapAlert, namedAreas: Map<string, unknown>): void {
  const fields: Record<string, string> = {}
  alert.info.forEach((info, i) =>
    info.area.forEach((area, j) =>
      area.geocode.forEach((g, k) => {
        if (g.valueName === NAMED_AREA_GEOCODE && !namedAreas.has(g.value)) fields[`info.${i}.area.${j}.geocode.${k}`] = 'alerts:errors.unknownNamedArea'
      }),
    ),
  )
  if (Object.keys(fields).length) throw new AppError('INVALID_INPUT', 'Unknown named area', { fields })
}

/** An alert whose every info block has expired would be sent to say nothing in force (a Cancel may). */
function refuseExpired(alert: CapAlert, now: Date): void {
  if (alert.msgType === 'Cancel' || alert.info.length === 0) return
  const expired = alert.info.map((info, i) => [i, info.expires ? capTimeToMs(info.expires) <= now.getTime() : false] as const)
  if (!expired.every(([, past]) => past)) return
  throw new AppError('INVALID_INPUT', 'The alert has expired already', {
    fields: Object.fromEntries(expired.map(([i]) => [`info.${i}.expires`, 'alerts:errors.expiresInPast'])),
  })
}

function asAlertStatus(status: CapAlert['status']): AlertStatus {
  if (status === 'Actual' || status === 'Exercise' || status === 'Test' || status === 'Draft') return status
  throw new AppError('INVALID_INPUT', `Sargs does not issue ${status} alerts`, { fields: { status: capErrors.invalid } })
}

function asAlertMsgType(msgType: CapAlert['msgType']): AlertMsgType {
  if (msgType === 'Alert' || msgType === 'Update' || msgType === 'Cancel') return msgType
  throw new AppError('INVALID_INPUT', `Sargs does not issue ${msgType} messages`, { fields: { msgType: capErrors.invalid } })
}

function currentRuntime(): Runtime | undefined {
  try {
    return getRuntime()
  } catch {
    return undefined
  }
}
