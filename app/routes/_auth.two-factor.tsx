// Sign-in, step two: the code from the authenticator app (a code works once).
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { totpCodeSchema } from '#domain/auth/schemas.ts'
import { verifySecondFactor } from '#domain/auth/verify-second-factor.ts'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { Field, FormError } from '~/components/app-shell'
import {
  clientIp,
  getAuthState,
  getSessionToken,
  rateLimited,
  retryAfterHeaders,
  redirectForState,
  safeRedirect,
  sessionCookie,
} from '~/utils/auth.server'
import { invalid, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]
export const headers = retryAfterHeaders

const schema = z.object({ code: totpCodeSchema, redirectTo: z.string().optional() })

async function requirePendingSecondFactor(request: Request) {
  const state = await getAuthState(request)
  if (state.kind === 'signed-in') throw redirect('/')
  if (state.kind !== 'second-factor') throw redirectForState(state, request)
  return state
}

export async function loader({ request }: LoaderFunctionArgs) {
  const state = await requirePendingSecondFactor(request)
  return {
    redirectTo: safeRedirect(new URL(request.url).searchParams.get('redirectTo')),
    email: state.user.email,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requirePendingSecondFactor(request)
  const parsed = parseForm(await request.formData(), schema)
  if (!parsed.ok) return invalid(parsed.errors)
  try {
    const result = await verifySecondFactor({
      prisma: prisma(),
      token: getSessionToken(request),
      code: parsed.data.code,
      ip: clientIp(context),
      userAgent: request.headers.get('User-Agent'),
    })
    return redirect(safeRedirect(parsed.data.redirectTo), {
      headers: { 'Set-Cookie': sessionCookie(result.token, request, context) },
    })
  } catch (error) {
    if (isAppError(error) && error.code === 'RATE_LIMITED') return rateLimited(error.retryAfterSeconds ?? 60)
    if (isAppError(error) && error.code === 'INVALID_INPUT') {
      return data({ ok: false as const, errors: error.fields ?? { code: 'auth:totp.invalid' }, values: {} }, { status: 422 })
    }
    if (isAppError(error) && error.code === 'UNAUTHENTICATED') throw redirect('/login')
    throw error
  }
}

export default function TwoFactor() {
  const { redirectTo, email } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const errors: Record<string, string | undefined> = result?.errors ?? {}
  const retryAfter = result && 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined
  return (
    <>
      <h1>{t('totp.title')}</h1>
      <p className="muted">{t('totp.intro', { email })}</p>
      <Form method="post" className="stack" noValidate data-testid="totp-form">
        <FormError error={errors.form} count={retryAfter} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field
          name="code"
          label={t('fields.code')}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          required
          autoFocus
          error={errors.code}
        />
        <button type="submit" className="btn btn-primary" disabled={navigation.state === 'submitting'} data-testid="totp-submit">
          {t('totp.submit')}
        </button>
      </Form>
      <Form method="post" action="/logout" style={{ marginTop: '1rem' }}>
        <button type="submit" className="btn btn-small">
          {t('signin.otherAccount')}
        </button>
      </Form>
    </>
  )
}
