// The alerts list for staff: issued alerts of a territory, newest first, each with its CAP
// status/msgType/severity, its headline per language and a delivery summary; and the drafts that
// wait for someone — AWAITING_APPROVAL (an approver must decide) and CAP documents that arrived
// through POST /api/cap as drafts for an operator to review — so approvers find them here.
//
// The summary counts come from one grouped query over the page's deliveries (a page is at most
// 50 alerts); the live numbers of one alert are on its progress page.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { AlertDraftSource, AlertDraftState, AlertMsgType, AlertSeverity, AlertStatus, DeliveryStatus } from '#generated/prisma/enums.ts'
import { AppError } from '#domain/errors.ts'

export type Headlines = Partial<Record<'lv' | 'en' | 'ru', string>> & Record<string, string>

export type AlertSummary = {
  targeted: number
  sent: number
  failed: number
  dead: number
  pending: number
  cancelled: number
}

export type AlertListItem = {
  id: string
  identifier: string
  status: AlertStatus
  msgType: AlertMsgType
  severity: AlertSeverity
  /** headline (or event when there is no headline) per app language (lv, en, ru) */
  headlines: Headlines
  createdAt: string
  channels: string[]
  fanoutDone: boolean
  superseded: boolean
  summary: AlertSummary
}

export type DraftListItem = {
  id: string
  state: AlertDraftState
  source: AlertDraftSource
  headlines: Headlines
  status: string | null
  msgType: string | null
  submittedAt: string | null
  createdAt: string
}

export type AlertList = {
  alerts: AlertListItem[]
  /** the id to pass as `before` for the next (older) page, null on the last one */
  older: string | null
  drafts: DraftListItem[]
}

type PayloadLike = { status?: unknown; msgType?: unknown; info?: { language?: unknown; headline?: unknown; event?: unknown }[] }

export async function listAlerts(options: {
  prisma: PrismaClient
  territoryId: string
  /** an alert id: list the alerts issued before it */
  before?: string | null
  take?: number
}): Promise<AlertList> {
  const { prisma, territoryId } = options
  const take = Math.min(Math.max(1, options.take ?? 25), 50)
  let cursor: { createdAt: Date; id: string } | null = null
  if (options.before) {
    cursor = await prisma.alert.findFirst({ where: { id: options.before, territoryId }, select: { createdAt: true, id: true } })
    if (!cursor) throw new AppError('NOT_FOUND', `no alert ${options.before}`)
  }
  const rows = await prisma.alert.findMany({
    where: {
      territoryId,
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: take + 1,
    select: {
      id: true, identifier: true, status: true, msgType: true, severity: true, payload: true, createdAt: true,
      channels: true, fanoutDoneAt: true, supersededAt: true,
    },
  })
  const page = rows.slice(0, take)
  const counts = page.length
    ? await prisma.$queryRawUnsafe<{ alertId: string; status: DeliveryStatus; n: number }[]>(
        `SELECT "alertId", "status"::text AS "status", count(*)::int AS "n" FROM "Delivery"
          WHERE "alertId" = ANY($1::text[]) GROUP BY "alertId", "status"`,
        page.map((a) => a.id),
      )
    : []
  const summaries = new Map<string, AlertSummary>()
  for (const c of counts) {
    const s = summaries.get(c.alertId) ?? { targeted: 0, sent: 0, failed: 0, dead: 0, pending: 0, cancelled: 0 }
    const n = Number(c.n)
    s.targeted += n
    if (c.status === 'SENT') s.sent += n
    else if (c.status === 'FAILED') s.failed += n
    else if (c.status === 'DEAD') s.dead += n
    else if (c.status === 'CANCELLED') s.cancelled += n
    else s.pending += n
    summaries.set(c.alertId, s)
  }
  const drafts = await prisma.alertDraft.findMany({
    where: {
      territoryId,
      OR: [{ state: 'AWAITING_APPROVAL' }, { state: 'DRAFT', source: 'CAP_API' }],
    },
    orderBy: [{ createdAt: 'desc' }],
    take: 100,
    select: { id: true, state: true, source: true, payload: true, submittedAt: true, createdAt: true },
  })
  return {
    alerts: page.map((a) => ({
      id: a.id,
      identifier: a.identifier,
      status: a.status,
      msgType: a.msgType,
      severity: a.severity,
      headlines: headlinesOf(a.payload as PayloadLike),
      createdAt: a.createdAt.toISOString(),
      channels: a.channels,
      fanoutDone: a.fanoutDoneAt !== null,
      superseded: a.supersededAt !== null,
      summary: summaries.get(a.id) ?? { targeted: 0, sent: 0, failed: 0, dead: 0, pending: 0, cancelled: 0 },
    })),
    older: rows.length > take ? page.at(-1)!.id : null,
    drafts: drafts.map((d) => {
      const payload = (d.payload ?? {}) as PayloadLike
      return {
        id: d.id,
        state: d.state,
        source: d.source,
        headlines: headlinesOf(payload),
        status: typeof payload.status === 'string' ? payload.status : null,
        msgType: typeof payload.msgType === 'string' ? payload.msgType : null,
        submittedAt: d.submittedAt?.toISOString() ?? null,
        createdAt: d.createdAt.toISOString(),
      }
    }),
  }
}

/** Headline (or event) per app language from CAP info blocks ("lv-LV" → "lv"); drafts may be partial. */
function headlinesOf(payload: PayloadLike | null): Headlines {
  const out: Headlines = {}
  for (const info of Array.isArray(payload?.info) ? payload.info : []) {
    if (!info || typeof info !== 'object') continue
    const language = typeof info.language === 'string' ? info.language.slice(0, 2).toLowerCase() : 'en'
    const text = typeof info.headline === 'string' && info.headline ? info.headline : typeof info.event === 'string' ? info.event : ''
    if (text && !out[language]) out[language] = text
  }
  return out
}
