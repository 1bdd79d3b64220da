// The dashboard's shelter pieces beside the map: the layer controls (kind, step-free, legend) and
// the panel of the shelter clicked on the map, with free places and open/close as one action
// (a fetcher form to POST /shelters/:id; the map and every other dashboard update live).
import { Link, useFetcher } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FreePlaces, ShelterStatusBadge } from './shelter-badges'
import { kinds } from './shelter-form'
import { shelterStatusColors } from './shelter-colors'
import type { ShelterLayerFilter } from './shelter-map-data'
import { ShelterStatusForm } from './status-form'

export type MapPanelShelter = { id: string; name: string; kind: string; status: string; storedStatus: string; freePlaces: number; capacity: number; occupancy: number; address: string }

export function ShelterLayerControls({ filter, onChange, count }: { filter: ShelterLayerFilter; onChange: (f: ShelterLayerFilter) => void; count: number }) {
  const { t } = useTranslation('shelters')
  return (
    <div className="shelter-layer-controls" data-testid="shelter-layer-controls">
      <strong>
        <Link to="/shelters">{t('map.layer')}</Link> <span className="muted small">({count})</span>
      </strong>
      <label>
        <select value={filter.kind} onChange={(e) => onChange({ ...filter, kind: e.target.value })} aria-label={t('map.kind')} data-testid="shelter-kind-filter">
          <option value="">{t('list.allKinds')}</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={filter.stepFree} onChange={(e) => onChange({ ...filter, stepFree: e.target.checked })} data-testid="shelter-stepfree-filter" /> {t('map.accessible')}
      </label>
      <div className="shelter-legend" aria-label={t('map.legend')}>
        {(['OPEN', 'FULL', 'OPENING', 'STANDBY', 'CLOSED'] as const).map((s) => (
          <span key={s}>
            <span className="dot" style={{ background: shelterStatusColors[s] }} />
            {t(`statuses.${s}`)}
          </span>
        ))}
        <span>{t('map.numbers')}</span>
      </div>
    </div>
  )
}

export function ShelterMapPanel({ shelter, incidents, canOperate, onClose }: { shelter: MapPanelShelter; incidents: { id: string; reference: string; title: string }[]; canOperate: boolean; onClose: () => void }) {
  const { t } = useTranslation('shelters')
  const fetcher = useFetcher<{ ok: boolean; errors?: Record<string, string> }>()
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : undefined
  return (
    <section className="shelter-panel" data-testid="shelter-panel" data-shelter={shelter.id} data-status={shelter.status} aria-labelledby="shelter-panel-heading">
      <div className="side-head">
        <h2 id="shelter-panel-heading">{shelter.name}</h2>
        <button type="button" className="btn btn-small" onClick={onClose} aria-label={t('map.close')} data-testid="shelter-panel-close">
          ×
        </button>
      </div>
      <p className="incident-badges">
        <ShelterStatusBadge status={shelter.status} /> <span className="muted small">{t(`kinds.${shelter.kind}`)}</span>
      </p>
      <p className="small">{shelter.address}</p>
      <FreePlaces status={shelter.status} freePlaces={shelter.freePlaces} capacity={shelter.capacity} />
      {canOperate ? <ShelterStatusForm shelterId={shelter.id} status={shelter.storedStatus} incidents={incidents} errors={errors} fetcher={fetcher} /> : null}
      <Link to={`/shelters/${shelter.id}`} className="small" data-testid="shelter-panel-link">
        {t('map.details')} →
      </Link>
    </section>
  )
}
