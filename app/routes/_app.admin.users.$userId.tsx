// One staff account: change role, disable/enable, reset the second factor, give a new one-time
// password, set the mobile number for staff notices (E.164; empty clears it). Each is one domain call (audited, and revoking the user's sessions where it matters).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { userActor } from '#domain/auth/actor.ts'
import { changeUserRole } from '#domain/auth/change-user-role.ts'
import { getUser } from '#domain/auth/list-users.ts'
import { resetPassword } from '#domain/auth/reset-password.ts'
import { resetSecondFactor } from '#domain/auth/reset-second-factor.ts'
import { roleSchema, roleValues } from '#domain/auth/schemas.ts'
import { setUserStatus } from '#domain/auth/set-user-status.ts'
import { setUserPhone } from '#domain/staff/staff-numbers.ts'
import { isAppError } from '#domain/errors.ts'
import { intlLocale, isLanguage, defaultLanguage } from '~/i18n'
import { prisma } from '#domain/runtime.ts'
import { Field, FormError } from '~/components/app-shell'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, invalid, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const schema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('role'), role: roleSchema }),
    z.object({ intent: z.literal('disable') }),
    z.object({ intent: z.literal('enable') }),
    z.object({ intent: z.literal('reset-totp') }),
    z.object({ intent: z.literal('reset-password') }),
    z.object({ intent: z.literal('phone'), phone: z.string().max(40, 'errors:tooLong').optional() }),
  ],
  { errorMap: () => ({ message: 'errors:invalid' }) },
)

async function loadUser(userId: string | undefined) {
  try {
    return await getUser({ prisma: prisma(), userId: userId ?? '' })
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') throw new Response('Not Found', { status: 404 })
    throw error
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireUserWithPermission(request, 'manage:user:any')
  const user = await loadUser(params.userId)
  return {
    self: me.id === user.id,
    user: {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      status: user.status,
      totpEnrolled: user.totpEnrolled,
      totpEnrolledAt: user.totpEnrolledAt?.toISOString() ?? null,
      createdAt: user.createdAt.toISOString(),
      activeSessions: user.activeSessions,
      phone: user.phone,
    },
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireUserWithPermission(request, 'manage:user:any')
  const user = await loadUser(params.userId)
  const parsed = parseForm(await request.formData(), schema)
  if (!parsed.ok) return invalid(parsed.errors)
  const base = { prisma: prisma(), actor: userActor(me, clientIp(context)), userId: user.id }
  try {
    switch (parsed.data.intent) {
      case 'role':
        await changeUserRole({ ...base, role: parsed.data.role })
        return { ok: true as const, done: 'roleChanged', password: null }
      case 'disable':
        await setUserStatus({ ...base, status: 'DISABLED' })
        return { ok: true as const, done: 'disabled', password: null }
      case 'enable':
        await setUserStatus({ ...base, status: 'ACTIVE' })
        return { ok: true as const, done: 'enabled', password: null }
      case 'reset-totp':
        await resetSecondFactor(base)
        return { ok: true as const, done: 'totpReset', password: null }
      case 'phone':
        await setUserPhone({ ...base, phone: parsed.data.phone ?? '' })
        return { ok: true as const, done: 'phoneSaved', password: null }
      case 'reset-password': {
        const { generatedPassword } = await resetPassword(base)
        return { ok: true as const, done: 'passwordReset', password: generatedPassword }
      }
    }
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields)
    throw error
  }
}

export default function UserDetail() {
  const { user, self } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t, i18n } = useTranslation('admin')
  const busy = navigation.state === 'submitting'
  const language = isLanguage(i18n.language) ? i18n.language : defaultLanguage
  const date = new Intl.DateTimeFormat(intlLocale[language], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Riga' })
  const errors: Record<string, string | undefined> = result && !result.ok ? result.errors : {}
  return (
    <main className="page stack">
      <p>
        <Link to="/admin/users">← {t('users.title')}</Link>
      </p>
      <div className="card stack">
        <h1>{user.name}</h1>
        <dl className="stack small" style={{ margin: 0 }}>
          <div>
            <dt className="muted">{t('fields.email')}</dt>
            <dd style={{ margin: 0 }}>{user.email}</dd>
          </div>
          <div>
            <dt className="muted">{t('fields.status')}</dt>
            <dd style={{ margin: 0 }} data-testid="user-status">
              {t(`status.${user.status}`)}
            </dd>
          </div>
          <div>
            <dt className="muted">{t('fields.secondFactor')}</dt>
            <dd style={{ margin: 0 }}>
              {user.totpEnrolled && user.totpEnrolledAt
                ? t('detail.enrolledAt', { date: date.format(new Date(user.totpEnrolledAt)) })
                : t('users.notEnrolled')}
            </dd>
          </div>
          <div>
            <dt className="muted">{t('fields.sessions')}</dt>
            <dd style={{ margin: 0 }}>{user.activeSessions}</dd>
          </div>
          <div>
            <dt className="muted">{t('fields.createdAt')}</dt>
            <dd style={{ margin: 0 }}>{date.format(new Date(user.createdAt))}</dd>
          </div>
        </dl>
      </div>

      {result?.ok ? (
        <div className="card stack" role="status" data-testid="user-action-done">
          <p style={{ margin: 0 }}>{t(`detail.done.${result.done}`)}</p>
          {result.password ? (
            <>
              <p style={{ margin: 0 }}>{t('create.passwordOnce')}</p>
              <code className="secret" data-testid="initial-password">
                {result.password}
              </code>
            </>
          ) : null}
        </div>
      ) : null}
      <FormError error={errors.form ?? errors.role ?? errors.intent} />

      <div className="card stack">
        <Form method="post" className="row" style={{ alignItems: 'flex-end' }} noValidate data-testid="phone-form">
          <input type="hidden" name="intent" value="phone" />
          <Field
            name="phone"
            type="tel"
            label={t('fields.phone')}
            defaultValue={user.phone ?? ''}
            key={user.phone ?? ''}
            autoComplete="off"
            hint={t('phone.hint')}
            error={errors.phone}
          />
          <div style={{ flex: '0 0 auto' }}>
            <button type="submit" className="btn" disabled={busy} data-testid="phone-submit">
              {t('phone.save')}
            </button>
          </div>
        </Form>
      </div>

      {self ? (
        <p className="muted">{t('detail.self')}</p>
      ) : (
        <div className="card stack">
          <Form method="post" className="row" style={{ alignItems: 'flex-end' }}>
            <input type="hidden" name="intent" value="role" />
            <div className="field">
              <label htmlFor="field-role">{t('fields.role')}</label>
              <select id="field-role" name="role" defaultValue={user.role} key={user.role}>
                {roleValues.map((role) => (
                  <option key={role} value={role}>
                    {t(`roles.${role}`)}
                  </option>
                ))}
              </select>
            </div>
            <div style={{ flex: '0 0 auto' }}>
              <button type="submit" className="btn" disabled={busy} data-testid="role-submit">
                {t('detail.changeRole')}
              </button>
            </div>
          </Form>
          <p className="hint small muted" style={{ margin: 0 }}>
            {t('detail.revokesSessions')}
          </p>
          <div className="row">
            <Form method="post">
              <input type="hidden" name="intent" value={user.status === 'ACTIVE' ? 'disable' : 'enable'} />
              <button
                type="submit"
                className={user.status === 'ACTIVE' ? 'btn btn-danger' : 'btn'}
                disabled={busy}
                data-testid="status-toggle"
              >
                {user.status === 'ACTIVE' ? t('detail.disable') : t('detail.enable')}
              </button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="reset-totp" />
              <button type="submit" className="btn" disabled={busy} data-testid="reset-totp">
                {t('detail.resetTotp')}
              </button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="reset-password" />
              <button type="submit" className="btn" disabled={busy} data-testid="reset-password">
                {t('detail.resetPassword')}
              </button>
            </Form>
          </div>
        </div>
      )}
    </main>
  )
}
