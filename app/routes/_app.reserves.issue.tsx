// Issue stock: pick whom (an open incident, a shelter, or a named recipient) and what, see where it
// is available — nearest warehouse first from the incident's area or the shelter — and issue. The
// soonest-expiring lots go first (rotation); an issue to an incident (or to a shelter opened for
// one) appears in that incident's event log. Works without JavaScript: choosing is a GET form.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { issueStock } from '#domain/reserves/issue-stock.ts'
import { listIssueTargets } from '#domain/reserves/list-issue-targets.ts'
import { listItemAvailability } from '#domain/reserves/list-item-availability.ts'
import { listReserveItems } from '#domain/reserves/list-reserve-items.ts'
import { prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { Field, FormError } from '~/components/app-shell'
import { FieldError } from '~/components/incidents/form-controls'
import { useReservesFormat } from '~/components/reserves/format'
import { ReservesTabs } from '~/components/reserves/reserves-tabs'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'
import '~/components/reserves/reserves.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const kinds = ['incident', 'shelter', 'recipient'] as const
type Kind = (typeof kinds)[number]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'issue:reserves:any')
  const db = prisma()
  const actor = userActor(user)
  const url = new URL(request.url)
  const territory = await getDefaultTerritory({ prisma: db })
  const [targets, items] = await Promise.all([
    listIssueTargets({ prisma: db, actor, territoryId: territory?.id }),
    listReserveItems({ prisma: db, actor, activeOnly: true }),
  ])
  const kind: Kind = (kinds as readonly string[]).includes(url.searchParams.get('kind') ?? '') ? (url.searchParams.get('kind') as Kind) : 'incident'
  const targetId = url.searchParams.get('target') ?? ''
  const target = targets.find((t) => t.kind === kind && t.id === targetId) ?? (kind === 'recipient' ? null : (targets.find((t) => t.kind === kind) ?? null))
  const itemId = url.searchParams.get('item') ?? ''
  const item = items.find((i) => i.id === itemId) ?? items[0] ?? null
  const availability = item ? await listItemAvailability({ prisma: db, actor, itemId: item.id, point: target?.point ?? null, territoryId: territory?.id }) : []
  return { kind, targets, target, items, item, availability, recipient: url.searchParams.get('recipient') ?? '' }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'issue:reserves:any')
  const values = formToObject(await request.formData())
  try {
    const result = await issueStock({
      prisma: prisma(),
      actor: userActor(user, clientIp(context)),
      input: {
        target: { kind: values.kind, id: values.targetId, label: values.recipient },
        lines: [{ warehouseId: values.warehouseId, itemId: values.itemId, quantity: values.quantity }],
        note: values.note,
      },
    })
    return {
      ok: true as const,
      operationId: result.operationId,
      target: result.target.label,
      quantity: -result.movements.reduce((s, m) => s + m.quantity, 0),
      lots: result.movements.length,
      incidentId: result.logEntry?.incidentId ?? null,
    }
  } catch (error) {
    const fields = appErrorFields(error)
    if (!fields) throw error
    return invalid(fields, values)
  }
}

type ActionResult =
  | { ok: true; operationId: string; target: string; quantity: number; lots: number; incidentId: string | null }
  | { ok: false; errors: Record<string, string>; values: Record<string, unknown> }

export default function IssueStock() {
  const { kind, targets, target, items, item, availability, recipient } = useLoaderData<typeof loader>()
  const result = useActionData<ActionResult>()
  const navigation = useNavigation()
  const { t } = useTranslation('reserves')
  const f = useReservesFormat()
  const errors = result && !result.ok ? result.errors : {}
  const values = result && !result.ok ? result.values : {}
  const options = targets.filter((x) => x.kind === kind)
  return (
    <main className="rsv-page" data-testid="issue-page">
      <div className="rsv-head">
        <h1>{t('issue.heading')}</h1>
      </div>
      <ReservesTabs canIssue />
      {result?.ok ? (
        <p className="rsv-ok" role="status" data-testid="issue-done">
          {t('issue.done', { quantity: item ? f.quantity(result.quantity, item.unit) : result.quantity, target: result.target, count: result.lots })}{' '}
          {result.incidentId ? <Link to={`/incidents/${result.incidentId}`}>{t('issue.openLog')}</Link> : null}
        </p>
      ) : null}
      <Form method="get" className="rsv-card rsv-form" data-testid="issue-choose">
        <h2>{t('issue.choose')}</h2>
        <div className="rsv-row">
          <fieldset className="rsv-inline" style={{ border: 'none', padding: 0, margin: 0 }}>
            <legend className="rsv-muted">{t('issue.targetKind')}</legend>
            {kinds.map((k) => (
              <label key={k} className="rsv-inline">
                <input type="radio" name="kind" value={k} defaultChecked={k === kind} /> {t(`targets.${k}`)}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="rsv-row">
          {kind === 'recipient' ? (
            <Field name="recipient" label={t('issue.recipient')} defaultValue={recipient} hint={t('issue.recipientHint')} />
          ) : (
            <div className="field">
              <label htmlFor="choose-target">{t(`targets.${kind}`)}</label>
              <select id="choose-target" name="target" defaultValue={target?.id}>
                {options.length === 0 ? <option value="">{t('issue.noTargets')}</option> : null}
                {options.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="choose-item">{t('fields.item')}</label>
            <select id="choose-item" name="item" defaultValue={item?.id}>
              {items.map((i) => (
                <option key={i.id} value={i.id}>
                  {f.name(i.names)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div>
          <button type="submit" className="btn" data-testid="issue-show">
            {t('issue.showAvailability')}
          </button>
        </div>
      </Form>
      {item ? (
        // a new form after each issue: the quantity is not left filled in for a second click
        <Form method="post" className="rsv-card rsv-form" data-testid="issue-form" key={result?.ok ? result.operationId : 'issue'}>
          <h2>{t('issue.where', { item: f.name(item.names) })}</h2>
          <p className="rsv-muted">{target?.point ? t('issue.nearestFirst', { target: target.label }) : t('issue.mostFirst')}</p>
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="targetId" value={kind === 'recipient' ? '' : (target?.id ?? '')} />
          <input type="hidden" name="itemId" value={item.id} />
          <FormError error={errors.form ?? errors['target.kind'] ?? errors.itemId} />
          <FieldError id="issue-target" name="target" error={errors['target.id'] ?? errors['target.label']} />
          {availability.length === 0 ? (
            <p className="rsv-muted" data-testid="issue-none">
              {t('issue.noneAvailable')}
            </p>
          ) : (
            <table className="rsv-table" data-testid="availability">
              <thead>
                <tr>
                  <th>{t('fields.warehouse')}</th>
                  <th className="num">{t('issue.distance')}</th>
                  <th className="num">{t('report.usable')}</th>
                  <th>{t('issue.nextExpiry')}</th>
                </tr>
              </thead>
              <tbody>
                {availability.map((a, index) => (
                  <tr key={a.warehouseId} data-testid="availability-row">
                    <td>
                      <label className="rsv-inline">
                        <input type="radio" name="warehouseId" value={a.warehouseId} defaultChecked={values.warehouseId ? values.warehouseId === a.warehouseId : index === 0} />
                        {a.warehouseName}
                      </label>
                      <div className="rsv-muted">{a.address}</div>
                    </td>
                    <td className="num">{a.distanceKm === null ? '—' : `${f.number(a.distanceKm)} km`}</td>
                    <td className="num">{f.quantity(a.usable, item.unit)}</td>
                    <td>{f.day(a.nextExpiry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <FieldError id="issue-warehouse" name="warehouseId" error={errors.warehouseId} />
          <div className="rsv-row">
            {kind === 'recipient' ? <input type="hidden" name="recipient" value={recipient} /> : null}
            <Field
              name="quantity"
              label={t('issue.quantity', { unit: f.unit(item.unit) })}
              type="number"
              min={1}
              required
              defaultValue={typeof values.quantity === 'string' ? values.quantity : undefined}
              error={errors.quantity}
            />
            <Field name="note" label={t('fields.note')} defaultValue={typeof values.note === 'string' ? values.note : undefined} error={errors.note} />
          </div>
          <div>
            <button type="submit" className="btn btn-primary" disabled={navigation.state !== 'idle' || availability.length === 0 || (kind !== 'recipient' && !target)} data-testid="issue-submit">
              {t('issue.submit')}
            </button>
          </div>
        </Form>
      ) : null}
    </main>
  )
}
