// Layout of the signed-out pages (setup, sign-in, second factor, enrolment): brand, language
// switch and one centred card.
import { Outlet } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LanguageSwitch } from '~/components/language-switch'

export default function AuthLayout() {
  const { t } = useTranslation()
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          {t('appName')}
        </span>
        <span className="muted small" style={{ flex: 1, color: 'rgba(255,255,255,0.85)' }}>
          {t('tagline')}
        </span>
        <LanguageSwitch />
      </header>
      <main className="page">
        <div className="card narrow">
          <Outlet />
        </div>
      </main>
    </div>
  )
}
