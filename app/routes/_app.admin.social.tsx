// The municipality's social accounts (administrators only, manage:settings:any): the list (network,
// name, language, enabled, and a hint of the credential's last characters — never the credential),
// add one with the fields its network needs, switch one on or off, replace its credentials
// (write-only: password inputs, sealed at once). Each is one audited call of
// domain/social/social-accounts.ts; without a secrets key nothing can be sealed and adding is off.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { getRuntime, prisma } from '#domain/runtime.ts'
import { addSocialAccount, listSocialAccounts, replaceSocialAccountCredentials, setSocialAccountEnabled, socialNetworkFields } from '#domain/social/social-accounts.ts'
import { Field, FormError } from '~/components/app-shell'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const LANGUAGES = ['lv', 'en', 'ru'] as const

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireUserWithPermission(request, 'manage:settings:any')
  const accounts = await listSocialAccounts({ prisma: prisma(), actor: userActor(me) }).catch(asHttpError)
  return {
    // the credentials never leave the server: the view has a hint only
    accounts: accounts.map((a) => ({ id: a.id, network: a.network, name: a.name, language: a.language, config: a.config, secretHint: a.secretHint, enabled: a.enabled })),
    networks: socialNetworkFields,
    sealing: Boolean(getRuntime().secretsKey),
  }
}

const refused = (errors: Record<string, string>, accountId: string | null, values: Record<string, unknown> = {}) => {
  // never echo a credential back
  const safe = Object.fromEntries(Object.entries(values).filter(([k]) => ['network', 'name', 'language', 'instanceUrl', 'chatId', 'pageId'].includes(k)))
  return data({ ok: false as const, done: null, errors, accountId, values: safe }, { status: 422 })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireUserWithPermission(request, 'manage:settings:any')
  const values = formToObject(await request.formData())
  const base = { prisma: prisma(), actor: userActor(me, clientIp(context)) }
  const id = typeof values.accountId === 'string' ? values.accountId : ''
  const secretsKey = getRuntime().secretsKey
  const ok = (done: string) => ({ ok: true as const, done, errors: {} as Record<string, string>, accountId: null, values: {} })
  try {
    switch (values.intent) {
      case 'add':
        if (!secretsKey) return refused({ form: 'admin:social.noKey' }, null, values)
        await addSocialAccount({ ...base, secretsKey, input: values })
        return ok('added')
      case 'enable':
      case 'disable':
        await setSocialAccountEnabled({ ...base, id, enabled: values.intent === 'enable' })
        return ok(values.intent === 'enable' ? 'enabled' : 'disabled')
      case 'credentials':
        if (!secretsKey) return refused({ form: 'admin:social.noKey' }, id)
        await replaceSocialAccountCredentials({ ...base, secretsKey, id, input: values })
        return ok('replaced')
      default:
        return refused({ form: 'errors:invalid' }, null)
    }
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return refused(fields, id || null, values.intent === 'add' ? values : {})
    return asHttpError(error)
  }
}

export default function SocialAccounts() {
  const { accounts, networks, sealing } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('admin')
  const busy = navigation.state === 'submitting'
  const failed = result && !result.ok ? result : null
  const addErrors: Record<string, string | undefined> = failed && failed.accountId === null ? failed.errors : {}
  const kept = (failed?.values ?? {}) as Record<string, string | undefined>
  const names = Object.keys(networks) as (keyof typeof networks)[]
  const [network, setNetwork] = useState<keyof typeof networks>((kept.network as keyof typeof networks) ?? names[0])
  const fields = networks[network]
  return (
    <main className="page stack" data-testid="social-accounts">
      <p>
        <Link to="/admin/users">← {t('users.title')}</Link>
      </p>
      <h1>{t('social.title')}</h1>
      <p className="muted">{t('social.intro')}</p>
      {result?.ok ? (
        <p className="card" role="status" data-testid="social-done">
          {t(`social.done.${result.done}`)}
        </p>
      ) : null}
      {!sealing ? (
        <p className="card form-error" role="status" data-testid="social-no-key">
          {t('social.noKey')}
        </p>
      ) : null}
      <FormError error={failed?.errors.form} />

      <table className="data" data-testid="social-table">
        <thead>
          <tr>
            <th scope="col">{t('social.network')}</th>
            <th scope="col">{t('fields.name')}</th>
            <th scope="col">{t('social.language')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col">{t('social.credential')}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {accounts.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                {t('social.empty')}
              </td>
            </tr>
          ) : null}
          {accounts.map((a) => {
            const errors: Record<string, string | undefined> = failed && failed.accountId === a.id ? failed.errors : {}
            return (
              <tr key={a.id} data-testid="social-row" data-name={a.name}>
                <td>{t(`social.networks.${a.network}`, { defaultValue: a.network })}</td>
                <td>
                  {a.name}
                  <div className="small muted">{Object.values(a.config).join(' · ')}</div>
                </td>
                <td>
                  <span className="lang-tag">{a.language}</span>
                </td>
                <td>
                  <span className="badge" data-testid="social-enabled">
                    {a.enabled ? t('social.enabled') : t('social.disabled')}
                  </span>
                </td>
                <td>
                  <code data-testid="social-hint">{a.secretHint}</code>
                </td>
                <td className="stack">
                  <Form method="post">
                    <input type="hidden" name="intent" value={a.enabled ? 'disable' : 'enable'} />
                    <input type="hidden" name="accountId" value={a.id} />
                    <button type="submit" className={a.enabled ? 'btn btn-small btn-danger' : 'btn btn-small'} disabled={busy} data-testid="social-toggle">
                      {a.enabled ? t('social.disable') : t('social.enable')}
                    </button>
                  </Form>
                  <details open={Object.keys(errors).length > 0}>
                    <summary>{t('social.replace')}</summary>
                    <Form method="post" className="stack" noValidate autoComplete="off" data-testid="social-replace">
                      <input type="hidden" name="intent" value="credentials" />
                      <input type="hidden" name="accountId" value={a.id} />
                      {[...networks[a.network].credentials, ...(networks[a.network].optionalCredentials ?? [])].map((f) => (
                        <Field key={f} name={f} type="password" label={t(`social.fields.${f}`, { defaultValue: f })} autoComplete="new-password" error={errors[f]} />
                      ))}
                      <div>
                        <button type="submit" className="btn btn-small" disabled={busy || !sealing}>
                          {t('social.replaceSubmit')}
                        </button>
                      </div>
                    </Form>
                  </details>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>

      <section className="card">
        <h2>{t('social.add')}</h2>
        <Form method="post" className="stack" noValidate autoComplete="off" style={{ maxWidth: '32rem' }} data-testid="social-add">
          <input type="hidden" name="intent" value="add" />
          <div className="field">
            <label htmlFor="field-network">{t('social.network')}</label>
            <select id="field-network" name="network" value={network} onChange={(e) => setNetwork(e.target.value as keyof typeof networks)} data-testid="social-network">
              {names.map((n) => (
                <option key={n} value={n}>
                  {t(`social.networks.${n}`, { defaultValue: n })}
                </option>
              ))}
            </select>
            {addErrors.network ? <div className="error">{t(addErrors.network)}</div> : null}
          </div>
          <Field name="name" label={t('fields.name')} defaultValue={kept.name} maxLength={80} required error={addErrors.name} />
          <div className="field">
            <label htmlFor="field-language">{t('social.language')}</label>
            <select id="field-language" name="language" defaultValue={kept.language ?? 'lv'}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          {fields.config.map((f) => (
            <Field key={`${network}-${f}`} name={f} label={t(`social.fields.${f}`, { defaultValue: f })} defaultValue={kept[f]} required error={addErrors[f]} />
          ))}
          {[...fields.credentials, ...(fields.optionalCredentials ?? [])].map((f) => (
            <Field
              key={`${network}-${f}`}
              name={f}
              type="password"
              label={t(`social.fields.${f}`, { defaultValue: f })}
              autoComplete="new-password"
              required={fields.credentials.includes(f)}
              error={addErrors[f]}
            />
          ))}
          <p className="hint small">{t('social.writeOnly')}</p>
          <div>
            <button type="submit" className="btn btn-primary" disabled={busy || !sealing} data-testid="social-add-submit">
              {t('social.addSubmit')}
            </button>
          </div>
        </Form>
      </section>
    </main>
  )
}
