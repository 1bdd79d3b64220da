// Staff groups (administrators only, manage:user:any): create, rename, delete, add and remove
// members. An operator picks these groups in the composer to reach their members by SMS on their
// own numbers; each group shows how many members have a number. Every change is one audited
// domain call (domain/staff/staff-groups.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { listUsers } from '#domain/auth/list-users.ts'
import { prisma } from '#domain/runtime.ts'
import {
  addStaffGroupMember,
  createStaffGroup,
  deleteStaffGroup,
  listStaffGroups,
  removeStaffGroupMember,
  renameStaffGroup,
} from '#domain/staff/staff-groups.ts'
import { Field, FormError } from '~/components/app-shell'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireUserWithPermission(request, 'manage:user:any')
  const db = prisma()
  const groups = await listStaffGroups({ prisma: db, actor: userActor(me) }).catch(asHttpError)
  const users = await listUsers({ prisma: db })
  return { groups, users: users.map((u) => ({ id: u.id, name: u.name, email: u.email, active: u.status === 'ACTIVE' })) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireUserWithPermission(request, 'manage:user:any')
  const values = formToObject(await request.formData())
  const base = { prisma: prisma(), actor: userActor(me, clientIp(context)) }
  const id = typeof values.groupId === 'string' ? values.groupId : ''
  try {
    switch (values.intent) {
      case 'create':
        await createStaffGroup({ ...base, name: values.name })
        return { ok: true as const, done: 'created', groupId: null, errors: {} as Record<string, string> }
      case 'rename':
        await renameStaffGroup({ ...base, id, name: values.name })
        return { ok: true as const, done: 'renamed', groupId: id, errors: {} as Record<string, string> }
      case 'delete':
        await deleteStaffGroup({ ...base, id })
        return { ok: true as const, done: 'deleted', groupId: null, errors: {} as Record<string, string> }
      case 'add-member':
        await addStaffGroupMember({ ...base, groupId: id, userId: values.userId })
        return { ok: true as const, done: 'memberAdded', groupId: id, errors: {} as Record<string, string> }
      case 'remove-member':
        await removeStaffGroupMember({ ...base, groupId: id, userId: values.userId })
        return { ok: true as const, done: 'memberRemoved', groupId: id, errors: {} as Record<string, string> }
      default:
        return refused({ form: 'errors:invalid' }, null)
    }
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return refused(fields, id || null)
    return asHttpError(error)
  }
}

/** 422 with the errors and the group they are about (shown next to that group's inputs). */
const refused = (errors: Record<string, string>, groupId: string | null) => data({ ok: false as const, done: null, errors, groupId }, { status: 422 })

export default function StaffGroups() {
  const { groups, users } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('admin')
  const busy = navigation.state === 'submitting'
  const errors: Record<string, string | undefined> = result && !result.ok ? result.errors : {}
  const errorGroup = result && !result.ok ? result.groupId : null
  return (
    <main className="page stack" data-testid="staff-groups">
      <p>
        <Link to="/admin/users">← {t('users.title')}</Link>
      </p>
      <h1>{t('staffGroups.title')}</h1>
      <p className="muted">{t('staffGroups.intro')}</p>
      {result?.ok ? (
        <p className="card" role="status" data-testid="staff-groups-done">
          {t(`staffGroups.done.${result.done}`)}
        </p>
      ) : null}
      <FormError error={errors.form} />

      <Form method="post" className="card row" style={{ alignItems: 'flex-end' }} noValidate data-testid="staff-group-create">
        <input type="hidden" name="intent" value="create" />
        <Field name="name" label={t('staffGroups.name')} maxLength={80} required error={errorGroup === null ? errors.name : undefined} />
        <div style={{ flex: '0 0 auto' }}>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="staff-group-create-submit">
            {t('staffGroups.create')}
          </button>
        </div>
      </Form>

      {groups.length === 0 ? <p className="muted">{t('staffGroups.empty')}</p> : null}
      {groups.map((g) => {
        const memberIds = new Set(g.members.map((m) => m.userId))
        const mine = errorGroup === g.id ? errors : {}
        return (
          <section key={g.id} className="card stack" data-testid="staff-group" data-name={g.name}>
            <div className="row" style={{ alignItems: 'center' }}>
              <h2 style={{ margin: 0 }}>{g.name}</h2>
              <span className="badge" data-testid="staff-group-reachable" data-count={g.reachable}>
                {t('staffGroups.reachable', { count: g.members.length, reachable: g.reachable })}
              </span>
            </div>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('fields.name')}</th>
                  <th scope="col">{t('fields.email')}</th>
                  <th scope="col">{t('fields.phone')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {g.members.map((m) => (
                  <tr key={m.userId} data-testid="staff-group-member" data-email={m.email}>
                    <td>
                      <Link to={`/admin/users/${m.userId}`}>{m.name}</Link>
                      {m.active ? null : <span className="badge"> {t('status.DISABLED')}</span>}
                    </td>
                    <td>{m.email}</td>
                    <td>{m.hasPhone ? t('staffGroups.hasPhone') : <span className="muted">{t('staffGroups.noPhone')}</span>}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove-member" />
                        <input type="hidden" name="groupId" value={g.id} />
                        <input type="hidden" name="userId" value={m.userId} />
                        <button type="submit" className="btn btn-small" disabled={busy}>
                          {t('staffGroups.remove')}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row" style={{ alignItems: 'flex-end' }}>
              <Form method="post" className="row" style={{ alignItems: 'flex-end' }} data-testid="staff-group-add">
                <input type="hidden" name="intent" value="add-member" />
                <input type="hidden" name="groupId" value={g.id} />
                <div className="field">
                  <label htmlFor={`add-${g.id}`}>{t('staffGroups.addMember')}</label>
                  <select id={`add-${g.id}`} name="userId" aria-invalid={mine.userId ? true : undefined} data-testid="staff-group-add-user">
                    {users
                      .filter((u) => !memberIds.has(u.id))
                      .map((u) => (
                        <option key={u.id} value={u.id}>
                          {u.name} ({u.email})
                        </option>
                      ))}
                  </select>
                  {mine.userId ? <div className="error">{t(mine.userId)}</div> : null}
                </div>
                <div style={{ flex: '0 0 auto' }}>
                  <button type="submit" className="btn" disabled={busy} data-testid="staff-group-add-submit">
                    {t('staffGroups.add')}
                  </button>
                </div>
              </Form>
            </div>
            <div className="row" style={{ alignItems: 'flex-end' }}>
              <Form method="post" className="row" style={{ alignItems: 'flex-end' }} noValidate>
                <input type="hidden" name="intent" value="rename" />
                <input type="hidden" name="groupId" value={g.id} />
                <Field name="name" label={t('staffGroups.rename')} defaultValue={g.name} key={g.name} maxLength={80} error={mine.name} />
                <div style={{ flex: '0 0 auto' }}>
                  <button type="submit" className="btn" disabled={busy}>
                    {t('staffGroups.renameSubmit')}
                  </button>
                </div>
              </Form>
              <Form method="post" style={{ flex: '0 0 auto' }}>
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="groupId" value={g.id} />
                <button type="submit" className="btn btn-danger" disabled={busy} data-testid="staff-group-delete">
                  {t('staffGroups.delete')}
                </button>
              </Form>
            </div>
          </section>
        )
      })}
    </main>
  )
}
