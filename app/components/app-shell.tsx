// The signed-in application shell (top bar: brand, navigation, live indicator slot, user, sign
// out, language) and the small form pieces the account screens share (Field, FormError).
import { Form, Link, NavLink } from '@remix-run/react'
import type { InputHTMLAttributes, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { LanguageSwitch } from '~/components/language-switch'
import { LiveIndicator } from '~/components/realtime'

export type ShellUser = { name: string; role: string }
export type ShellNav = { users: boolean; audit: boolean; alerts: boolean; reserves?: boolean; shelters?: boolean; paging?: boolean }

export function AppShell({ user, nav, children }: { user: ShellUser; nav: ShellNav; children: ReactNode }) {
  const { t } = useTranslation()
  const { t: tAdmin } = useTranslation('admin')
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand" aria-label={t('appName')}>
          <img src="/favicon.svg" alt="" width={22} height={22} />
          {t('appName')}
        </Link>
        <nav aria-label={tAdmin('shell.navigation')}>
          <NavLink to="/" end data-testid="nav-map">
            {t('nav.map')}
          </NavLink>
          {nav.alerts ? (
            <NavLink to="/alerts" data-testid="nav-alerts">
              {t('nav.alerts')}
            </NavLink>
          ) : null}
          {nav.shelters ? (
            <NavLink to="/shelters" data-testid="nav-shelters">
              {t('nav.shelters')}
            </NavLink>
          ) : null}
          {nav.reserves ? (
            <NavLink to="/reserves" data-testid="nav-reserves">
              {t('nav.reserves')}
            </NavLink>
          ) : null}
          {nav.users ? (
            <NavLink to="/admin/users" data-testid="nav-users">
              {t('nav.users')}
            </NavLink>
          ) : null}
          {nav.paging ? (
            <NavLink to="/admin/paging" data-testid="nav-paging">
              {tAdmin('paging.nav')}
            </NavLink>
          ) : null}
          {nav.audit ? (
            <NavLink to="/audit" data-testid="nav-audit">
              {t('nav.audit')}
            </NavLink>
          ) : null}
        </nav>
        {/* live-slot: the realtime connection's indicator */}
        <div id="live-slot"><LiveIndicator /></div>
        <div className="user">
          <NavLink to="/account" data-testid="nav-account" title={t('nav.account')}>
            <span data-testid="user-name">{user.name}</span>{' '}
            <span className="badge">{tAdmin(`roles.${user.role}`)}</span>
          </NavLink>
          <Form method="post" action="/logout">
            <button type="submit" className="link-button" data-testid="sign-out">
              {t('nav.signOut')}
            </button>
          </Form>
          <LanguageSwitch />
        </div>
      </header>
      {children}
    </div>
  )
}

type FieldProps = {
  name: string
  label: string
  error?: string | null
  hint?: ReactNode
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'id'>

/** A labelled input with its error (an i18n key) tied by aria-describedby. */
export function Field({ name, label, error, hint, type = 'text', ...input }: FieldProps) {
  const { t } = useTranslation()
  const id = `field-${name}`
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ')
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="error" id={`${id}-error`} data-testid={`${name}-error`}>
          {t(error)}
        </div>
      ) : null}
    </div>
  )
}

/** The error of a whole form (an i18n key; `count` feeds plurals such as "wait N seconds"). */
export function FormError({ error, count }: { error?: string | null; count?: number }) {
  const { t } = useTranslation()
  if (!error) return null
  return (
    <p className="form-error" role="alert" data-testid="form-error">
      {count === undefined ? t(error) : t(error, { count })}
    </p>
  )
}
