// Create a staff account. The initial password (generated unless the administrator types one) is
// shown once, here, and never again; the new user must enrol a second factor at first sign-in.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { userActor } from '#domain/auth/actor.ts'
import { createUser } from '#domain/auth/create-user.ts'
import { emailSchema, nameSchema, newPasswordSchema, roleSchema, roleValues, PASSWORD_MIN_LENGTH } from '#domain/auth/schemas.ts'
import { prisma } from '#domain/runtime.ts'
import { Field, FormError } from '~/components/app-shell'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, invalid, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const schema = z.object({
  name: nameSchema,
  email: emailSchema,
  role: roleSchema,
  password: newPasswordSchema.optional(),
  phone: z.string().max(40, 'errors:tooLong').optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'manage:user:any')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:user:any')
  const parsed = parseForm(await request.formData(), schema)
  if (!parsed.ok) return invalid(parsed.errors, parsed.values)
  try {
    const created = await createUser({ prisma: prisma(), actor: userActor(user, clientIp(context)), ...parsed.data })
    return {
      ok: true as const,
      created: {
        id: created.userId,
        name: parsed.data.name,
        email: created.email,
        password: created.generatedPassword,
      },
    }
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, { name: parsed.data.name, email: parsed.data.email, role: parsed.data.role, phone: parsed.data.phone })
    throw error
  }
}

export default function NewUser() {
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('admin')
  if (result?.ok) {
    const { created } = result
    return (
      <main className="page">
        <div className="card narrow stack" data-testid="user-created">
          <h1>{t('create.doneTitle')}</h1>
          <p>{t('create.done', { name: created.name, email: created.email })}</p>
          {created.password ? (
            <>
              <p>{t('create.passwordOnce')}</p>
              <code className="secret" data-testid="initial-password">
                {created.password}
              </code>
            </>
          ) : null}
          <p className="muted">{t('create.enrolNext')}</p>
          <div className="row">
            <Link to={`/admin/users/${created.id}`} className="btn">
              {t('create.open')}
            </Link>
            <Link to="/admin/users" className="btn btn-primary">
              {t('create.backToList')}
            </Link>
          </div>
        </div>
      </main>
    )
  }
  const errors: Record<string, string | undefined> = result?.errors ?? {}
  const values = (result?.values ?? {}) as { name?: string; email?: string; role?: string; phone?: string }
  return (
    <main className="page">
      <div className="card narrow">
        <h1>{t('create.title')}</h1>
        <Form method="post" className="stack" noValidate data-testid="user-create-form">
          <FormError error={errors.form} />
          <Field name="name" label={t('fields.name')} required defaultValue={values.name} error={errors.name} />
          <Field name="email" type="email" label={t('fields.email')} required defaultValue={values.email} error={errors.email} />
          <div className="field">
            <label htmlFor="field-role">{t('fields.role')}</label>
            <select
              id="field-role"
              name="role"
              defaultValue={values.role ?? 'OPERATOR'}
              aria-invalid={errors.role ? true : undefined}
              aria-describedby={errors.role ? 'field-role-error' : undefined}
            >
              {roleValues.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
            {errors.role ? (
              <div className="error" id="field-role-error">
                {t(errors.role)}
              </div>
            ) : null}
          </div>
          <Field name="phone" type="tel" label={t('fields.phone')} defaultValue={values.phone} autoComplete="off" hint={t('phone.hint')} error={errors.phone} />
          <Field
            name="password"
            type="password"
            label={t('fields.initialPassword')}
            autoComplete="new-password"
            hint={t('create.passwordHint', { min: PASSWORD_MIN_LENGTH })}
            error={errors.password}
          />
          <div className="row">
            <Link to="/admin/users" className="btn">
              {t('common:actions.cancel')}
            </Link>
            <button type="submit" className="btn btn-primary" disabled={navigation.state === 'submitting'} data-testid="user-create-submit">
              {t('common:actions.create')}
            </button>
          </div>
        </Form>
      </div>
    </main>
  )
}
