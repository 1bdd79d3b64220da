// CAP in (POST /api/cap): a CAP 1.2 message from a machine token (e.g. a meteorological service)
// is read safely (notify/cap/parse-xml.ts: no DTD, no entities, size and depth capped), validated
// against the territory (per-field reasons), its references checked against the alerts we know,
// and then, as the token says, issued (domain/alerts/issue-cap-alert.ts, actor = the token) or
// kept as an AlertDraft (source CAP_API) for an operator to review.
//
// Idempotent on sender + identifier: the same message again answers with what the first one made
// (created: false); a different message under an identifier that is taken is a CONFLICT.
// Issuing needs a second person's approval when that setting is on: such a message is kept as a
// draft instead (reason `approvalRequired`), never dropped.
import { createHash } from 'node:crypto'
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import { canonicalJson, recordAudit } from '#domain/audit/record-audit.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { issueCapAlert } from '#domain/alerts/issue-cap-alert.ts'
import { AppError, isAppError } from '#domain/errors.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { territoryRoom } from '#domain/realtime/rooms.ts'
import { getRuntime, type Runtime } from '#domain/runtime.ts'
import { checkReferences, type ReferencedAlert } from '#notify/cap/check-references.ts'
import { readCapXml } from '#notify/cap/parse-xml.ts'
import { capErrors, type CapAlert } from '#notify/cap/types.ts'
import { alertExpiresMs } from '#notify/feeds/select-alerts.ts'
import { tokenActor } from './token-actor.ts'
import type { VerifiedApiToken } from './verify-api-token.ts'

export type AcceptCapAlertOptions = {
  prisma: PrismaClient
  token: VerifiedApiToken
  /** the request body (already read within the size limit) */
  body: Uint8Array | string
  ip?: string | null
  now?: Date
}

export type AcceptedCapAlert =
  | { kind: 'alert'; id: string; identifier: string; sender: string; status: CapAlert['status']; scope: CapAlert['scope']; created: boolean }
  | { kind: 'draft'; id: string; identifier: string; sender: string; created: boolean; reason: 'tokenMode' | 'approvalRequired' }

/** The idempotency key of a CAP message: sender, identifier and content. */
export function capInKey(alert: CapAlert): string {
  const digest = createHash('sha256').update(`${alert.sender}\u0000${alert.identifier}\u0000${canonicalJson(alert)}`).digest('hex')
  return `cap-in:${digest}`
}

export async function acceptCapAlert(options: AcceptCapAlertOptions): Promise<AcceptedCapAlert> {
  const { prisma, token } = options
  const now = options.now ?? new Date()
  const actor = tokenActor(token, options.ip)
  try {
    const territory = await getDefaultTerritory({ prisma })
    if (!territory) throw new AppError('UNAVAILABLE', 'No territory is set up yet')
    const alert = readCapXml({ body: options.body, boundary: territory.boundary })
    if (alert.status === 'System') throw new AppError('INVALID_INPUT', 'System messages are not accepted', { fields: { status: capErrors.unknownValue } })
    if (alert.msgType === 'Ack' || alert.msgType === 'Error') {
      throw new AppError('INVALID_INPUT', `${alert.msgType} messages are not accepted`, { fields: { msgType: capErrors.unknownValue } })
    }
    const key = capInKey(alert)
    const base = { identifier: alert.identifier, sender: alert.sender }

    // the same message again: what the first one made
    const same = async (): Promise<AcceptedCapAlert | null> => {
      const issued = await prisma.alert.findUnique({ where: { idempotencyKey: key }, select: { id: true } })
      if (issued) return { kind: 'alert', id: issued.id, ...base, status: alert.status, scope: alert.scope, created: false }
      const drafted = await prisma.alertDraft.findUnique({ where: { idempotencyKey: key }, select: { id: true } })
      return drafted ? { kind: 'draft', id: drafted.id, ...base, created: false, reason: 'tokenMode' } : null
    }
    const first = await same()
    if (first) return first
    if (await identifierTaken(prisma, alert)) {
      // the same message may have raced in since the lookup above: then it is still the same
      const raced = await same()
      if (raced) return raced
      throw new AppError('CONFLICT', `Another message with identifier ${alert.identifier} was received already`, {
        fields: { identifier: 'alerts:errors.identifierTaken' },
      })
    }
    checkReferences({ alert, found: await findReferenced(prisma, alert), now })

    if (token.capMode === 'ISSUE') {
      try {
        const result = await issueCapAlert({ prisma, alert, actor, idempotencyKey: key, territoryId: territory.id, now })
        return { kind: 'alert', id: result.id, ...base, status: alert.status, scope: alert.scope, created: result.created }
      } catch (error) {
        if (!(isAppError(error) && error.code === 'CONFLICT' && error.fields?.approval)) throw error
        const draft = await storeDraft(prisma, { alert, key, territoryId: territory.id, actor, reason: 'approvalRequired' })
        if (draft.created) await announceDraft(territory.id, draft.id, alert, 'approvalRequired')
        return { kind: 'draft', ...draft, ...base, reason: 'approvalRequired' }
      }
    }
    const draft = await storeDraft(prisma, { alert, key, territoryId: territory.id, actor, reason: 'tokenMode' })
    if (draft.created) await announceDraft(territory.id, draft.id, alert, 'tokenMode')
    return { kind: 'draft', ...draft, ...base, reason: 'tokenMode' }
  } catch (error) {
    if (isAppError(error) && (error.code === 'INVALID_INPUT' || error.code === 'CONFLICT')) await auditRefusal(prisma, actor, error)
    throw error
  }
}

/** Whether a message holds this identifier already: as an alert, or as a draft received over CAP in. */
async function identifierTaken(prisma: PrismaClient, alert: CapAlert): Promise<boolean> {
  const taken =
    (await prisma.alert.findUnique({ where: { identifier: alert.identifier }, select: { id: true } })) ??
    (await prisma.alertDraft.findFirst({
      where: {
        source: 'CAP_API',
        AND: [{ payload: { path: ['identifier'], equals: alert.identifier } }, { payload: { path: ['sender'], equals: alert.sender } }],
      },
      select: { id: true },
    }))
  return taken !== null
}

/** The alerts named in `references`, as checkReferences needs them (unknown ones are missing). */
async function findReferenced(prisma: PrismaClient, alert: CapAlert): Promise<ReferencedAlert[]> {
  if (alert.references.length === 0) return []
  const rows = await prisma.$queryRawUnsafe<{ identifier: string; status: string; msgType: string; payload: CapAlert; cancelled: boolean }[]>(
    `SELECT a."identifier", a."status", a."msgType", a."payload",
            EXISTS (SELECT 1 FROM "Alert" c WHERE c."msgType" = 'Cancel' AND a."id" = ANY(c."referencedAlertIds")) AS "cancelled"
       FROM "Alert" a WHERE a."identifier" = ANY($1::text[])`,
    alert.references.map((r) => r.identifier),
  )
  return rows.map((row) => ({
    sender: row.payload.sender,
    identifier: row.identifier,
    sent: row.payload.sent,
    status: row.status as CapAlert['status'],
    msgType: row.msgType as CapAlert['msgType'],
    expiresMs: alertExpiresMs(row.payload),
    cancelled: row.cancelled,
  }))
}

async function storeDraft(
  prisma: PrismaClient,
  input: { alert: CapAlert; key: string; territoryId: string; actor: ReturnType<typeof tokenActor>; reason: 'tokenMode' | 'approvalRequired' },
): Promise<{ id: string; created: boolean }> {
  try {
    return await prisma.$transaction(async (tx) => {
      const draft = await tx.alertDraft.create({
        data: {
          territoryId: input.territoryId,
          source: 'CAP_API',
          state: 'DRAFT',
          payload: input.alert as unknown as Prisma.InputJsonValue,
          apiTokenId: input.actor.tokenId,
          idempotencyKey: input.key,
        },
        select: { id: true },
      })
      await recordAudit(tx, {
        ...actorFields(input.actor),
        action: 'alert-draft.received',
        entityType: 'AlertDraft',
        entityId: draft.id,
        data: {
          source: 'CAP_API',
          tokenId: input.actor.tokenId,
          reason: input.reason,
          identifier: input.alert.identifier,
          sender: input.alert.sender,
          status: input.alert.status,
          msgType: input.alert.msgType,
          headlines: Object.fromEntries(input.alert.info.map((i) => [i.language, i.headline ?? i.event])),
        },
      })
      return { id: draft.id, created: true }
    })
  } catch (error) {
    // the same message raced in twice: the other request stored it
    const existing = await prisma.alertDraft.findUnique({ where: { idempotencyKey: input.key }, select: { id: true } })
    if (existing) return { id: existing.id, created: false }
    throw error
  }
}

/** Staff screens on the territory room learn of a draft waiting for review (the alerts list revalidates on draft.*). */
async function announceDraft(territoryId: string, id: string, alert: CapAlert, reason: string): Promise<void> {
  try {
    await runtime()?.realtime?.publish(territoryRoom(territoryId), 'draft.received', {
      id,
      source: 'CAP_API',
      reason,
      identifier: alert.identifier,
      status: alert.status,
      msgType: alert.msgType,
      headlines: Object.fromEntries(alert.info.map((i) => [i.language, i.headline ?? i.event])),
    })
  } catch (error) {
    console.error('realtime: could not publish draft.received', error)
  }
}

function runtime(): Runtime | undefined {
  try {
    return getRuntime()
  } catch {
    return undefined
  }
}

/** A refused message is recorded too: the sender's operator may ask what became of it. */
async function auditRefusal(prisma: PrismaClient, actor: ReturnType<typeof tokenActor>, error: AppError): Promise<void> {
  try {
    await prisma.$transaction(async (tx) =>
      recordAudit(tx, {
        ...actorFields(actor),
        action: 'cap.refused',
        entityType: 'ApiToken',
        entityId: actor.tokenId,
        data: { code: error.code, fields: error.fields ?? {} },
      }),
    )
  } catch (auditError) {
    console.error('audit: could not record a refused CAP message', auditError)
  }
}
