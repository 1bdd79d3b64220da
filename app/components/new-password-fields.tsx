import { useTranslation } from 'react-i18next'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '#domain/auth/schemas.ts'
import { Field } from '~/components/app-shell'

/** A new password (with the length rule as a hint) and its confirmation, for setup and the account page. */
export function NewPasswordFields({ name, errors }: { name: string; errors: Record<string, string | undefined> }) {
  const { t } = useTranslation('auth')
  return (
    <>
      <Field
        name={name}
        type="password"
        label={t('fields.newPassword')}
        autoComplete="new-password"
        minLength={PASSWORD_MIN_LENGTH}
        maxLength={PASSWORD_MAX_LENGTH}
        required
        hint={t('password.hint', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })}
        error={errors[name]}
      />
      <Field
        name="confirm"
        type="password"
        label={t('fields.confirmPassword')}
        autoComplete="new-password"
        required
        error={errors.confirm}
      />
    </>
  )
}
