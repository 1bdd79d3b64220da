// The signed-in layout: every page under it needs a signed-in user who passed the second factor
// (or is sent to /setup, /login, /enrol or /two-factor). Renders the application shell.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { Outlet, useLoaderData } from '@remix-run/react'
import { can } from '#domain/auth/policy.ts'
import { AppShell } from '~/components/app-shell'
import { requireUser } from '~/utils/auth.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return {
    user: { id: user.id, name: user.name, email: user.email, role: user.role },
    nav: { users: can(user.role, 'manage:user:any'), audit: can(user.role, 'read:audit:any') },
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
