// Enrolment of the TOTP second factor: QR code + the key to type by hand, confirmed with a code.
// Every user without a second factor lands here (first administrator after setup, new staff at
// first sign-in, after an administrator reset the second factor) before reaching anything else.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import QRCode from 'qrcode'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { confirmTotpEnrolment, startTotpEnrolment } from '#domain/auth/enrol-second-factor.ts'
import { totpCodeSchema } from '#domain/auth/schemas.ts'
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

async function requireEnrolment(request: Request) {
  const state = await getAuthState(request)
  if (state.kind === 'signed-in') throw redirect('/')
  if (state.kind !== 'enrol') throw redirectForState(state, request)
  return state
}

export async function loader({ request }: LoaderFunctionArgs) {
  const state = await requireEnrolment(request)
  const { secret, uri } = await startTotpEnrolment({ prisma: prisma(), userId: state.user.id })
  const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 220 })
  return {
    secret,
    qr,
    email: state.user.email,
    name: state.user.name,
    redirectTo: safeRedirect(new URL(request.url).searchParams.get('redirectTo')),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireEnrolment(request)
  const parsed = parseForm(await request.formData(), schema)
  if (!parsed.ok) return invalid(parsed.errors)
  try {
    const result = await confirmTotpEnrolment({
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
    if (isAppError(error) && (error.code === 'UNAUTHENTICATED' || error.code === 'CONFLICT')) throw redirect('/login')
    throw error
  }
}

export default function Enrol() {
  const { secret, qr, email, name, redirectTo } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const errors: Record<string, string | undefined> = result?.errors ?? {}
  const retryAfter = result && 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined
  return (
    <>
      <h1>{t('enrol.title')}</h1>
      <p>{t('enrol.intro', { name })}</p>
      <ol className="stack" style={{ paddingLeft: '1.2rem' }}>
        <li>
          {t('enrol.stepScan')}
          <div className="qr">
            <img src={qr} width={220} height={220} alt={t('enrol.qrAlt')} data-testid="totp-qr" />
          </div>
        </li>
        <li>
          {t('enrol.stepManual')}
          <code className="secret" aria-label={t('enrol.keyLabel')} data-testid="totp-secret">
            {secret}
          </code>
          <span className="hint small muted">{t('enrol.account', { email })}</span>
        </li>
        <li>{t('enrol.stepConfirm')}</li>
      </ol>
      <Form method="post" className="stack" noValidate data-testid="enrol-form">
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
          error={errors.code}
        />
        <button type="submit" className="btn btn-primary" disabled={navigation.state === 'submitting'} data-testid="enrol-submit">
          {t('enrol.submit')}
        </button>
      </Form>
    </>
  )
}
