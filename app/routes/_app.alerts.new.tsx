// Composing an alert: from scratch, from a template (?template=&phenomenon=&shelter=&area=), or
// as an Update / Cancel / all-clear of an alert in force (?references=<alertId>[&msgType=Cancel]).
// The operator chooses the channels (default web push and SMS; a channel this server cannot send on
// is shown disabled with the reason), picks paging, device and staff groups (with their counts) and
// may shorten the SMS text per language. Saving validates the whole alert and opens the draft with its preview.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation, useRouteLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import type { ComposerValues } from '#domain/alerts/composer-fields.ts'
import { loadComposerGroups } from '#domain/alerts/group-picks.ts'
import { listReferenceableAlerts } from '#domain/alerts/list-referenceable-alerts.ts'
import { loadComposerContext } from '#domain/alerts/load-composer-context.ts'
import { previewAlertIdentifier } from '#domain/alerts/new-alert-identity.ts'
import { prefillComposer, type ComposerPrefill } from '#domain/alerts/prefill-composer.ts'
import { saveAlertDraft } from '#domain/alerts/save-alert-draft.ts'
import { configuredChannels, prisma } from '#domain/runtime.ts'
import { ComposeForm, parseDrawn, submittedValues } from '~/components/alerts/compose-form'
import { composeMapData } from '~/components/alerts/compose-map.server'
import { ComposeTemplatePicker } from '~/components/alerts/compose-template-picker'
import { IncidentMap, mapLinks } from '~/components/map/incident-map'
import type { DrawnArea } from '~/components/map/map-data'
import type { loader as rootLoader } from '~/root'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'
import { getLanguage } from '~/utils/i18n.server'
import { RouteErrorCard } from '~/components/route-error'

export const links = mapLinks
export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request, context: appContext }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'create:alert:exercise')
  const url = new URL(request.url)
  const q = (name: string) => url.searchParams.get(name)
  const db = prisma()
  const actor = userActor(user)
  const context = await loadComposerContext({ prisma: db }).catch(asHttpError)
  const base = { prisma: db, actor, territory: context.territory, referencesAlertId: q('references'), msgType: q('msgType') }
  let prefill: ComposerPrefill
  let templateError: string | null = null
  try {
    prefill = await prefillComposer({ ...base, templateId: q('template'), phenomenon: q('phenomenon'), shelter: q('shelter'), areaName: q('area') })
  } catch (error) {
    const fields = appErrorFields(error)
    if (!fields) return asHttpError(error)
    templateError = Object.values(fields)[0]
    prefill = await prefillComposer(base).catch(asHttpError)
  }
  const referenceable = await listReferenceableAlerts({ prisma: db, territoryId: context.territory.id, language: await getLanguage(request) })
  const map = composeMapData({ ...context, area: prefill.values.area, namedAreaIds: prefill.values.namedAreaIds, label: prefill.values.areaLabel ?? '' })
  return {
    values: { ...prefill.values, templateId: prefill.templateId ?? undefined } as ComposerValues,
    templateError,
    query: { template: q('template'), phenomenon: q('phenomenon'), shelter: q('shelter'), area: q('area'), references: q('references') },
    original: prefill.original,
    namedAreas: context.namedAreas.map((a) => ({ id: a.id, name: a.name })),
    referenceable: referenceable.filter((r) => r.status === 'Exercise' || can(user.role, 'create:alert:any')),
    mayIssueReal: can(user.role, 'create:alert:any'),
    groups: await loadComposerGroups(db, context.territory.id),
    configured: configuredChannels(),
    smsLink: { baseUrl: appContext.publicUrl ?? null, identifier: previewAlertIdentifier(context.territory.slug) },
    ...map,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'create:alert:exercise')
  const values = formToObject(await request.formData())
  try {
    // the checkbox group: none ticked sends nothing, which is a choice to refuse
    const { id } = await saveAlertDraft({ prisma: prisma(), actor: userActor(user, clientIp(context)), values, channels: values.channels ?? [] })
    return redirect(`/alerts/drafts/${id}`)
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, values)
    return asHttpError(error)
  }
}

export default function NewAlert() {
  const data = useLoaderData<typeof loader>()
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('alerts')
  const values = actionData?.values ? submittedValues(actionData.values) : data.values
  const [drawn, setDrawn] = useState<DrawnArea | null>(() => parseDrawn(values.area))
  return (
    <div className="compose-layout">
      <div className="map-wrap">
        <IncidentMap data={data.mapData} mapStyleUrl={root?.publicConfig?.mapStyleUrl ?? null} focus={data.focus} drawing={{ active: true, onArea: setDrawn }} />
      </div>
      <aside className="side" data-testid="compose">
        <h1>{data.original ? t('compose.headingUpdate', { identifier: data.original.identifier }) : t('compose.heading')}</h1>
        <ComposeTemplatePicker
          templateId={data.query.template}
          phenomenon={data.query.phenomenon}
          shelter={data.query.shelter}
          areaName={data.query.area}
          references={data.query.references}
          error={data.templateError}
        />
        <ComposeForm
          key={JSON.stringify(data.query)}
          values={values}
          errors={actionData?.errors}
          namedAreas={data.namedAreas}
          referenceable={data.referenceable}
          mayIssueReal={data.mayIssueReal}
          drawn={drawn}
          submitting={navigation.state === 'submitting'}
          submitLabel={t('compose.saveAndPreview')}
          smsLink={data.smsLink}
          groups={data.groups}
          configured={data.configured}
        />
      </aside>
    </div>
  )
}

export function ErrorBoundary() {
  return <RouteErrorCard testId="alert-error" />
}
