// Severity and message-type badges of the resident pages.
import { useTranslation } from 'react-i18next'
import type { AlertSeverityName } from './types'

export function SeverityBadge({ severity }: { severity: AlertSeverityName }) {
  const { t } = useTranslation('public')
  return (
    <span className={`badge cap-sev cap-sev-${severity}`} data-testid="severity">
      {t(`severity.${severity}`)}
    </span>
  )
}

export function MsgTypeBadge({ msgType }: { msgType: string }) {
  const { t } = useTranslation('public')
  if (msgType !== 'Update' && msgType !== 'Cancel') return null
  return <span className="badge">{t(`msgType.${msgType}`)}</span>
}
