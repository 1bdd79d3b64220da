// Labelled select and textarea with their error (an i18n key, "ns:key"), in the same shape as
// the shell's <Field> for inputs: error tied by aria-describedby, data-testid "<name>-error".
import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react'
import { useTranslation } from 'react-i18next'

type Common = { name: string; label: string; error?: string | null; hint?: ReactNode; idPrefix?: string }

function describedBy(id: string, hint: unknown, error: unknown) {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
}

export function FieldError({ id, name, error }: { id: string; name: string; error?: string | null }) {
  const { t } = useTranslation()
  if (!error) return null
  return (
    <div className="error" id={`${id}-error`} data-testid={`${name}-error`}>
      {t(error)}
    </div>
  )
}

export function SelectField({
  name,
  label,
  error,
  hint,
  idPrefix = 'field',
  children,
  ...select
}: Common & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name' | 'id'>) {
  const id = `${idPrefix}-${name}`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...select}>
        {children}
      </select>
      {hint ? <div className="hint" id={`${id}-hint`}>{hint}</div> : null}
      <FieldError id={id} name={name} error={error} />
    </div>
  )
}

export function TextAreaField({
  name,
  label,
  error,
  hint,
  idPrefix = 'field',
  ...textarea
}: Common & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name' | 'id'>) {
  const id = `${idPrefix}-${name}`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...textarea} />
      {hint ? <div className="hint" id={`${id}-hint`}>{hint}</div> : null}
      <FieldError id={id} name={name} error={error} />
    </div>
  )
}

export function InputField({
  name,
  label,
  error,
  hint,
  idPrefix = 'field',
  type = 'text',
  ...input
}: Common & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'name' | 'id'>) {
  const id = `${idPrefix}-${name}`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type={type} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
      {hint ? <div className="hint" id={`${id}-hint`}>{hint}</div> : null}
      <FieldError id={id} name={name} error={error} />
    </div>
  )
}
