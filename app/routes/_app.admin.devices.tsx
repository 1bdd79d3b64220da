// Administration: MQTT device groups and devices (sirens, displays, audio paging gateways), for
// administrators (manage:settings:any). Adding a device or rotating its secret shows the secret
// once, in the action's answer only; the database keeps its hash. Every change is audited
// (domain/devices/devices.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { DEVICE_GROUP_KINDS, DEVICE_LANGUAGES } from '#domain/devices/device-kinds.ts'
import {
  addDevice,
  createDeviceGroup,
  listDeviceGroups,
  removeDevice,
  rotateDeviceSecret,
  setDeviceEnabled,
  setDeviceGroupEnabled,
} from '#domain/devices/devices.ts'
import { AppError } from '#domain/errors.ts'
import { getRuntime, prisma } from '#domain/runtime.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { useAlertFormat } from '~/components/alerts/progress-format'
import { FormError } from '~/components/app-shell'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:settings:any')
  const db = prisma()
  const [groups, territory] = await Promise.all([listDeviceGroups({ prisma: db, actor: userActor(user) }), getDefaultTerritory({ prisma: db })])
  return {
    territory: territory?.slug ?? null,
    mqtt: getRuntime().mqtt === true,
    groups: groups.map((g) => ({
      ...g,
      devices: g.devices.map((d) => ({ ...d, lastSeenAt: d.lastSeenAt?.toISOString() ?? null, lastAckAt: d.lastAckAt?.toISOString() ?? null })),
    })),
  }
}

type Done = { ok: true; done: string; secret?: { username: string; value: string }; errors: Record<string, string>; form?: undefined }

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:settings:any')
  const actor = userActor(user, clientIp(context))
  const values = formToObject(await request.formData())
  const db = prisma()
  const id = typeof values.id === 'string' ? values.id : ''
  const intent = values.intent
  try {
    switch (intent) {
      case 'group-add':
        await createDeviceGroup({ prisma: db, actor, input: values })
        return { ok: true, done: 'groupAdded', errors: {} } satisfies Done
      case 'group-enable':
      case 'group-disable':
        await setDeviceGroupEnabled({ prisma: db, actor, id, enabled: intent === 'group-enable' })
        return { ok: true, done: 'changed', errors: {} } satisfies Done
      case 'device-add': {
        const added = await addDevice({ prisma: db, actor, input: values })
        return { ok: true, done: 'deviceAdded', secret: { username: added.device.username, value: added.secret }, errors: {} } satisfies Done
      }
      case 'device-rotate': {
        const rotated = await rotateDeviceSecret({ prisma: db, actor, id })
        return { ok: true, done: 'rotated', secret: { username: rotated.device.username, value: rotated.secret }, errors: {} } satisfies Done
      }
      case 'device-enable':
      case 'device-disable':
        await setDeviceEnabled({ prisma: db, actor, id, enabled: intent === 'device-enable' })
        return { ok: true, done: 'changed', errors: {} } satisfies Done
      case 'device-remove':
        await removeDevice({ prisma: db, actor, id })
        return { ok: true, done: 'removed', errors: {} } satisfies Done
      default:
        throw new AppError('INVALID_INPUT', 'unknown intent', { fields: { form: 'errors:invalid' } })
    }
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) {
      // which form the errors belong to: the add-device form of one group, or the group form
      const form = typeof values.groupId === 'string' ? `device-add:${values.groupId}` : String(intent)
      return data({ ok: false as const, errors: fields, form }, { status: 422 })
    }
    return asHttpError(error)
  }
}

export default function Devices() {
  const { groups, territory, mqtt } = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>() as { ok?: boolean; done?: string; secret?: { username: string; value: string }; errors?: Record<string, string>; form?: string } | undefined
  const navigation = useNavigation()
  const { t } = useTranslation('devices')
  const busy = navigation.state === 'submitting'
  const errors = answer?.errors ?? {}
  const errorsFor = (form: string) => (answer?.form === form ? errors : {})
  const f = useAlertFormat()
  // the municipality's time zone on the server and in the browser alike (no hydration mismatch)
  const fmt = (iso: string | null) => (iso ? f.dateTime(iso) : t('device.never'))
  return (
    <main className="page stack" data-testid="admin-devices">
      <h1 style={{ margin: 0 }}>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <p className={mqtt ? 'small' : 'small form-error'} data-testid="mqtt-state">{mqtt ? t('broker.on') : t('broker.off')}</p>

      {answer?.ok && answer.done ? <p role="status" data-testid="devices-done">{t(`done.${answer.done}`)}</p> : null}
      {answer?.secret ? (
        <div className="card stack" data-testid="device-secret" role="status">
          <strong>{t('secret.heading', { username: answer.secret.username })}</strong>
          <div>
            {t('secret.username')}: <code>{answer.secret.username}</code>
          </div>
          <code data-testid="device-secret-value" style={{ fontSize: '1.1em', userSelect: 'all', wordBreak: 'break-all' }}>{answer.secret.value}</code>
          <span className="muted small">{t('secret.hint')}</span>
        </div>
      ) : null}

      <section className="card stack" aria-labelledby="group-add-heading">
        <h2 id="group-add-heading" style={{ margin: 0 }}>{t('group.add')}</h2>
        <Form method="post" className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-end', gap: '0.75rem' }} data-testid="group-add-form">
          <input type="hidden" name="intent" value="group-add" />
          <Field label={t('group.name')} error={errorsFor('group-add').name}>
            <input name="name" required maxLength={80} data-testid="group-name" />
          </Field>
          <Field label={t('group.slug')} hint={t('group.slugHint')} error={errorsFor('group-add').slug}>
            <input name="slug" required maxLength={64} pattern="[A-Za-z0-9_\-]{1,64}" data-testid="group-slug" />
          </Field>
          <Field label={t('group.kind')} error={errorsFor('group-add').kind}>
            <select name="kind" data-testid="group-kind">
              {DEVICE_GROUP_KINDS.map((k) => (
                <option key={k} value={k}>{t(`kind.${k}`)}</option>
              ))}
            </select>
          </Field>
          <Field label={t('group.language')} error={errorsFor('group-add').language}>
            <select name="language" data-testid="group-language">
              {DEVICE_LANGUAGES.map((l) => (
                <option key={l} value={l}>{t(`language.${l}`)}</option>
              ))}
            </select>
          </Field>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="group-add">{t('actions.save')}</button>
        </Form>
      </section>

      {groups.length === 0 ? <p className="muted" data-testid="groups-empty">{t('group.none')}</p> : null}
      {groups.map((g) => {
        const addErrors = errorsFor(`device-add:${g.id}`)
        return (
          <section key={g.id} className="card stack" data-testid="device-group" data-slug={g.slug} data-enabled={g.enabled}>
            <div className="row" style={{ alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' }}>
              <h2 style={{ margin: 0 }}>
                {g.name} <span className="muted small">({t(`kind.${g.kind}`)}, {t(`language.${g.language}`)}, {g.enabled ? t('state.enabled') : t('state.disabled')})</span>
              </h2>
              <Form method="post">
                <input type="hidden" name="id" value={g.id} />
                <button type="submit" name="intent" value={g.enabled ? 'group-disable' : 'group-enable'} className="btn btn-small" disabled={busy} data-testid="group-toggle">
                  {g.enabled ? t('actions.disable') : t('actions.enable')}
                </button>
              </Form>
            </div>
            <div className="small">
              {t('group.topic')}: <code data-testid="group-topic">sargs/{territory ?? '…'}/{g.slug}/alert</code> · {t('group.devices', { count: g.devices.length, online: g.devices.filter((d) => d.online).length })}
            </div>
            {g.devices.length === 0 ? (
              <p className="muted small">{t('device.none')}</p>
            ) : (
              <div className="table-wrap">
                <table className="data" data-testid="devices-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('device.name')}</th>
                      <th scope="col">{t('device.username')}</th>
                      <th scope="col">{t('device.health')}</th>
                      <th scope="col" />
                    </tr>
                  </thead>
                  <tbody>
                    {g.devices.map((d) => (
                      <tr key={d.id} data-testid="device-row" data-username={d.username} data-enabled={d.enabled} data-online={d.online}>
                        <td>
                          {d.name}
                          {d.lat !== null && d.lng !== null ? <div className="muted small">{d.lat.toFixed(5)}, {d.lng.toFixed(5)}</div> : null}
                        </td>
                        <td><code>{d.username}</code>{d.enabled ? null : <span className="muted small"> ({t('state.disabled')})</span>}</td>
                        <td className="small">
                          <span className={`status-pill ${d.online ? 'st-SENT' : 'st-PENDING'}`}>{d.online ? t('device.online') : t('device.offline')}</span>
                          <div>{t('device.lastSeen')}: {fmt(d.lastSeenAt)}</div>
                          <div>{t('device.lastAck')}: {fmt(d.lastAckAt)}</div>
                        </td>
                        <td>
                          <Form method="post" className="row" style={{ gap: '0.25rem', flexWrap: 'wrap' }}>
                            <input type="hidden" name="id" value={d.id} />
                            <button type="submit" name="intent" value={d.enabled ? 'device-disable' : 'device-enable'} className="btn btn-small" disabled={busy} data-testid="device-toggle">
                              {d.enabled ? t('actions.disable') : t('actions.enable')}
                            </button>
                            <button type="submit" name="intent" value="device-rotate" className="btn btn-small" disabled={busy} data-testid="device-rotate">{t('actions.rotate')}</button>
                            <button type="submit" name="intent" value="device-remove" className="btn btn-small" disabled={busy} data-testid="device-remove">{t('actions.remove')}</button>
                          </Form>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Form method="post" className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-end', gap: '0.75rem' }} data-testid="device-add-form">
              <input type="hidden" name="intent" value="device-add" />
              <input type="hidden" name="groupId" value={g.id} />
              <Field label={t('device.name')} error={addErrors.name}>
                <input name="name" required maxLength={80} data-testid="device-name" />
              </Field>
              <Field label={t('device.username')} error={addErrors.username}>
                <input name="username" required maxLength={64} pattern="[A-Za-z0-9_\-]{1,64}" data-testid="device-username" />
              </Field>
              <Field label={t('device.lat')} error={addErrors.lat}>
                <input name="lat" inputMode="decimal" size={10} data-testid="device-lat" />
              </Field>
              <Field label={t('device.lng')} error={addErrors.lng}>
                <input name="lng" inputMode="decimal" size={10} data-testid="device-lng" />
              </Field>
              <button type="submit" className="btn" disabled={busy} data-testid="device-add">{t('device.add')}</button>
            </Form>
          </section>
        )
      })}
    </main>
  )
}

function Field({ label, hint, error, children }: { label: string; hint?: string; error?: string; children: React.ReactNode }) {
  return (
    <label className="stack" style={{ gap: '0.25rem' }}>
      <span>{label}</span>
      {children}
      {hint ? <span className="muted small">{hint}</span> : null}
      <FormError error={error} />
    </label>
  )
}
