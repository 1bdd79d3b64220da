// The incident form (create and edit): type, severity, status, title, description, and the area
// drawn on the map (a hidden input carrying the GeoJSON polygon or the circle as centre+radius).
// Works without JavaScript except the drawing itself.
import './incidents.css'
import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import {
  incidentLimits,
  incidentSeverities,
  incidentTypes,
  openIncidentStatuses,
} from '#domain/incidents/schemas.ts'
import type { DrawnArea } from '~/components/map/map-data'
import { FormError } from '~/components/app-shell'
import { InputField, SelectField, TextAreaField, FieldError } from './form-controls'
import { useFormat } from './format'

export type IncidentFormValues = {
  title?: string
  type?: string
  severity?: string
  status?: string
  description?: string
}

export function AreaSummary({ area, kept }: { area: DrawnArea | null; kept?: boolean }) {
  const { t } = useTranslation('incidents')
  const format = useFormat()
  if (!area) return <span className="muted">{t(kept ? 'form.areaKept' : 'form.areaNone')}</span>
  if (area.type === 'Circle') return <span>{t('form.areaCircle', { radius: format.distance(area.radiusM) })}</span>
  return <span>{t('form.areaPolygon', { count: area.coordinates[0].length - 1 })}</span>
}

export function IncidentForm(props: {
  mode: 'create' | 'edit'
  heading: string
  defaults: IncidentFormValues
  errors?: Record<string, string>
  drawn: DrawnArea | null
  cancelTo: string
  submitting: boolean
}) {
  const { t } = useTranslation('incidents')
  const { errors = {}, defaults } = props
  return (
    <Form method="post" className="stack" data-testid="incident-form" noValidate>
      <h2>{props.heading}</h2>
      <FormError error={errors.form} />
      <div className="row">
        <SelectField name="type" label={t('fields.type')} error={errors.type} defaultValue={defaults.type ?? ''} required>
          {props.mode === 'create' ? <option value="">—</option> : null}
          {incidentTypes.map((v) => (
            <option key={v} value={v}>
              {t(`types.${v}`)}
            </option>
          ))}
        </SelectField>
        <SelectField name="severity" label={t('fields.severity')} error={errors.severity} defaultValue={defaults.severity ?? ''} required>
          {props.mode === 'create' ? <option value="">—</option> : null}
          {incidentSeverities.map((v) => (
            <option key={v} value={v}>
              {t(`severities.${v}`)}
            </option>
          ))}
        </SelectField>
        <SelectField name="status" label={t('fields.status')} error={errors.status} defaultValue={defaults.status ?? 'ACTIVE'}>
          {openIncidentStatuses.map((v) => (
            <option key={v} value={v}>
              {t(`statuses.${v}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <InputField
        name="title"
        label={t('fields.title')}
        error={errors.title}
        defaultValue={defaults.title ?? ''}
        maxLength={incidentLimits.titleMax}
        required
        autoComplete="off"
      />
      <TextAreaField
        name="description"
        label={t('fields.description')}
        error={errors.description}
        defaultValue={defaults.description ?? ''}
        maxLength={incidentLimits.descriptionMax}
        rows={4}
      />
      <div className="field" data-testid="area-field">
        <span className="label">{t('fields.area')}</span>
        <input
          type="hidden"
          name="area"
          value={props.drawn ? JSON.stringify(props.drawn) : ''}
          data-testid="area-input"
          aria-describedby={errors.area ? 'field-area-error' : undefined}
        />
        <div data-testid="area-summary">
          <AreaSummary area={props.drawn} kept={props.mode === 'edit'} />
        </div>
        <div className="hint">{t(props.mode === 'create' ? 'form.areaHint' : 'form.areaEditHint')}</div>
        <noscript>
          <div className="hint">{t('form.needsJavaScript')}</div>
        </noscript>
        <FieldError id="field-area" name="area" error={errors.area} />
      </div>
      <div className="row actions">
        <button type="submit" className="btn btn-primary" data-testid="incident-submit" disabled={props.submitting}>
          {t(props.mode === 'create' ? 'form.create' : 'form.save')}
        </button>
        <Link to={props.cancelTo} className="btn" data-testid="incident-cancel">
          {t('form.cancel')}
        </Link>
      </div>
    </Form>
  )
}
