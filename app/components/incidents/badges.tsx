import './incidents.css'
import { useTranslation } from 'react-i18next'
import type { IncidentSeverity, IncidentStatus, TaskStatus } from '#generated/prisma/enums.ts'

export function SeverityBadge({ severity }: { severity: IncidentSeverity }) {
  const { t } = useTranslation('incidents')
  return (
    <span className={`badge sev-${severity}`} data-testid="severity-badge" data-severity={severity}>
      {t(`severities.${severity}`)}
    </span>
  )
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  const { t } = useTranslation('incidents')
  return (
    <span className={`badge status-${status}`} data-testid="status-badge" data-status={status}>
      {t(`statuses.${status}`)}
    </span>
  )
}

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  const { t } = useTranslation('incidents')
  return (
    <span className={`badge task-${status}`} data-testid="task-status" data-status={status}>
      {t(`taskStatuses.${status}`)}
    </span>
  )
}
