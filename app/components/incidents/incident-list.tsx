import './incidents.css'
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { IncidentSeverity, IncidentStatus, IncidentType } from '#generated/prisma/enums.ts'
import { SeverityBadge, StatusBadge } from './badges'
import { useFormat } from './format'

export type IncidentListItem = {
  id: string
  reference: string
  title: string
  type: IncidentType
  severity: IncidentSeverity
  status: IncidentStatus
  updatedAt: string
}

export function IncidentList({ incidents }: { incidents: IncidentListItem[] }) {
  const { t } = useTranslation('incidents')
  const format = useFormat()
  return (
    <ul className="incident-list" data-testid="incident-list">
      {incidents.map((incident) => (
        <li key={incident.id}>
          <Link
            to={`/incidents/${incident.id}`}
            data-testid="incident-item"
            data-reference={incident.reference}
            data-severity={incident.severity}
          >
            <div className="incident-item-head">
              <SeverityBadge severity={incident.severity} />
              {incident.status !== 'ACTIVE' ? <StatusBadge status={incident.status} /> : null}
              <span className="muted small">{t(`types.${incident.type}`)}</span>
              <span className="reference small">{incident.reference}</span>
            </div>
            <div className="incident-item-title">{incident.title}</div>
            <div className="muted small">
              <time dateTime={incident.updatedAt}>{t('dashboard.updated', { time: format.short(incident.updatedAt) })}</time>
            </div>
          </Link>
        </li>
      ))}
    </ul>
  )
}
