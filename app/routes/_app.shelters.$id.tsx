// One shelter: status with open/close, occupancy (check in and out, households when switched
// on), the registry data, inspections with defects (a defect → a task of an open incident), and
// the QR poster for resident check-in. Each form posts an `intent`; each intent is one domain call.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react'
import QRCode from 'qrcode'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can, type Permission } from '#domain/auth/policy.ts'
import { feedBaseUrl } from '#domain/public-alerts/feed-response.ts'
import { readRealtimeCursor } from '#domain/realtime/read-realtime-events.ts'
import { prisma } from '#domain/runtime.ts'
import { createDefectTask } from '#domain/shelters/create-defect-task.ts'
import { eraseHousehold } from '#domain/shelters/erase-household.ts'
import { getShelter } from '#domain/shelters/get-shelter.ts'
import { recordInspection } from '#domain/shelters/record-inspection.ts'
import { recordOccupancy } from '#domain/shelters/record-occupancy.ts'
import { rotateQrToken } from '#domain/shelters/rotate-qr-token.ts'
import { setShelterStatus } from '#domain/shelters/set-shelter-status.ts'
import { useFormat } from '~/components/incidents/format'
import { useRealtime } from '~/components/realtime'
import { InspectionsPanel } from '~/components/shelters/inspections-panel'
import { OccupancyPanel } from '~/components/shelters/occupancy-panel'
import { FreePlaces, ShelterFlags, ShelterStatusBadge } from '~/components/shelters/shelter-badges'
import { ShelterStatusForm } from '~/components/shelters/status-form'
import { clientIp, requireUser, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'
import '~/components/shelters/shelters.css'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.shelter.name} · Sargs` : 'Sargs' }]

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:shelter:any')
  const db = prisma()
  const realtimeCursor = (await readRealtimeCursor({ prisma: db })).toString()
  const detail = await getShelter({ prisma: db, actor: userActor(user), shelterId: params.id ?? '' }).catch(asHttpError)
  const { qrToken, ...shelter } = detail.shelter
  const checkInUrl = qrToken ? `${feedBaseUrl(request, context.publicUrl)}/shelter-check-in/${qrToken}` : null
  const qrImage = checkInUrl ? await QRCode.toDataURL(checkInUrl, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) : null
  return {
    ...detail,
    shelter,
    checkInUrl,
    qrImage,
    can: {
      operate: can(user.role, 'operate:shelter:any'),
      manage: can(user.role, 'manage:shelter:any'),
      task: can(user.role, 'manage:shelter:any') && can(user.role, 'create:task:any'),
    },
    realtimeCursor,
  }
}

const intents: Record<string, Permission[]> = {
  status: ['operate:shelter:any'],
  occupancy: ['operate:shelter:any'],
  'erase-household': ['operate:shelter:any'],
  inspection: ['manage:shelter:any'],
  'defect-task': ['manage:shelter:any', 'create:task:any'],
  'rotate-qr': ['manage:shelter:any'],
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const values = formToObject(await request.formData())
  const intent = typeof values.intent === 'string' ? values.intent : ''
  if (!(intent in intents)) throw new Response('Bad Request', { status: 400 })
  if (!intents[intent].every((p) => can(user.role, p))) throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const base = { prisma: prisma(), actor: userActor(user, clientIp(context)) }
  const shelterId = params.id ?? ''
  try {
    if (intent === 'status') await setShelterStatus({ ...base, shelterId, input: values })
    else if (intent === 'occupancy') await recordOccupancy({ ...base, shelterId, input: values })
    else if (intent === 'erase-household') await eraseHousehold({ ...base, householdId: String(values.householdId ?? '') })
    else if (intent === 'inspection') await recordInspection({ ...base, shelterId, input: values })
    else if (intent === 'defect-task') await createDefectTask({ ...base, defectId: String(values.defectId ?? ''), input: values })
    else await rotateQrToken({ ...base, shelterId })
    return { ok: true as const, intent, errors: {} as Record<string, string>, values: {}, at: Date.now() }
  } catch (error) {
    const fields = appErrorFields(error)
    if (!fields) return asHttpError(error)
    return data({ ok: false as const, intent, errors: fields, values, at: Date.now() }, { status: 422 })
  }
}

export default function ShelterPage() {
  const loaderData = useLoaderData<typeof loader>()
  const { shelter, incident, inspections, entries, households, householdsEnabled, openIncidents, checkInUrl, qrImage, can: allowed } = loaderData
  const actionData = useActionData<typeof action>()
  const revalidator = useRevalidator()
  const { t } = useTranslation('shelters')
  const format = useFormat()
  const [since] = useState(loaderData.realtimeCursor)
  useRealtime([`territory:${shelter.territoryId}`], () => revalidator.revalidate(), { since })
  const errorsOf = (intent: string) => (actionData && !actionData.ok && actionData.intent === intent ? actionData.errors : undefined)

  return (
    <main className="page shelters-page" data-testid="shelter-page" data-status={shelter.status}>
      <Link to="/shelters" className="small">
        ← {t('detail.back')}
      </Link>
      <div className="side-head">
        <div>
          <p className="incident-badges">
            <ShelterStatusBadge status={shelter.status} /> <span className="muted small">{t(`kinds.${shelter.kind}`)}</span> <span className="muted small">{shelter.code}</span>
            {shelter.demo ? <span className="badge">{t('detail.demo')}</span> : null}
          </p>
          <h1 data-testid="shelter-name">{shelter.name}</h1>
          <p className="muted">{shelter.address}</p>
        </div>
        {allowed.manage ? (
          <Link to={`/shelters/${shelter.id}/edit`} className="btn" data-testid="shelter-edit">
            {t('detail.edit')}
          </Link>
        ) : null}
      </div>
      <div className="shelter-detail">
        <section className="card" aria-labelledby="occupancy-heading">
          <h2 id="occupancy-heading">{t('occupancy.heading')}</h2>
          <div>
            <span className="occupancy-big" data-testid="shelter-occupancy">
              {shelter.occupancy}
            </span>{' '}
            <span className="muted">{t('detail.inside')}</span>
          </div>
          <FreePlaces status={shelter.status} freePlaces={shelter.freePlaces} capacity={shelter.capacity} />
          <p className="small muted">{t('detail.capacityDayNight', { day: shelter.capacityDay, night: shelter.capacityNight })}</p>
          {incident ? (
            <p className="small">
              {t('detail.incident')}: <Link to={`/incidents/${incident.id}`}>{incident.reference} {incident.title}</Link>
            </p>
          ) : null}
          {shelter.statusChangedAt ? <p className="small muted">{t('detail.statusChanged', { time: format.dateTime(shelter.statusChangedAt) })}</p> : null}
          {allowed.operate ? <ShelterStatusForm shelterId={shelter.id} status={shelter.storedStatus} incidents={openIncidents} errors={errorsOf('status')} /> : null}
          {allowed.operate ? <OccupancyPanel shelter={shelter} households={households} householdsEnabled={householdsEnabled} errors={errorsOf('occupancy')} /> : null}
          <h3>{t('occupancy.recent')}</h3>
          {entries.length ? (
            <ul className="entries" data-testid="occupancy-entries">
              {entries.map((e) => (
                <li key={e.id}>
                  <span className={e.direction === 'IN' ? 'in' : 'out'}>
                    {e.direction === 'IN' ? '+' : '−'}
                    {e.people}
                  </span>
                  <span>{t(`occupancy.source.${e.source}`)}</span>
                  <span className="muted">→ {e.occupancyAfter}</span>
                  <span className="muted">{format.short(e.occurredAt)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="small muted">{t('occupancy.none')}</p>
          )}
        </section>
        <section className="card" aria-labelledby="registry-heading">
          <h2 id="registry-heading">{t('detail.registry')}</h2>
          <ShelterFlags shelter={shelter} />
          <dl className="shelter-meta">
            <dt>{t('fields.responsibleName')}</dt>
            <dd>{shelter.responsibleName || '—'}</dd>
            <dt>{t('fields.responsiblePhone')}</dt>
            <dd>{shelter.responsiblePhone ? <a href={`tel:${shelter.responsiblePhone.replace(/\s/g, '')}`}>{shelter.responsiblePhone}</a> : '—'}</dd>
            <dt>{t('fields.responsibleEmail')}</dt>
            <dd>{shelter.responsibleEmail ? <a href={`mailto:${shelter.responsibleEmail}`}>{shelter.responsibleEmail}</a> : '—'}</dd>
            <dt>{t('list.lastInspection')}</dt>
            <dd>{shelter.lastInspectionAt ? `${format.dateTime(shelter.lastInspectionAt)} — ${shelter.lastInspectionFindings || '—'}` : t('list.never')}</dd>
          </dl>
          <h3>{t('fields.openingProcedure')}</h3>
          <p style={{ whiteSpace: 'pre-wrap' }} className="small">
            {shelter.openingProcedure || '—'}
          </p>
          <InspectionsPanel inspections={inspections} openIncidents={openIncidents} canManage={allowed.manage} canTask={allowed.task} errors={errorsOf('inspection') ?? errorsOf('defect-task')} />
          {qrImage && checkInUrl ? (
            <div className="qr-poster" data-testid="shelter-qr">
              <h3>{t('qr.heading')}</h3>
              <p className="small">{t('qr.hint')}</p>
              <img src={qrImage} alt={t('qr.alt', { name: shelter.name })} width={220} height={220} />
              <p className="qr-url">{checkInUrl}</p>
              <Form method="post">
                <input type="hidden" name="intent" value="rotate-qr" />
                <button type="submit" className="btn btn-small" data-testid="qr-rotate">
                  {t('qr.rotate')}
                </button>
              </Form>
            </div>
          ) : null}
        </section>
      </div>
    </main>
  )
}
