// Layout of the resident pages (no account): active alerts, one alert, subscribe, 72-hour kit.
// Readable without JavaScript; with it, the service worker (public/sw.js) is registered and the
// site is an installable web app (public/manifest.webmanifest).
import type { LinksFunction } from '@remix-run/node'
import { isRouteErrorResponse, NavLink, Outlet, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?url'
import { LanguageSwitch } from '~/components/language-switch'
import { ServiceWorkerRegistration } from '~/components/public/service-worker-registration'
import '~/components/public/public.css'

export const links: LinksFunction = () => [
  { rel: 'manifest', href: '/manifest.webmanifest' },
  { rel: 'apple-touch-icon', href: '/icons/icon-192.png' },
  { rel: 'stylesheet', href: maplibreCss },
]

function PublicShell({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation('public')
  const { t: tShelters } = useTranslation('shelters')
  return (
    <div className="public-shell">
      <header className="topbar public-topbar">
        <NavLink to="/public" className="brand">
          <img src="/icons/icon.svg" alt="" width={24} height={24} />
          {t('brand')}
        </NavLink>
        <nav aria-label={t('nav.label')}>
          <NavLink to="/public" data-testid="nav-alerts">
            {t('nav.alerts')}
          </NavLink>
          <NavLink to="/find-shelter" data-testid="nav-shelters">
            {tShelters('public.nav')}
          </NavLink>
          <NavLink to="/subscribe" data-testid="nav-subscribe">
            {t('nav.subscribe')}
          </NavLink>
          <NavLink to="/prepare" data-testid="nav-prepare">
            {t('nav.prepare')}
          </NavLink>
        </nav>
        <LanguageSwitch reloadDocument />
      </header>
      <main className="public-page">{children}</main>
      <footer className="public-footer">
        <p className="emergency">{t('footer.emergency')}</p>
        <p>
          {t('footer.feeds')}: <a href="/feeds/alerts.atom">Atom</a> · <a href="/feeds/cap.atom">CAP</a> ·{' '}
          <a href="/api/alerts/active">GeoJSON</a>
        </p>
      </footer>
      <ServiceWorkerRegistration />
    </div>
  )
}

export default function PublicLayout() {
  return (
    <PublicShell>
      <Outlet />
    </PublicShell>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation('errors')
  const { t: tp } = useTranslation('public')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const key = status === 404 ? 'notFound' : status === 429 ? 'tooMany' : 'unexpected'
  return (
    <PublicShell>
      <div className="error-page" data-testid="error-page" data-status={status}>
        <h1>{status}</h1>
        <p>{status === 404 ? tp('alert.notFound') : t(key)}</p>
        <a href="/public">{tp('alert.back')}</a>
      </div>
    </PublicShell>
  )
}
