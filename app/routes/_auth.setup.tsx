// First-run setup: while no user exists every page leads here. Creates the first administrator,
// then /enrol sets up their second factor. Once any user exists this page is a 404.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { createFirstAdministrator, isSetupRequired } from '#domain/auth/create-first-administrator.ts'
import { emailSchema, nameSchema, newPasswordSchema, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '#domain/auth/schemas.ts'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { Field, FormError } from '~/components/app-shell'
import { NewPasswordFields } from '~/components/new-password-fields'
import { clientIp, rateLimited, retryAfterHeaders, sessionCookie } from '~/utils/auth.server'
import { appErrorFields, invalid, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]
export const headers = retryAfterHeaders

const setupSchema = z
  .object({
    name: nameSchema,
    email: emailSchema,
    password: newPasswordSchema,
    confirm: z.string({ required_error: 'errors:required' }),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'auth:password.mismatch' })

function notFound(): Response {
  return new Response('Not Found', { status: 404, statusText: 'Not Found' })
}

export async function loader(_args: LoaderFunctionArgs) {
  if (!(await isSetupRequired(prisma()))) throw notFound()
  return { minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (!(await isSetupRequired(prisma()))) throw notFound()
  const parsed = parseForm(await request.formData(), setupSchema)
  if (!parsed.ok) return invalid(parsed.errors, parsed.values)
  try {
    const result = await createFirstAdministrator({
      prisma: prisma(),
      ...parsed.data,
      ip: clientIp(context),
      userAgent: request.headers.get('User-Agent'),
    })
    return redirect('/enrol', { headers: { 'Set-Cookie': sessionCookie(result.token, request, context) } })
  } catch (error) {
    if (isAppError(error) && error.code === 'RATE_LIMITED') return rateLimited(error.retryAfterSeconds ?? 60)
    // another setup won the race: this one is over
    if (isAppError(error) && error.code === 'CONFLICT') throw redirect('/login')
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, { name: parsed.data.name, email: parsed.data.email })
    throw error
  }
}

export default function Setup() {
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const errors: Record<string, string | undefined> = result?.errors ?? {}
  const values = (result?.values ?? {}) as { name?: string; email?: string }
  const retryAfter = result && 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined
  return (
    <>
      <h1>{t('setup.title')}</h1>
      <p className="muted">{t('setup.intro')}</p>
      <Form method="post" className="stack" noValidate data-testid="setup-form">
        <FormError error={errors.form} count={retryAfter} />
        <Field name="name" label={t('fields.name')} autoComplete="name" required defaultValue={values.name} error={errors.name} />
        <Field
          name="email"
          type="email"
          label={t('fields.email')}
          autoComplete="username"
          required
          defaultValue={values.email}
          error={errors.email}
        />
        <NewPasswordFields name="password" errors={errors} />
        <button type="submit" className="btn btn-primary" disabled={navigation.state === 'submitting'} data-testid="setup-submit">
          {t('setup.submit')}
        </button>
      </Form>
    </>
  )
}
