// Check in and check out at the door: a count, or (only when household records are switched on)
// a household with its needs. Households inside are listed with check-out and erase.
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/app-shell'

const needs = ['WHEELCHAIR', 'MEDICATION', 'OXYGEN', 'INFANT', 'PET', 'DIET', 'OTHER'] as const

type Household = { id: string; label: string; size: number; needs: string[]; note: string; checkedInAt: string }

export function OccupancyPanel({ shelter, households, householdsEnabled, errors }: { shelter: { id: string; status: string; occupancy: number }; households: Household[]; householdsEnabled: boolean; errors?: Record<string, string> }) {
  const { t } = useTranslation('shelters')
  const open = shelter.status === 'OPEN' || shelter.status === 'FULL'
  if (!open) return <p className="small muted">{t('occupancy.notOpen')}</p>
  return (
    <div className="occupancy-panel" data-testid="occupancy-panel">
      <FormError error={errors?.form ?? errors?.people ?? errors?.householdLabel ?? errors?.householdId} />
      <Form method="post" className="inline-form" data-testid="occupancy-form">
        <input type="hidden" name="intent" value="occupancy" />
        <div className="field">
          <label htmlFor="occupancy-people">{t('occupancy.people')}</label>
          <input id="occupancy-people" name="people" type="number" min={1} max={500} defaultValue={1} required />
        </div>
        <button type="submit" name="direction" value="IN" className="btn btn-primary" data-testid="check-in">
          {t('occupancy.in')}
        </button>
        <button type="submit" name="direction" value="OUT" className="btn" data-testid="check-out" disabled={shelter.occupancy === 0}>
          {t('occupancy.out')}
        </button>
      </Form>
      {householdsEnabled ? (
        <details className="panel">
          <summary>{t('occupancy.householdHeading')}</summary>
          <p className="small muted">{t('occupancy.householdHint')}</p>
          <Form method="post" className="finder-form" data-testid="household-form" key={households.length}>
            <input type="hidden" name="intent" value="occupancy" />
            <input type="hidden" name="direction" value="IN" />
            <div className="row">
              <div className="field">
                <label htmlFor="household-label">{t('occupancy.householdLabel')}</label>
                <input id="household-label" name="householdLabel" maxLength={80} required />
              </div>
              <div className="field">
                <label htmlFor="household-people">{t('occupancy.people')}</label>
                <input id="household-people" name="people" type="number" min={1} max={50} defaultValue={1} required />
              </div>
            </div>
            <fieldset className="flag-set">
              <legend>{t('occupancy.needsLegend')}</legend>
              {needs.map((n) => (
                <label key={n} className="checkbox">
                  <input type="checkbox" name="needs" value={n} /> {t(`occupancy.needs.${n}`)}
                </label>
              ))}
            </fieldset>
            <div className="field">
              <label htmlFor="household-note">{t('occupancy.note')}</label>
              <input id="household-note" name="note" maxLength={200} />
            </div>
            <button type="submit" className="btn btn-small">
              {t('occupancy.in')}
            </button>
          </Form>
          {households.length ? (
            <ul className="entries" data-testid="households">
              {households.map((h) => (
                <li key={h.id}>
                  <span>
                    <strong>{h.label}</strong> · {h.size}
                    {h.needs.length ? ` · ${h.needs.map((n) => t(`occupancy.needs.${n}`)).join(', ')}` : ''}
                    {h.note ? ` · ${h.note}` : ''}
                  </span>
                  <Form method="post" style={{ marginLeft: 'auto', display: 'flex', gap: '0.3rem' }}>
                    <input type="hidden" name="householdId" value={h.id} />
                    <input type="hidden" name="people" value={h.size} />
                    <input type="hidden" name="direction" value="OUT" />
                    <button type="submit" name="intent" value="occupancy" className="btn btn-small">
                      {t('occupancy.out')}
                    </button>
                    <button type="submit" name="intent" value="erase-household" className="btn btn-small btn-danger">
                      {t('occupancy.erase')}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          ) : null}
        </details>
      ) : null}
    </div>
  )
}
