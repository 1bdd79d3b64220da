// Administration: paging groups and their desk IP phones (administrators only, manage:settings:any;
// decision 021). Add and edit groups (language, acknowledgement, audio gateway) and phones (vendor,
// address, credentials), switch them on and off, remove them. Credentials are write-only: the
// screen shows a hint of the username, never the password. Every change is audited (domain/paging).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import {
  addPhone,
  createPagingGroup,
  deletePagingGroup,
  listPagingGroups,
  removePhone,
  setPagingGroupEnabled,
  setPhoneEnabled,
  updatePagingGroup,
  updatePhone,
  type PagingGroupView,
  type PhoneView,
} from '#domain/paging/paging-groups.ts'
import { PAGING_LANGUAGES, PHONE_VENDORS } from '#domain/paging/paging-kinds.ts'
import { getRuntime, prisma } from '#domain/runtime.ts'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:settings:any')
  return { groups: await listPagingGroups({ prisma: prisma(), actor: userActor(user, clientIp(context)) }) }
}

type ActionResult = { ok: boolean; intent: string; target: string; errors: Record<string, string> }

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:settings:any')
  const actor = userActor(user, clientIp(context))
  const values = formToObject(await request.formData())
  const intent = String(values.intent ?? '')
  const target = String(values.id ?? values.groupId ?? '')
  const db = prisma()
  const secretsKey = () => {
    const key = getRuntime().secretsKey
    if (!key) throw new AppError('UNAVAILABLE', 'no secrets key: credentials cannot be sealed')
    return key
  }
  // an unchecked box sends nothing: on an edit form that means "off"
  const flags = (names: string[]) => Object.fromEntries(names.map((n) => [n, values[n] ?? 'false']))
  try {
    switch (intent) {
      case 'create-group':
        await createPagingGroup({ prisma: db, actor, input: values })
        break
      case 'update-group':
        await updatePagingGroup({ prisma: db, actor, id: target, input: { ...values, ...flags(['requireAck', 'audioGateway']) } })
        break
      case 'enable-group':
      case 'disable-group':
        await setPagingGroupEnabled({ prisma: db, actor, id: target, enabled: intent === 'enable-group' })
        break
      case 'delete-group':
        await deletePagingGroup({ prisma: db, actor, id: target })
        break
      case 'add-phone':
        await addPhone({ prisma: db, actor, secretsKey: secretsKey(), groupId: target, input: values })
        break
      case 'update-phone':
        await updatePhone({ prisma: db, actor, secretsKey: secretsKey(), id: target, input: values })
        break
      case 'enable-phone':
      case 'disable-phone':
        await setPhoneEnabled({ prisma: db, actor, id: target, enabled: intent === 'enable-phone' })
        break
      case 'remove-phone':
        await removePhone({ prisma: db, actor, id: target })
        break
      default:
        return { ok: false, intent, target, errors: { form: 'errors:invalid' } } satisfies ActionResult
    }
    return { ok: true, intent, target, errors: {} } satisfies ActionResult
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return { ok: false, intent, target, errors: fields } satisfies ActionResult
    return asHttpError(error)
  }
}

export default function Paging() {
  const { groups } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  const { t } = useTranslation('admin')
  const errorsFor = (intent: string, target = '') => (result && !result.ok && result.intent === intent && result.target === target ? result.errors : {})
  return (
    <main className="page stack" data-testid="paging">
      <h1 style={{ margin: 0 }}>{t('paging.title')}</h1>
      <p className="muted">{t('paging.hint')}</p>
      {result?.ok ? (
        <p role="status" data-testid="paging-saved">
          {t('paging.saved')}
        </p>
      ) : null}

      {groups.length === 0 ? <p className="muted" data-testid="paging-empty">{t('paging.empty')}</p> : null}
      {groups.map((g) => (
        <GroupCard key={g.id} group={g} errorsFor={errorsFor} />
      ))}

      <section className="card stack" data-testid="paging-group-new">
        <h2>{t('paging.newGroup')}</h2>
        <GroupForm intent="create-group" errors={errorsFor('create-group')} />
      </section>
    </main>
  )
}

type ErrorsFor = (intent: string, target?: string) => Record<string, string>

function GroupCard({ group: g, errorsFor }: { group: PagingGroupView; errorsFor: ErrorsFor }) {
  const { t } = useTranslation('admin')
  return (
    <section className="card stack" data-testid="paging-group" data-name={g.name} data-enabled={g.enabled}>
      <div className="row" style={{ alignItems: 'center', justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>
          {g.name} <span className="badge">{t(`paging.languages.${g.language}`)}</span>{' '}
          <span className="badge" data-testid="paging-group-state">{g.enabled ? t('paging.on') : t('paging.off')}</span>
        </h2>
        <div className="row" style={{ flex: '0 0 auto' }}>
          <ActionButton intent={g.enabled ? 'disable-group' : 'enable-group'} id={g.id} label={g.enabled ? t('paging.disable') : t('paging.enable')} testId="paging-group-toggle" />
          <ActionButton intent="delete-group" id={g.id} label={t('paging.deleteGroup')} testId="paging-group-delete" confirm={t('paging.confirmDeleteGroup', { name: g.name })} />
        </div>
      </div>
      <p className="muted small">
        {g.requireAck ? t('paging.requireAckOn') : t('paging.requireAckOff')}
        {g.audioGateway ? ` · ${t('paging.audioGatewayOn')}` : ''}
      </p>
      <details>
        <summary data-testid="paging-group-edit">{t('paging.editGroup')}</summary>
        <GroupForm intent="update-group" group={g} errors={errorsFor('update-group', g.id)} />
      </details>

      {g.phones.length === 0 ? (
        <p className="muted" data-testid="paging-phones-empty">{t('paging.noPhones')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="paging-phones">
            <thead>
              <tr>
                <th scope="col">{t('paging.fields.name')}</th>
                <th scope="col">{t('paging.fields.vendor')}</th>
                <th scope="col">{t('paging.fields.address')}</th>
                <th scope="col">{t('paging.fields.credentials')}</th>
                <th scope="col">{t('paging.fields.lastAck')}</th>
                <th scope="col">{t('paging.fields.state')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {g.phones.map((p) => (
                <PhoneRow key={p.id} phone={p} errorsFor={errorsFor} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <details open={Object.keys(errorsFor('add-phone', g.id)).length > 0}>
        <summary data-testid="paging-phone-new">{t('paging.newPhone')}</summary>
        <PhoneForm intent="add-phone" groupId={g.id} errors={errorsFor('add-phone', g.id)} />
      </details>
    </section>
  )
}

function PhoneRow({ phone: p, errorsFor }: { phone: PhoneView; errorsFor: ErrorsFor }) {
  const { t, i18n } = useTranslation('admin')
  return (
    <tr data-testid="paging-phone" data-name={p.name} data-enabled={p.enabled}>
      <td>{p.name}</td>
      <td>{t(`paging.vendors.${p.vendor}`)}</td>
      <td>
        <code>{p.address}</code>
      </td>
      <td data-testid="paging-phone-hint">{p.hasCredentials ? t('paging.credentialsHint', { hint: p.secretHint }) : t('paging.noCredentials')}</td>
      <td>{p.lastAckAt ? new Date(p.lastAckAt).toLocaleString(i18n.language) : '—'}</td>
      <td>
        <span className="badge">{p.enabled ? t('paging.on') : t('paging.off')}</span>
      </td>
      <td>
        <div className="row">
          <ActionButton intent={p.enabled ? 'disable-phone' : 'enable-phone'} id={p.id} label={p.enabled ? t('paging.disable') : t('paging.enable')} testId="paging-phone-toggle" />
          <ActionButton intent="remove-phone" id={p.id} label={t('paging.removePhone')} testId="paging-phone-remove" confirm={t('paging.confirmRemovePhone', { name: p.name })} />
        </div>
        <details open={Object.keys(errorsFor('update-phone', p.id)).length > 0}>
          <summary data-testid="paging-phone-edit">{t('paging.editPhone')}</summary>
          <PhoneForm intent="update-phone" phone={p} errors={errorsFor('update-phone', p.id)} />
        </details>
      </td>
    </tr>
  )
}

function ActionButton({ intent, id, label, testId, confirm }: { intent: string; id: string; label: string; testId: string; confirm?: string }) {
  return (
    <Form
      method="post"
      onSubmit={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault()
      }}
    >
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="btn" data-testid={testId}>
        {label}
      </button>
    </Form>
  )
}

function FieldError({ error, id }: { error?: string; id: string }) {
  const { t } = useTranslation()
  return error ? (
    <div className="error" id={id} data-testid={`${id}`}>
      {t(error)}
    </div>
  ) : null
}

function GroupForm({ intent, group, errors }: { intent: 'create-group' | 'update-group'; group?: PagingGroupView; errors: Record<string, string> }) {
  const { t } = useTranslation('admin')
  const navigation = useNavigation()
  const prefix = `group-${group?.id ?? 'new'}`
  return (
    <Form method="post" className="stack" key={group ? `${group.id}-${group.name}-${group.language}` : undefined}>
      <input type="hidden" name="intent" value={intent} />
      {group ? <input type="hidden" name="id" value={group.id} /> : null}
      <FieldError error={errors.form} id={`${prefix}-form-error`} />
      <div className="field">
        <label htmlFor={`${prefix}-name`}>{t('paging.fields.groupName')}</label>
        <input id={`${prefix}-name`} name="name" defaultValue={group?.name ?? ''} maxLength={80} required aria-invalid={Boolean(errors.name)} data-testid="paging-group-name" />
        <FieldError error={errors.name} id={`${prefix}-name-error`} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-language`}>{t('paging.fields.language')}</label>
        <select id={`${prefix}-language`} name="language" defaultValue={group?.language ?? 'lv'} data-testid="paging-group-language">
          {PAGING_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t(`paging.languages.${l}`)}
            </option>
          ))}
        </select>
        <FieldError error={errors.language} id={`${prefix}-language-error`} />
      </div>
      <label className="check">
        <input type="checkbox" name="requireAck" value="true" defaultChecked={group?.requireAck ?? false} data-testid="paging-group-ack" />
        <span>
          {t('paging.fields.requireAck')}
          <br />
          <span className="hint">{t('paging.requireAckHint')}</span>
        </span>
      </label>
      <label className="check">
        <input type="checkbox" name="audioGateway" value="true" defaultChecked={group?.audioGateway ?? false} data-testid="paging-group-audio" />
        <span>{t('paging.fields.audioGateway')}</span>
      </label>
      <div className="row actions">
        <button type="submit" className="btn btn-primary" data-testid="paging-group-save" disabled={navigation.state === 'submitting'}>
          {group ? t('paging.save') : t('paging.addGroup')}
        </button>
      </div>
    </Form>
  )
}

function PhoneForm({ intent, groupId, phone, errors }: { intent: 'add-phone' | 'update-phone'; groupId?: string; phone?: PhoneView; errors: Record<string, string> }) {
  const { t } = useTranslation('admin')
  const navigation = useNavigation()
  const prefix = `phone-${phone?.id ?? `new-${groupId}`}`
  return (
    <Form method="post" className="stack" autoComplete="off">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={phone ? 'id' : 'groupId'} value={phone?.id ?? groupId} />
      <FieldError error={errors.form} id={`${prefix}-form-error`} />
      <div className="field">
        <label htmlFor={`${prefix}-name`}>{t('paging.fields.name')}</label>
        <input id={`${prefix}-name`} name="name" defaultValue={phone?.name ?? ''} maxLength={80} required data-testid="paging-phone-name" />
        <FieldError error={errors.name} id={`${prefix}-name-error`} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-vendor`}>{t('paging.fields.vendor')}</label>
        <select id={`${prefix}-vendor`} name="vendor" defaultValue={phone?.vendor ?? 'cisco'} data-testid="paging-phone-vendor">
          {PHONE_VENDORS.map((v) => (
            <option key={v} value={v}>
              {t(`paging.vendors.${v}`)}
            </option>
          ))}
        </select>
        <FieldError error={errors.vendor} id={`${prefix}-vendor-error`} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-address`}>{t('paging.fields.address')}</label>
        <input id={`${prefix}-address`} name="address" defaultValue={phone?.address ?? ''} placeholder="http://10.20.0.15" data-testid="paging-phone-address" />
        <span className="hint">{t('paging.addressHint')}</span>
        <FieldError error={errors.address} id={`${prefix}-address-error`} />
      </div>
      <fieldset className="stack">
        <legend>{t('paging.fields.credentials')}</legend>
        <span className="hint">{phone?.hasCredentials ? t('paging.credentialsKeep', { hint: phone.secretHint }) : t('paging.credentialsWriteOnly')}</span>
        <div className="field">
          <label htmlFor={`${prefix}-username`}>{t('paging.fields.username')}</label>
          <input id={`${prefix}-username`} name="username" autoComplete="off" data-testid="paging-phone-username" />
          <FieldError error={errors.username} id={`${prefix}-username-error`} />
        </div>
        <div className="field">
          <label htmlFor={`${prefix}-password`}>{t('paging.fields.password')}</label>
          <input id={`${prefix}-password`} name="password" type="password" autoComplete="new-password" data-testid="paging-phone-password" />
          <FieldError error={errors.password} id={`${prefix}-password-error`} />
        </div>
        {phone?.hasCredentials ? (
          <label className="check">
            <input type="checkbox" name="clearCredentials" value="true" />
            <span>{t('paging.clearCredentials')}</span>
          </label>
        ) : null}
      </fieldset>
      <div className="row actions">
        <button type="submit" className="btn btn-primary" data-testid="paging-phone-save" disabled={navigation.state === 'submitting'}>
          {phone ? t('paging.save') : t('paging.addPhone')}
        </button>
      </div>
    </Form>
  )
}
