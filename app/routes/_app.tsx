// The signed-in layout: every page under it needs a signed-in user who passed the second factor
// (or is sent to /setup, /login, /enrol or /two-factor). Renders the application shell. Child
// routes read the user with useRouteLoaderData<typeof loader>('routes/_app').
import type { LoaderFunctionArgs } from '@remix-run/node'
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { can } from '#domain/auth/policy.ts'
import { AppShell } from '~/components/app-shell'
import { requireUser } from '~/utils/auth.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return {
    user: { id: user.id, name: user.name, email: user.email, role: user.role },
    nav: { users: can(user.role, 'manage:user:any'), audit: can(user.role, 'read:audit:any'), alerts: can(user.role, 'read:alert:any'), reserves: can(user.role, 'read:reserves:any'), shelters: can(user.role, 'read:shelter:any'), paging: can(user.role, 'manage:settings:any') },
  }
}

export default function AppLayout() {
  const { user, nav } = useLoaderData<typeof loader>()
  return (
    <AppShell user={user} nav={nav}>
      <Outlet />
    </AppShell>
  )
}

/** A page under the shell failed (403, 404, …): keep the shell, say what happened. */
export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>('routes/_app')
  const error = useRouteError()
  const { t } = useTranslation('errors')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const key = status === 403 ? 'forbidden' : status === 404 ? 'notFound' : status === 429 ? 'tooMany' : 'unexpected'
  const message = (
    <main className="page error-page" data-testid="error-page" data-status={status}>
      <h1>{status}</h1>
      <p>{t(key)}</p>
      <Link to="/">{t('backHome')}</Link>
    </main>
  )
  return data ? (
    <AppShell user={data.user} nav={data.nav}>
      {message}
    </AppShell>
  ) : (
    message
  )
}
