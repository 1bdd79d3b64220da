// The signed-in user's own account: live sessions (end one, or all others), password change, and
// the mobile number staff notices are sent to by SMS (E.164; empty clears it).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { changeOwnPassword, revokeOtherSessions, revokeOwnSession } from '#domain/auth/manage-own-sessions.ts'
import { newPasswordSchema } from '#domain/auth/schemas.ts'
import { listUserSessions } from '#domain/auth/sessions.ts'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { setOwnPhone } from '#domain/staff/staff-numbers.ts'
import { Field, FormError } from '~/components/app-shell'
import { NewPasswordFields } from '~/components/new-password-fields'
import { defaultLanguage, intlLocale, isLanguage } from '~/i18n'
import { clearSessionCookie, clientIp, rateLimited, retryAfterHeaders, requireSession } from '~/utils/auth.server'
import { appErrorFields, invalid, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]
export const headers = retryAfterHeaders

const schema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('revoke'), sessionId: z.string().regex(/^[0-9a-f]{64}$/, 'errors:invalid') }),
    z.object({ intent: z.literal('revoke-others') }),
    z.object({ intent: z.literal('phone'), phone: z.string().max(40, 'errors:tooLong').optional() }),
    z.object({
      intent: z.literal('password'),
      currentPassword: z.string({ required_error: 'errors:required' }).max(1024, 'errors:tooLong'),
      newPassword: newPasswordSchema,
      confirm: z.string({ required_error: 'errors:required' }),
    }),
  ],
  { errorMap: () => ({ message: 'errors:invalid' }) },
).superRefine((v, ctx) => {
  if (v.intent === 'password' && v.newPassword !== v.confirm) {
    ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'auth:password.mismatch' })
  }
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, session } = await requireSession(request)
  const sessions = await listUserSessions(prisma(), { userId: user.id })
  const own = await prisma().user.findUnique({ where: { id: user.id }, select: { phone: true } })
  return {
    user: { name: user.name, email: user.email, role: user.role, phone: own?.phone ?? null },
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.id === session.id,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      ip: s.ip,
      userAgent: s.userAgent,
    })),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, session } = await requireSession(request)
  const parsed = parseForm(await request.formData(), schema)
  if (!parsed.ok) return invalid(parsed.errors)
  const self = { userId: user.id, sessionId: session.id, ip: clientIp(context) }
  try {
    switch (parsed.data.intent) {
      case 'revoke': {
        await revokeOwnSession({ prisma: prisma(), self, sessionId: parsed.data.sessionId })
        if (parsed.data.sessionId === session.id) {
          throw redirect('/login', { headers: { 'Set-Cookie': clearSessionCookie(request, context) } })
        }
        return { ok: true as const, done: 'revoked' }
      }
      case 'phone':
        await setOwnPhone({ prisma: prisma(), self: { userId: user.id, ip: self.ip }, phone: parsed.data.phone ?? '' })
        return { ok: true as const, done: 'phoneSaved' }
      case 'revoke-others':
        await revokeOtherSessions({ prisma: prisma(), self })
        return { ok: true as const, done: 'revokedOthers' }
      case 'password':
        await changeOwnPassword({
          prisma: prisma(),
          self,
          currentPassword: parsed.data.currentPassword,
          newPassword: parsed.data.newPassword,
        })
        return { ok: true as const, done: 'passwordChanged' }
    }
  } catch (error) {
    if (isAppError(error) && error.code === 'RATE_LIMITED') return rateLimited(error.retryAfterSeconds ?? 60)
    const fields = appErrorFields(error)
    if (fields) return invalid(fields)
    throw error
  }
}

export default function Account() {
  const { user, sessions } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t, i18n } = useTranslation('auth')
  const { t: tAdmin } = useTranslation('admin')
  const language = isLanguage(i18n.language) ? i18n.language : defaultLanguage
  const date = new Intl.DateTimeFormat(intlLocale[language], { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Riga' })
  const busy = navigation.state === 'submitting'
  const errors: Record<string, string | undefined> = result && !result.ok ? result.errors : {}
  const retryAfter = result && 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined
  return (
    <main className="page stack">
      <h1>{t('account.title')}</h1>
      <p>
        {user.name} · {user.email} · {tAdmin(`roles.${user.role}`)}
      </p>
      {result?.ok ? (
        <p className="card" role="status" data-testid="account-done">
          {t(`account.done.${result.done}`)}
        </p>
      ) : null}
      <FormError error={errors.form ?? errors.sessionId ?? errors.intent} count={retryAfter} />

      <section className="card stack">
        <h2>{t('account.sessions')}</h2>
        <table className="data" data-testid="sessions-table">
          <thead>
            <tr>
              <th scope="col">{t('account.started')}</th>
              <th scope="col">{t('account.lastSeen')}</th>
              <th scope="col">{t('account.address')}</th>
              <th scope="col">{t('account.browser')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-testid="session-row">
                <td>{date.format(new Date(s.createdAt))}</td>
                <td>{date.format(new Date(s.lastSeenAt))}</td>
                <td>{s.ip ?? ''}</td>
                <td className="small">{s.userAgent ?? ''}</td>
                <td>
                  {s.current ? <span className="badge">{t('account.current')}</span> : null}{' '}
                  <Form method="post" style={{ display: 'inline' }}>
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="sessionId" value={s.id} />
                    <button type="submit" className="btn btn-small btn-danger" disabled={busy}>
                      {s.current ? t('account.signOutHere') : t('account.revoke')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sessions.length > 1 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="revoke-others" />
            <button type="submit" className="btn" disabled={busy} data-testid="revoke-others">
              {t('account.revokeOthers')}
            </button>
          </Form>
        ) : null}
      </section>

      <section className="card">
        <h2>{tAdmin('fields.phone')}</h2>
        <Form method="post" className="stack" noValidate style={{ maxWidth: '28rem' }} data-testid="own-phone-form">
          <input type="hidden" name="intent" value="phone" />
          <Field name="phone" type="tel" label={tAdmin('fields.phone')} defaultValue={user.phone ?? ''} key={user.phone ?? ''} autoComplete="tel" hint={tAdmin('phone.ownHint')} error={errors.phone} />
          <div>
            <button type="submit" className="btn" disabled={busy} data-testid="own-phone-submit">
              {tAdmin('phone.save')}
            </button>
          </div>
        </Form>
      </section>

      <section className="card">
        <h2>{t('account.changePassword')}</h2>
        <Form method="post" className="stack" noValidate style={{ maxWidth: '28rem' }}>
          <input type="hidden" name="intent" value="password" />
          <Field
            name="currentPassword"
            type="password"
            label={t('fields.currentPassword')}
            autoComplete="current-password"
            required
            error={errors.currentPassword}
          />
          <NewPasswordFields name="newPassword" errors={errors} />
          <div>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('account.changePassword')}
            </button>
          </div>
        </Form>
      </section>
    </main>
  )
}
