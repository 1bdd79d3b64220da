// The commission's main screen: the map (territory, named areas, open incidents) on the left,
// the list of open incidents on the right. "New incident" (?new) switches the map to drawing and
// shows the form; the action creates the incident and goes to its page.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import {
  Link,
  useActionData,
  useLoaderData,
  useNavigate,
  useNavigation,
  useRevalidator,
  useRouteLoaderData,
  useSearchParams,
} from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { createIncident } from '#domain/incidents/create-incident.ts'
import { listIncidents } from '#domain/incidents/list-incidents.ts'
import { listOpenTasks } from '#domain/incidents/list-open-tasks.ts'
import { readRealtimeCursor } from '#domain/realtime/read-realtime-events.ts'
import { prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { listNamedAreas } from '#domain/territory/list-named-areas.ts'
import { listShelters } from '#domain/shelters/list-shelters.ts'
import { listDevicesForMap } from '#domain/devices/devices.ts'
import { buildDeviceFeatures } from '~/components/devices/device-map-data'
import { IncidentForm, type IncidentFormValues } from '~/components/incidents/incident-form'
import { IncidentList } from '~/components/incidents/incident-list'
import { IncidentMap, mapLinks } from '~/components/map/incident-map'
import { buildMapData, type DrawnArea } from '~/components/map/map-data'
import { useRealtime } from '~/components/realtime'
import { buildShelterFeatures, type ShelterLayerFilter } from '~/components/shelters/shelter-map-data'
import { ShelterLayerControls, ShelterMapPanel } from '~/components/shelters/shelter-map-panel'
import '~/components/shelters/shelters.css'
import type { loader as rootLoader } from '~/root'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'

export const links = mapLinks
export const meta: MetaFunction = () => [{ title: 'Sargs' }]

/** closed incidents stay on the map (faded) this long */
const RECENTLY_CLOSED_MS = 24 * 60 * 60 * 1000

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:incident:any')
  const db = prisma()
  // the cursor first: every event after the data below was read is replayed to this page
  const realtimeCursor = (await readRealtimeCursor({ prisma: db })).toString()
  const territory = await getDefaultTerritory({ prisma: db })
  const canCreate = can(user.role, 'create:incident:any')
  const shelterAccess = { read: can(user.role, 'read:shelter:any'), operate: can(user.role, 'operate:shelter:any') }
  // sirens, displays and gateways with their health: for staff who follow alerts
  const seesDevices = can(user.role, 'read:alert:any')
  if (!territory) return { territory: null, incidents: [], mapData: null, canCreate, realtimeCursor, shelters: [], shelterAccess, devices: null }
  const [areas, incidents, tasks, shelters, devices] = await Promise.all([
    listNamedAreas({ prisma: db, territoryId: territory.id }),
    listIncidents({
      prisma: db,
      territoryId: territory.id,
      filter: 'open',
      closedSince: new Date(Date.now() - RECENTLY_CLOSED_MS),
    }),
    listOpenTasks({ prisma: db, territoryId: territory.id }),
    shelterAccess.read ? listShelters({ prisma: db, actor: userActor(user), territoryId: territory.id }) : Promise.resolve([]),
    seesDevices ? listDevicesForMap(db, territory.id) : Promise.resolve(null),
  ])
  return {
    territory: { id: territory.id, name: territory.name, demo: territory.demo },
    incidents: incidents
      .filter((i) => i.status !== 'CLOSED')
      .map(({ id, reference, title, type, severity, status, updatedAt }) => ({
        id,
        reference,
        title,
        type,
        severity,
        status,
        updatedAt,
      })),
    mapData: { ...buildMapData({ territory, areas, incidents, tasks }), shelters: shelterAccess.read ? buildShelterFeatures(shelters) : undefined, ...(devices ? { devices: buildDeviceFeatures(devices) } : {}) },
    canCreate,
    realtimeCursor,
    shelters: shelters.map(({ id, name, kind, status, storedStatus, freePlaces, capacity, occupancy, address }) => ({ id, name, kind, status, storedStatus, freePlaces, capacity, occupancy, address })),
    shelterAccess,
    devices: devices ? { total: devices.length, online: devices.filter((d) => d.online).length } : null,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'create:incident:any')
  const values = formToObject(await request.formData())
  try {
    const incident = await createIncident({ prisma: prisma(), actor: userActor(user, clientIp(context)), input: values })
    return redirect(`/incidents/${incident.id}`)
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, values)
    throw error
  }
}

export default function Dashboard() {
  const { territory, incidents, mapData, canCreate, realtimeCursor, shelters, shelterAccess, devices } = useLoaderData<typeof loader>()
  const { t: td } = useTranslation('devices')
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const navigate = useNavigate()
  const revalidator = useRevalidator()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('incidents')
  const [drawn, setDrawn] = useState<DrawnArea | null>(null)
  const [since] = useState(realtimeCursor)
  const creating = canCreate && searchParams.has('new')
  const [shelterFilter, setShelterFilter] = useState<ShelterLayerFilter>({ kind: '', stepFree: false })
  const [shelterId, setShelterId] = useState<string | null>(null)
  const selectedShelter = shelters.find((s) => s.id === shelterId) ?? null

  // live: any change in the territory reloads this page's data
  useRealtime(territory ? [`territory:${territory.id}`] : [], () => revalidator.revalidate(), { since })

  if (!territory || !mapData) {
    return (
      <main className="page">
        <p className="card" data-testid="no-territory">
          {t('dashboard.noTerritory')}
        </p>
      </main>
    )
  }

  return (
    <div className="dashboard">
      <div className="map-wrap">
        <IncidentMap
          data={mapData}
          mapStyleUrl={root?.publicConfig?.mapStyleUrl ?? null}
          drawing={creating ? { active: true, onArea: setDrawn } : undefined}
          onIncidentClick={creating ? undefined : (id) => navigate(`/incidents/${id}`)}
          onShelterClick={creating ? undefined : setShelterId}
          shelterFilter={shelterFilter}
        />
      </div>
      <aside className="side" data-testid="side-panel">
        {creating ? (
          <IncidentForm
            mode="create"
            heading={t('form.createHeading')}
            defaults={(actionData?.values ?? {}) as unknown as IncidentFormValues}
            errors={actionData?.errors}
            drawn={drawn}
            cancelTo="/"
            submitting={navigation.state === 'submitting'}
          />
        ) : (
          <>
            <div className="side-head">
              <div>
                <h1>{t('dashboard.heading')}</h1>
                <div className="muted small" data-testid="incident-count">
                  {t('dashboard.count', { count: incidents.length })}
                </div>
              </div>
              {canCreate ? (
                <Link to="?new" className="btn btn-primary" data-testid="new-incident">
                  {t('dashboard.newIncident')}
                </Link>
              ) : null}
            </div>
            {devices && devices.total > 0 ? (
              <p className="small" data-testid="device-layer-count">
                <span aria-hidden="true" style={{ display: 'inline-block', width: 10, height: 10, background: '#15803d', border: '1px solid #111827', marginRight: 6 }} />
                {td('map.layer')}: {td('map.countOnline', { online: devices.online, total: devices.total })}
              </p>
            ) : null}
            {shelterAccess.read ? <ShelterLayerControls filter={shelterFilter} onChange={setShelterFilter} count={shelters.length} /> : null}
            {selectedShelter ? (
              <ShelterMapPanel shelter={selectedShelter} incidents={incidents.filter((i) => i.status !== 'CLOSED')} canOperate={shelterAccess.operate} onClose={() => setShelterId(null)} />
            ) : null}
            {incidents.length ? (
              <IncidentList incidents={incidents} />
            ) : (
              <p className="muted" data-testid="incident-list-empty">
                {t('dashboard.empty')}
              </p>
            )}
            <Link to="/incidents" className="small" data-testid="all-incidents">
              {t('dashboard.allIncidents')}
            </Link>
            {territory.demo ? <p className="demo-note">{t('dashboard.demoData', { name: territory.name })}</p> : null}
          </>
        )}
      </aside>
    </div>
  )
}
