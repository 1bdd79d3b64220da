// Administration: alert settings (whether an Actual public alert needs a second staff member's
// approval). Changes are audited.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import '~/components/alerts/compose.css'
import { getAlertSettings } from '#domain/alerts/get-alert-settings.ts'
import { updateAlertSettings } from '#domain/alerts/update-alert-settings.ts'
import { userActor } from '#domain/auth/actor.ts'
import { prisma } from '#domain/runtime.ts'
import { FormError } from '~/components/app-shell'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'manage:settings:any')
  return getAlertSettings({ prisma: prisma() })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:settings:any')
  const values = formToObject(await request.formData())
  try {
    const settings = await updateAlertSettings({ prisma: prisma(), actor: userActor(user, clientIp(context)), input: values })
    return { ok: true as const, settings, errors: {} as Record<string, string> }
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields)
    return asHttpError(error)
  }
}

export default function Settings() {
  const settings = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('alerts')
  return (
    <main className="page">
      <div className="card stack" data-testid="settings">
        <h1>{t('settings.heading')}</h1>
        <Form method="post" className="stack settings-form" key={String(settings.requireApproval)}>
          <FormError error={actionData?.errors?.form ?? actionData?.errors?.requireApproval} />
          <label className="check">
            <input type="checkbox" name="requireApproval" value="true" defaultChecked={settings.requireApproval} data-testid="require-approval" />
            <span>
              <strong>{t('settings.requireApproval')}</strong>
              <br />
              <span className="hint">{t('settings.requireApprovalHint')}</span>
            </span>
          </label>
          <div className="row actions">
            <button type="submit" className="btn btn-primary" data-testid="settings-save" disabled={navigation.state === 'submitting'}>
              {t('settings.save')}
            </button>
            {actionData && 'ok' in actionData && actionData.ok ? (
              <span role="status" data-testid="settings-saved">
                {t('settings.saved')}
              </span>
            ) : null}
          </div>
        </Form>
      </div>
    </main>
  )
}
