// Editing an incident: the same form as creating one, prefilled; the current area is shown on
// the map and kept unless a new one is drawn. A closed incident cannot be edited (reopen first).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation, useRouteLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { getIncident } from '#domain/incidents/get-incident.ts'
import { updateIncident } from '#domain/incidents/update-incident.ts'
import { prisma } from '#domain/runtime.ts'
import { getTerritory } from '#domain/territory/get-territory.ts'
import { listNamedAreas } from '#domain/territory/list-named-areas.ts'
import { IncidentForm, type IncidentFormValues } from '~/components/incidents/incident-form'
import { IncidentMap, mapLinks } from '~/components/map/incident-map'
import { bboxOf, buildMapData, type DrawnArea } from '~/components/map/map-data'
import type { loader as rootLoader } from '~/root'
import { asHttpError } from '~/utils/http.server'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'
import { RouteErrorCard } from '~/components/route-error'

export const links = mapLinks
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.incident.reference} · Sargs` : 'Sargs' },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'update:incident:any')
  const db = prisma()
  const { incident } = await getIncident({ prisma: db, id: params.id ?? '' }).catch(asHttpError)
  if (incident.status === 'CLOSED') throw redirect(`/incidents/${incident.id}`)
  const [territory, areas] = await Promise.all([
    getTerritory({ prisma: db, id: incident.territoryId }),
    listNamedAreas({ prisma: db, territoryId: incident.territoryId }),
  ])
  return {
    incident,
    mapData: buildMapData({ territory, areas, incidents: [incident], selectedIncidentId: incident.id }),
    focus: incident.area ? bboxOf(incident.area) : null,
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'update:incident:any')
  const values = formToObject(await request.formData())
  // the edit form always sends title and description (empty fields are dropped by formToObject):
  // an emptied title is refused, an emptied description clears it
  if (values.title === undefined) values.title = ''
  if (values.description === undefined) values.description = ''
  try {
    const incident = await updateIncident({
      prisma: prisma(),
      actor: userActor(user, clientIp(context)),
      id: params.id ?? '',
      input: values,
    })
    return redirect(`/incidents/${incident.id}`)
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, values)
    asHttpError(error)
  }
}

export default function EditIncident() {
  const { incident, mapData, focus } = useLoaderData<typeof loader>()
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('incidents')
  const [drawn, setDrawn] = useState<DrawnArea | null>(null)
  const submitted = (actionData?.values ?? null) as IncidentFormValues | null
  const defaults: IncidentFormValues = submitted ?? {
    title: incident.title,
    type: incident.type,
    severity: incident.severity,
    status: incident.status,
    description: incident.description,
  }
  return (
    <div className="dashboard">
      <div className="map-wrap">
        <IncidentMap
          data={mapData}
          mapStyleUrl={root?.publicConfig?.mapStyleUrl ?? null}
          focus={focus}
          drawing={{ active: true, onArea: setDrawn }}
        />
      </div>
      <aside className="side" data-testid="incident-edit">
        <IncidentForm
          mode="edit"
          heading={t('form.editHeading', { reference: incident.reference })}
          defaults={defaults}
          errors={actionData?.errors}
          drawn={drawn}
          cancelTo={`/incidents/${incident.id}`}
          submitting={navigation.state === 'submitting'}
        />
      </aside>
    </div>
  )
}

export function ErrorBoundary() {
  return <RouteErrorCard testId="incident-error" />
}
