// Sign-in, step one: e-mail and password. Then /two-factor (or /enrol for a user without a
// second factor yet).
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { signInWithPassword } from '#domain/auth/sign-in-with-password.ts'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { Field, FormError } from '~/components/app-shell'
import {
  clientIp,
  getAuthState,
  rateLimited,
  retryAfterHeaders,
  redirectForState,
  safeRedirect,
  sessionCookie,
} from '~/utils/auth.server'
import { invalid, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]
export const headers = retryAfterHeaders

const schema = z.object({
  email: z.string({ required_error: 'errors:required' }).trim().toLowerCase().max(254, 'errors:tooLong'),
  password: z.string({ required_error: 'errors:required' }).max(1024, 'errors:tooLong'),
  redirectTo: z.string().optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const state = await getAuthState(request)
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'))
  if (state.kind === 'signed-in') throw redirect(redirectTo)
  if (state.kind !== 'anonymous') throw redirectForState(state, request)
  return { redirectTo }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const state = await getAuthState(request)
  if (state.kind === 'setup') throw redirect('/setup')
  const parsed = parseForm(await request.formData(), schema)
  if (!parsed.ok) return invalid(parsed.errors, parsed.values)
  const { email, password } = parsed.data
  const redirectTo = safeRedirect(parsed.data.redirectTo)
  try {
    const result = await signInWithPassword({
      prisma: prisma(),
      email,
      password,
      ip: clientIp(context),
      userAgent: request.headers.get('User-Agent'),
    })
    const next = result.totpEnrolled
      ? `/two-factor?redirectTo=${encodeURIComponent(redirectTo)}`
      : `/enrol?redirectTo=${encodeURIComponent(redirectTo)}`
    return redirect(next, { headers: { 'Set-Cookie': sessionCookie(result.token, request, context) } })
  } catch (error) {
    if (isAppError(error) && error.code === 'RATE_LIMITED') return rateLimited(error.retryAfterSeconds ?? 60)
    if (isAppError(error) && error.code === 'UNAUTHENTICATED') {
      return data({ ok: false as const, errors: { form: 'auth:signin.invalid' }, values: { email } }, { status: 401 })
    }
    throw error
  }
}

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const errors: Record<string, string | undefined> = result?.errors ?? {}
  const values = (result?.values ?? {}) as { email?: string }
  const retryAfter = result && 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined
  return (
    <>
      <h1>{t('signin.title')}</h1>
      <Form method="post" className="stack" noValidate data-testid="login-form">
        <FormError error={errors.form} count={retryAfter} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field
          name="email"
          type="email"
          label={t('fields.email')}
          autoComplete="username"
          required
          autoFocus
          defaultValue={values.email}
          error={errors.email}
        />
        <Field
          name="password"
          type="password"
          label={t('fields.password')}
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <button type="submit" className="btn btn-primary" disabled={navigation.state === 'submitting'} data-testid="login-submit">
          {t('signin.submit')}
        </button>
      </Form>
    </>
  )
}
