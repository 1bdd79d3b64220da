// Staff accounts: the list (administrators only, manage:user:any).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listUsers } from '#domain/auth/list-users.ts'
import { prisma } from '#domain/runtime.ts'
import { maskPhone } from '#domain/staff/staff-numbers.ts'
import { requireUserWithPermission } from '~/utils/auth.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'manage:user:any')
  const users = await listUsers({ prisma: prisma() })
  return {
    users: users.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      status: u.status,
      totpEnrolled: u.totpEnrolled,
      activeSessions: u.activeSessions,
      // the list shows a masked number only (the user's own screen shows it in full)
      phone: u.phone ? maskPhone(u.phone) : null,
    })),
  }
}

export default function Users() {
  const { users } = useLoaderData<typeof loader>()
  const { t } = useTranslation('admin')
  const { t: tDevices } = useTranslation('devices')
  return (
    <main className="page stack">
      <div className="row" style={{ alignItems: 'center' }}>
        <h1 style={{ margin: 0 }}>{t('users.title')}</h1>
        <div style={{ flex: '0 0 auto' }}>
          <Link to="/admin/users/new" className="btn btn-primary" data-testid="user-new">
            {t('users.new')}
          </Link>{' '}
          <Link to="/admin/staff-groups" className="btn" data-testid="nav-staff-groups">
            {t('staffGroups.title')}
          </Link>{' '}
          <Link to="/admin/social" className="btn" data-testid="nav-social">
            {t('social.title')}
          </Link>{' '}
          <Link to="/admin/devices" className="btn" data-testid="nav-devices">
            {tDevices('title')}
          </Link>
        </div>
      </div>
      <table className="data" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">{t('fields.name')}</th>
            <th scope="col">{t('fields.email')}</th>
            <th scope="col">{t('fields.role')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col">{t('fields.secondFactor')}</th>
            <th scope="col">{t('fields.sessions')}</th>
            <th scope="col">{t('fields.phone')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid="user-row" data-email={u.email}>
              <td>
                <Link to={`/admin/users/${u.id}`}>{u.name}</Link>
              </td>
              <td>{u.email}</td>
              <td>{t(`roles.${u.role}`)}</td>
              <td>
                <span className="badge">{t(`status.${u.status}`)}</span>
              </td>
              <td>{u.totpEnrolled ? t('users.enrolled') : t('users.notEnrolled')}</td>
              <td>{u.activeSessions}</td>
              <td style={{ whiteSpace: 'nowrap' }} data-testid="user-phone">{u.phone ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
