// One alert draft: its preview (recipients per chosen channel, whether this server can send on it,
// what each language shows on the phone, the exact SMS text with its encoding and parts),
// where it stands with approval, and the actions — edit (intent=save), submit for approval,
// approve or reject (a second staff member), issue with the area's name typed, discard. After
// issuing, the alert's progress page (/alerts/<id>/progress).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation, useRouteLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { approveAlertDraft } from '#domain/alerts/approve-alert-draft.ts'
import { composerValuesOf } from '#domain/alerts/composer-values.ts'
import { discardAlertDraft } from '#domain/alerts/discard-alert-draft.ts'
import { getAlertDraft } from '#domain/alerts/get-alert-draft.ts'
import { issueAlertDraft } from '#domain/alerts/issue-alert-draft.ts'
import { listReferenceableAlerts } from '#domain/alerts/list-referenceable-alerts.ts'
import { loadComposerGroups } from '#domain/alerts/group-picks.ts'
import { draftIdentity, loadComposerContext } from '#domain/alerts/load-composer-context.ts'
import { previewAlertIdentifier } from '#domain/alerts/new-alert-identity.ts'
import { previewAlert, type AlertPreview } from '#domain/alerts/preview-alert-draft.ts'
import { rejectAlertDraft } from '#domain/alerts/reject-alert-draft.ts'
import { saveAlertDraft } from '#domain/alerts/save-alert-draft.ts'
import { submitAlertDraft } from '#domain/alerts/submit-alert-draft.ts'
import { validateDraftPayload } from '#domain/alerts/validate-draft-payload.ts'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { configuredChannels, prisma } from '#domain/runtime.ts'
import { ComposeApproval } from '~/components/alerts/compose-approval'
import { ComposeForm, parseDrawn, submittedValues } from '~/components/alerts/compose-form'
import { composeMapData } from '~/components/alerts/compose-map.server'
import { ComposePreview } from '~/components/alerts/compose-preview'
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

export async function loader({ request, params, context: appContext }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'create:alert:exercise')
  const db = prisma()
  const actor = userActor(user)
  const draft = await getAlertDraft({ prisma: db, actor, id: params.id ?? '' }).catch(asHttpError)
  if (draft.state === 'ISSUED' && draft.alertId) throw redirect(`/alerts/${draft.alertId}/progress`)
  const context = await loadComposerContext({ prisma: db, territoryId: draft.territoryId }).catch(asHttpError)
  const values = composerValuesOf(draft.payload, draft.channels, draft.picks)
  const identity = draftIdentity(context.territory, new Date())
  const checked = validateDraftPayload({ payload: draft.payload, identity, boundary: context.territory.boundary, channels: draft.channels })
  const publicBaseUrl = appContext.publicUrl ?? null
  let preview: AlertPreview | null = null
  // the channels this server can send on (SMS only when a provider is configured)
  if (checked.alert) {
    preview = await previewAlert({
      prisma: db,
      alert: checked.alert,
      channels: draft.channels,
      territoryId: draft.territoryId,
      publicBaseUrl,
      configuredChannels: configuredChannels(),
      picks: draft.picks,
      scope: draft.payload.scope,
    })
  }
  const groups = await loadComposerGroups(db, draft.territoryId)
  const referenceable = await listReferenceableAlerts({ prisma: db, territoryId: draft.territoryId, language: await getLanguage(request) })
  return {
    draft,
    values,
    preview,
    previewErrors: checked.errors,
    editable: ['DRAFT', 'AWAITING_APPROVAL', 'REJECTED'].includes(draft.state),
    viewer: { id: user.id, mayApprove: can(user.role, 'approve:alert:any') },
    namedAreas: context.namedAreas.map((a) => ({ id: a.id, name: a.name })),
    referenceable: referenceable.filter((r) => r.status === 'Exercise' || can(user.role, 'create:alert:any')),
    mayIssueReal: can(user.role, 'create:alert:any'),
    groups,
    configured: configuredChannels(),
    smsLink: { baseUrl: publicBaseUrl, identifier: previewAlertIdentifier(context.territory.slug) },
    ...composeMapData({ ...context, area: values.area, namedAreaIds: values.namedAreaIds, label: draft.areaName }),
  }
}

const intentPermission = { approve: 'approve:alert:any', reject: 'approve:alert:any' } as const

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData()
  const intent = String(form.get('intent') ?? '')
  const user = await requireUserWithPermission(request, intentPermission[intent as keyof typeof intentPermission] ?? 'create:alert:exercise')
  const options = { prisma: prisma(), actor: userActor(user, clientIp(context)), id: params.id ?? '' }
  const values = formToObject(form)
  try {
    switch (intent) {
      case 'save':
        // the checkbox group: none ticked sends nothing, which is a choice to refuse
        await saveAlertDraft({ ...options, values, channels: values.channels ?? [] })
        return redirect(`/alerts/drafts/${options.id}`)
      case 'submit':
        await submitAlertDraft(options)
        return redirect(`/alerts/drafts/${options.id}`)
      case 'approve':
        await approveAlertDraft(options)
        return redirect(`/alerts/drafts/${options.id}`)
      case 'reject':
        await rejectAlertDraft({ ...options, reason: values.reason })
        return redirect(`/alerts/drafts/${options.id}`)
      case 'discard':
        await discardAlertDraft(options)
        return redirect('/alerts/new')
      case 'issue': {
        const { alertId } = await issueAlertDraft({ ...options, confirmation: values.confirmation })
        return redirect(`/alerts/${alertId}/progress`)
      }
      default:
        return invalid({ form: 'errors:invalid' })
    }
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, intent === 'save' ? values : {})
    return asHttpError(error)
  }
}

export default function AlertDraft() {
  const data = useLoaderData<typeof loader>()
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('alerts')
  const saved = actionData && 'values' in actionData && Object.keys(actionData.values ?? {}).length ? submittedValues(actionData.values) : null
  const values = saved ?? data.values
  const [drawn, setDrawn] = useState<DrawnArea | null>(() => parseDrawn(values.area))
  const errors = actionData?.errors
  const formErrors = saved ? errors : data.previewErrors
  const languages = data.draft.payload.info.map((i) => i.language.split('-')[0])
  const headline = data.draft.payload.info[0]?.headline ?? data.draft.payload.info[0]?.event ?? ''
  const openForm = Boolean(saved) || !data.preview
  return (
    <div className="compose-layout">
      <div className="map-wrap">
        <IncidentMap
          data={data.mapData}
          mapStyleUrl={root?.publicConfig?.mapStyleUrl ?? null}
          focus={data.focus}
          drawing={data.editable ? { active: true, onArea: setDrawn } : undefined}
        />
      </div>
      <aside className="side" data-testid="alert-draft" data-state={data.draft.state}>
        <div>
          <div className="incident-badges">
            <span className={`badge status-${data.draft.status}`}>{t(`compose.status.${data.draft.status}`)}</span>
            <span className="badge">{t(`compose.msgType.${data.draft.msgType}`)}</span>
            <span className={`badge state-${data.draft.state}`} data-testid="draft-state">
              {t(`approval.state.${data.draft.state}`)}
            </span>
            {languages.map((l) => (
              <span key={l} className="lang-tag">
                {l}
              </span>
            ))}
          </div>
          <h1 style={{ fontSize: '1.25rem', margin: 0 }}>{headline}</h1>
          <div className="hint">{t('compose.areaIs', { name: data.draft.areaName })}</div>
        </div>
        {data.previewErrors && !saved ? (
          <p className="form-error" role="alert" data-testid="preview-invalid">
            {t('compose.preview.invalid')}
          </p>
        ) : null}
        {data.editable && data.preview ? (
          <ComposeApproval draft={data.draft} viewer={data.viewer} errors={saved ? undefined : errors} submitting={navigation.state === 'submitting'} ready={!data.previewErrors} />
        ) : null}
        {data.preview ? <ComposePreview preview={data.preview} /> : null}
        {data.editable ? (
          <details className="panel section" open={openForm} data-testid="draft-edit">
            <summary>{t('compose.edit')}</summary>
            <ComposeForm
              values={values}
              errors={formErrors ?? undefined}
              namedAreas={data.namedAreas}
              referenceable={data.referenceable}
              mayIssueReal={data.mayIssueReal}
              drawn={drawn}
              submitting={navigation.state === 'submitting'}
              submitLabel={t('compose.saveAndPreview')}
              intent="save"
              smsLink={data.smsLink}
              groups={data.groups}
              configured={data.configured}
            />
          </details>
        ) : (
          <p className="closed-notice">{t(`approval.state.${data.draft.state}`)}</p>
        )}
      </aside>
    </div>
  )
}

export function ErrorBoundary() {
  return <RouteErrorCard testId="alert-error" />
}
