import { useTranslation } from 'react-i18next'

export function ExpiryBadge({ state }: { state: 'none' | 'ok' | 'expiring' | 'expired' }) {
  const { t } = useTranslation('reserves')
  if (state === 'none') return null
  return <span className={`rsv-badge ${state}`}>{t(`expiry.${state}`)}</span>
}
