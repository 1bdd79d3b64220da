import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { appendLogEntry } from '#domain/incidents/append-log-entry.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { publishIncidentEvents } from '#domain/incidents/publish.ts'
import { serializeLogEntry, type LogEntryRecord } from '#domain/incidents/serialize.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { allocateLots } from './allocate-lots.ts'
import { calendarDay } from './calendar-day.ts'
import { allocationError } from './insufficient-stock-error.ts'
import { lockLots } from './lock-lots.ts'
import { parseReserveInput } from './parse-reserve-input.ts'
import { postMovements, type MovementLine } from './post-movements.ts'
import { requireItem } from './require-item.ts'
import { requireWarehouse } from './require-warehouse.ts'
import { resolveIssueTarget } from './resolve-issue-target.ts'
import { issueSchema } from './schemas.ts'
import { ledgerTransactionOptions } from './transaction-options.ts'

export type IssueStockOptions = {
  prisma: PrismaClient
  actor: Actor
  /**
   * { target: { kind: 'incident'|'shelter'|'recipient', id?, label? },
   *   lines: [{ warehouseId, itemId, quantity, lots?: [{ lotId, quantity }] }], note?, occurredAt? }
   */
  input: unknown
  now?: Date
  /** override the runtime's publisher for the incident log event (null: publish nothing) */
  realtime?: RealtimePublisher | null
}

export type IssueStockResult = {
  operationId: string
  target: { kind: string; id: string | null; label: string }
  movements: { id: bigint; lotId: string; quantity: number }[]
  logEntry: LogEntryRecord | null
}

/**
 * Issues stock to an incident, a shelter or a named recipient: per line, the soonest-expiring
 * usable lots first (rotation) or the lots named. The lots' balances are locked first, so of
 * concurrent issues of the same last units exactly one succeeds; the others get CONFLICT on the
 * quantity (field `quantity`, or `lines.N.quantity` when several lines were sent). An issue to
 * an incident writes an entry in that incident's log in the same transaction.
 */
export async function issueStock(options: IssueStockOptions): Promise<IssueStockResult> {
  const { prisma, actor } = options
  authorize(actor, 'issue:reserves:any')
  const input = parseReserveInput(issueSchema, options.input)
  const now = options.now ?? new Date()
  const occurredAt = input.occurredAt ?? now
  const today = calendarDay(now)!
  const operationId = randomUUID()
  const field = (i: number, name: string) => (input.lines.length === 1 ? name : `lines.${i}.${name}`)

  const result = await prisma.$transaction(async (tx) => {
    const target = await resolveIssueTarget(tx, input.target)
    const lines = []
    for (const [i, line] of input.lines.entries()) {
      const warehouse = await requireWarehouse(tx, { id: line.warehouseId, field: field(i, 'warehouseId') })
      const item = await requireItem(tx, { id: line.itemId, field: field(i, 'itemId') })
      lines.push({ ...line, warehouse, item })
    }
    const lots = await lockLots(tx, { pairs: lines.map((l) => ({ warehouseId: l.warehouse.id, itemId: l.item.id })) })
    const movementLines: MovementLine[] = []
    for (const [i, line] of lines.entries()) {
      const allocation = allocateLots({
        lots,
        warehouseId: line.warehouse.id,
        itemId: line.item.id,
        quantity: line.quantity,
        today,
        explicit: line.lots,
      })
      if (!allocation.ok) {
        throw allocationError(allocation, {
          code: line.item.code,
          unit: line.item.unit,
          warehouse: line.warehouse.name,
          requested: line.quantity,
          quantityField: field(i, 'quantity'),
          lotsField: field(i, 'lots'),
        })
      }
      for (const a of allocation.allocations) {
        // two lines over the same lots share their balance
        const lot = lots.find((l) => l.lotId === a.lotId)!
        lot.quantity -= a.quantity
        movementLines.push({
          kind: 'ISSUE',
          lotId: a.lotId,
          warehouseId: line.warehouse.id,
          itemId: line.item.id,
          quantity: -a.quantity,
          targetKind: target.kind,
          targetId: target.id,
          targetLabel: target.label,
        })
      }
    }
    const movements = await postMovements(tx, {
      operationId,
      actor,
      occurredAt,
      note: input.note,
      now,
      lines: movementLines,
      quantityField: field(0, 'quantity'),
    })
    const summary = lines.map((l) => `${l.quantity} ${l.item.unit} ${l.item.nameLv} (${l.warehouse.name})`).join('; ')
    const entry = target.incident
      ? await appendLogEntry(tx, {
          actor,
          incident: target.incident,
          occurredAt,
          body: `Izsniegti materiālie resursi${target.kind === 'shelter' ? ` patvertnei ${target.label}` : ''}: ${summary}.${input.note ? ` ${input.note}` : ''}`,
          significant: false,
          now,
        })
      : null
    await recordAudit(tx, {
      ...actorFields(actor),
      action: 'reserves.issued',
      entityType: 'StockOperation',
      entityId: operationId,
      data: {
        target: { kind: target.kind, id: target.id, label: target.label },
        lines: lines.map((l) => ({ warehouseId: l.warehouse.id, itemId: l.item.id, code: l.item.code, quantity: l.quantity })),
        movements: movements.map((m) => ({ id: m.id.toString(), lotId: m.lotId, quantity: m.quantity })),
        logEntryId: entry?.id ?? null,
        note: input.note,
      },
    })
    return { target, movements, entry }
  }, ledgerTransactionOptions)

  const logEntry = result.entry ? serializeLogEntry(result.entry) : null
  if (logEntry && result.target.incident) {
    await publishIncidentEvents(
      [{ type: 'log-entry.created', payload: logEntry, territoryId: result.target.incident.territoryId, incidentId: logEntry.incidentId }],
      options.realtime,
    )
  }
  return {
    operationId,
    target: { kind: result.target.kind, id: result.target.id, label: result.target.label },
    movements: result.movements.map((m) => ({ id: m.id, lotId: m.lotId, quantity: m.quantity })),
    logEntry,
  }
}
