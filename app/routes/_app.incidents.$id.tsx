// One incident: its data and area on the map, the event log (append-only, corrections as new
// entries), tasks (place picked on the map), and the close / reopen step. Each form posts an
// `intent`; each intent is one domain call.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useRouteLoaderData, useSearchParams } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { addLogEntry } from '#domain/incidents/add-log-entry.ts'
import { closeIncident } from '#domain/incidents/close-incident.ts'
import { createTask } from '#domain/incidents/create-task.ts'
import { toLocalInputValue } from '#domain/incidents/datetime.ts'
import { getIncident } from '#domain/incidents/get-incident.ts'
import { listAssignableUsers } from '#domain/incidents/list-assignable-users.ts'
import { reopenIncident } from '#domain/incidents/reopen-incident.ts'
import { updateTask } from '#domain/incidents/update-task.ts'
import { readRealtimeCursor } from '#domain/realtime/read-realtime-events.ts'
import { prisma } from '#domain/runtime.ts'
import { getTerritory } from '#domain/territory/get-territory.ts'
import { listNamedAreas } from '#domain/territory/list-named-areas.ts'
import { FormError } from '~/components/app-shell'
import { SeverityBadge, StatusBadge } from '~/components/incidents/badges'
import { EventLog } from '~/components/incidents/event-log'
import { TextAreaField } from '~/components/incidents/form-controls'
import { useFormat } from '~/components/incidents/format'
import { TaskPanel } from '~/components/incidents/task-panel'
import { IncidentMap, mapLinks } from '~/components/map/incident-map'
import { bboxOf, buildMapData } from '~/components/map/map-data'
import { useRealtime } from '~/components/realtime'
import type { loader as rootLoader } from '~/root'
import { asHttpError } from '~/utils/http.server'
import { clientIp, requireUser, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject } from '~/utils/form'
import { RouteErrorCard } from '~/components/route-error'

export const links = mapLinks
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.incident.reference} · Sargs` : 'Sargs' },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:incident:any')
  const db = prisma()
  const realtimeCursor = (await readRealtimeCursor({ prisma: db })).toString()
  const detail = await getIncident({ prisma: db, id: params.id ?? '' }).catch(asHttpError)
  const { incident } = detail
  const [territory, areas, staff] = await Promise.all([
    getTerritory({ prisma: db, id: incident.territoryId }),
    listNamedAreas({ prisma: db, territoryId: incident.territoryId }),
    can(user.role, 'create:task:any') || can(user.role, 'update:task:any')
      ? listAssignableUsers({ prisma: db })
      : Promise.resolve([]),
  ])
  const now = new Date()
  return {
    incident,
    logEntries: detail.logEntries,
    tasks: detail.tasks,
    staff: staff.map((u) => ({ id: u.id, name: u.name })),
    mapData: buildMapData({
      territory,
      areas,
      incidents: [incident],
      tasks: detail.tasks,
      selectedIncidentId: incident.id,
    }),
    focus: incident.area ? bboxOf(incident.area) : null,
    nowLocal: toLocalInputValue(now),
    nowIso: now.toISOString(),
    can: {
      edit: can(user.role, 'update:incident:any'),
      close: can(user.role, 'close:incident:any'),
      log: can(user.role, 'create:log-entry:any'),
      createTask: can(user.role, 'create:task:any'),
      updateTask: can(user.role, 'update:task:any'),
    },
    realtimeCursor,
  }
}

const intents = {
  log: 'create:log-entry:any',
  'task-create': 'create:task:any',
  'task-update': 'update:task:any',
  close: 'close:incident:any',
  reopen: 'close:incident:any',
} as const
type Intent = keyof typeof intents

export async function action({ request, params, context }: ActionFunctionArgs) {
  // who first (anonymous: to sign-in), then what, then whether this role may do it
  const user = await requireUser(request)
  const values = formToObject(await request.formData())
  const intent = values.intent as Intent
  if (typeof intent !== 'string' || !(intent in intents)) throw new Response('Bad Request', { status: 400 })
  if (!can(user.role, intents[intent])) throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const base = { prisma: prisma(), actor: userActor(user, clientIp(context)) }
  const id = params.id ?? ''
  const taskId = typeof values.taskId === 'string' ? values.taskId : ''
  try {
    switch (intent) {
      case 'log':
        await addLogEntry({ ...base, incidentId: id, input: values })
        break
      case 'task-create':
        await createTask({ ...base, incidentId: id, input: values })
        break
      case 'task-update':
        await updateTask({ ...base, taskId, input: values })
        break
      case 'close':
        await closeIncident({ ...base, id, input: values })
        break
      case 'reopen':
        await reopenIncident({ ...base, id })
        break
    }
    return { ok: true as const, intent, errorsFor: null, errors: {} as Record<string, string>, values: {}, at: Date.now() }
  } catch (error) {
    const fields = appErrorFields(error)
    if (!fields) asHttpError(error)
    const errorsFor = intent === 'task-update' ? taskId : intent
    return data({ ok: false as const, intent, errorsFor, errors: fields, values, at: Date.now() }, { status: 422 })
  }
}

export default function IncidentPage() {
  const loaderData = useLoaderData<typeof loader>()
  const { incident, logEntries, tasks, staff, mapData, focus, can: allowed } = loaderData
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const revalidator = useRevalidator()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('incidents')
  const format = useFormat()
  const [since] = useState(loaderData.realtimeCursor)
  const [picking, setPicking] = useState(false)
  const [picked, setPicked] = useState<[number, number] | null>(null)
  const closed = incident.status === 'CLOSED'
  const submitting = navigation.state === 'submitting'

  // live: changes to this incident (log entries, tasks, edits) reload the page's data
  useRealtime([`incident:${incident.id}`], () => revalidator.revalidate(), { since })

  // after a task was added, forget the picked place
  const taskAdded = actionData?.ok && actionData.intent === 'task-create' ? actionData.at : null
  useEffect(() => {
    if (taskAdded) {
      setPicked(null)
      setPicking(false)
    }
  }, [taskAdded])

  const errorsOf = (intent: string) => (actionData && !actionData.ok && actionData.errorsFor === intent ? actionData.errors : undefined)
  const valuesOf = (intent: string) =>
    actionData && !actionData.ok && actionData.errorsFor === intent ? (actionData.values as Record<string, unknown>) : undefined
  const okKey = (intent: string) => (actionData?.ok && actionData.intent === intent ? String(actionData.at) : 'form')

  return (
    <div className="dashboard">
      <div className="map-wrap">
        <IncidentMap
          data={mapData}
          mapStyleUrl={root?.publicConfig?.mapStyleUrl ?? null}
          focus={focus}
          picking={{ active: picking, picked, onPick: (p) => setPicked(p) }}
        />
      </div>
      <aside className="side" data-testid="incident-detail" data-reference={incident.reference} data-status={incident.status}>
        <Link to="/" className="small">
          ← {t('detail.backToMap')}
        </Link>
        <header>
          <div className="incident-badges">
            <SeverityBadge severity={incident.severity} />
            <StatusBadge status={incident.status} />
            <span className="muted small">{t(`types.${incident.type}`)}</span>
            <span className="muted small" data-testid="incident-reference">
              {incident.reference}
            </span>
            {incident.demo ? <span className="badge">{t('detail.demo')}</span> : null}
          </div>
          <h1 data-testid="incident-title">{incident.title}</h1>
          {incident.description ? (
            <p className="entry-body" style={{ whiteSpace: 'pre-wrap' }}>
              {incident.description}
            </p>
          ) : (
            <p className="muted">{t('detail.noDescription')}</p>
          )}
          <dl className="incident-meta">
            <dt>{t('fields.createdAt')}</dt>
            <dd>
              <time dateTime={incident.createdAt}>{format.dateTime(incident.createdAt)}</time>
            </dd>
            <dt>{t('fields.updatedAt')}</dt>
            <dd>
              <time dateTime={incident.updatedAt}>{format.dateTime(incident.updatedAt)}</time>
            </dd>
            {incident.areaCircle ? (
              <>
                <dt>{t('fields.area')}</dt>
                <dd>{t('detail.circleArea', { radius: format.distance(incident.areaCircle.radiusM) })}</dd>
              </>
            ) : null}
          </dl>
        </header>

        {closed ? (
          <div className="closed-notice" data-testid="closed-notice">
            {t('detail.closedNotice', { date: incident.closedAt ? format.dateTime(incident.closedAt) : '' })}
            {allowed.close ? (
              <Form method="post" style={{ marginTop: '0.5rem' }}>
                <input type="hidden" name="intent" value="reopen" />
                <FormError error={errorsOf('reopen')?.form} />
                <button type="submit" className="btn btn-small" data-testid="reopen-incident" disabled={submitting}>
                  {t('detail.reopen')}
                </button>
              </Form>
            ) : null}
          </div>
        ) : (
          <div className="row actions">
            {allowed.edit ? (
              <Link to={`/incidents/${incident.id}/edit`} className="btn" data-testid="edit-incident">
                {t('detail.edit')}
              </Link>
            ) : null}
            {allowed.close ? (
              <details className="panel" open={errorsOf('close') ? true : undefined}>
                <summary className="btn btn-danger" data-testid="close-incident-toggle">{t('detail.close')}</summary>
                <Form method="post" className="stack" data-testid="close-form">
                  <input type="hidden" name="intent" value="close" />
                  <FormError error={errorsOf('close')?.form} />
                  <TextAreaField
                    idPrefix="close"
                    name="note"
                    label={t('detail.closeNote')}
                    error={errorsOf('close')?.note}
                    rows={2}
                  />
                  <div>
                    <button type="submit" className="btn btn-danger" data-testid="close-incident" disabled={submitting}>
                      {t('detail.closeConfirm')}
                    </button>
                  </div>
                </Form>
              </details>
            ) : null}
          </div>
        )}

        <EventLog
          entries={logEntries}
          canAdd={allowed.log}
          nowLocal={loaderData.nowLocal}
          corrects={actionData?.ok && actionData.intent === 'log' ? null : searchParams.get('corrects')}
          errors={errorsOf('log')}
          values={valuesOf('log')}
          submitting={submitting}
          formKey={okKey('log')}
        />

        <TaskPanel
          tasks={tasks}
          staff={staff}
          canCreate={allowed.createTask}
          canUpdate={allowed.updateTask}
          frozen={closed}
          nowIso={loaderData.nowIso}
          errors={actionData && !actionData.ok ? actionData.errors : undefined}
          errorsFor={actionData && !actionData.ok ? actionData.errorsFor : null}
          values={valuesOf('task-create')}
          picking={picking}
          picked={picked}
          onTogglePicking={() => setPicking((p) => !p)}
          submitting={submitting}
          formKey={okKey('task-create')}
        />
      </aside>
    </div>
  )
}

export function ErrorBoundary() {
  return <RouteErrorCard testId="incident-error" />
}
