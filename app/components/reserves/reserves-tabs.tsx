// The reserves sub-navigation: overview, stock per warehouse, stock card, issue, needs.
import { NavLink } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

export function ReservesTabs({ canIssue }: { canIssue: boolean }) {
  const { t } = useTranslation('reserves')
  const tabs = [
    { to: '/reserves', label: t('tabs.overview'), end: true },
    { to: '/reserves/stock', label: t('tabs.stock') },
    { to: '/reserves/card', label: t('tabs.card') },
    ...(canIssue ? [{ to: '/reserves/issue', label: t('tabs.issue') }] : []),
    { to: '/reserves/needs', label: t('tabs.needs') },
  ]
  return (
    <nav className="rsv-tabs" aria-label={t('tabs.label')}>
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end} className="btn btn-small" data-testid={`reserves-tab-${tab.to.split('/')[2] ?? 'overview'}`}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  )
}
