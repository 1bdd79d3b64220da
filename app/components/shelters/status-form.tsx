// Opening and closing a shelter: one form, one action (POST /shelters/:id, intent=status). The
// buttons offered follow the transition rules (domain/shelters/set-shelter-status.ts); opening
// from standby or closed asks which incident the shelter opens for (the newest open one first).
// Used on the shelter page and in the dashboard's map panel (as a fetcher form there).
import { Form, useFetcher } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/app-shell'

type Incident = { id: string; reference: string; title: string }

const nextStatuses: Record<string, string[]> = {
  STANDBY: ['OPEN', 'OPENING'],
  OPENING: ['OPEN', 'CLOSED'],
  OPEN: ['CLOSED'],
  FULL: ['CLOSED'],
  CLOSED: ['OPEN', 'OPENING', 'STANDBY'],
}

export function ShelterStatusForm({ shelterId, status, incidents, errors, fetcher }: { shelterId: string; status: string; incidents: Incident[]; errors?: Record<string, string>; fetcher?: ReturnType<typeof useFetcher> }) {
  const { t } = useTranslation('shelters')
  const options = nextStatuses[status] ?? []
  const needsIncident = status === 'STANDBY' || status === 'CLOSED'
  const FormTag = fetcher ? fetcher.Form : Form
  const busy = fetcher ? fetcher.state !== 'idle' : false
  if (!options.length) return null
  return (
    <FormTag method="post" action={`/shelters/${shelterId}`} className="status-form" data-testid="shelter-status-form">
      <input type="hidden" name="intent" value="status" />
      <FormError error={errors?.status ?? errors?.form} />
      {needsIncident ? (
        incidents.length ? (
          <div className="field">
            <label htmlFor={`incident-${shelterId}`}>{t('status.incident')}</label>
            <select id={`incident-${shelterId}`} name="incidentId" data-testid="shelter-incident">
              {incidents.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.reference} {i.title}
                </option>
              ))}
            </select>
            {errors?.incidentId ? <div className="error">{t(errors.incidentId)}</div> : null}
          </div>
        ) : (
          <p className="small muted">{t('status.noIncidents')}</p>
        )
      ) : null}
      <div className="actions" style={{ display: 'flex', gap: '0.4rem', flexWrap: 'wrap' }}>
        {options.map((s) => (
          <button
            key={s}
            type="submit"
            name="status"
            value={s}
            className={s === 'OPEN' ? 'btn btn-primary btn-small' : s === 'CLOSED' ? 'btn btn-danger btn-small' : 'btn btn-small'}
            disabled={busy || (needsIncident && (s === 'OPEN' || s === 'OPENING') && incidents.length === 0)}
            data-testid={`shelter-to-${s}`}
          >
            {t(`status.to.${s}`)}
          </button>
        ))}
      </div>
    </FormTag>
  )
}
