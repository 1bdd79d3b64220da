// The registry form (create and edit): one field per registry column, errors per field (i18n keys).
import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Field, FormError } from '~/components/app-shell'
import { SelectField, TextAreaField } from '~/components/incidents/form-controls'
import { flagNames } from './shelter-badges'

export const kinds = ['CATEGORY_I', 'CATEGORY_II', 'CATEGORY_III', 'SHORT_STAY', 'EVACUATION_POINT', 'WARMING_COOLING_CENTRE'] as const

export type ShelterFormValues = Partial<Record<string, string | number | boolean | null>>

export function ShelterForm({ heading, defaults, errors, cancelTo, submitting }: { heading: string; defaults: ShelterFormValues; errors?: Record<string, string>; cancelTo: string; submitting: boolean }) {
  const { t } = useTranslation('shelters')
  const v = (name: string) => (defaults[name] === undefined || defaults[name] === null ? '' : String(defaults[name]))
  const checked = (name: string) => defaults[name] === true || defaults[name] === 'on'
  return (
    <Form method="post" className="card shelter-form" data-testid="shelter-form" noValidate>
      <h1>{heading}</h1>
      <FormError error={errors?.form} />
      <div className="row">
        <Field name="code" label={t('fields.code')} defaultValue={v('code')} error={errors?.code} required maxLength={40} />
        <SelectField name="kind" label={t('fields.kind')} defaultValue={v('kind') || 'SHORT_STAY'} error={errors?.kind}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <Field name="name" label={t('fields.name')} defaultValue={v('name')} error={errors?.name} required maxLength={200} />
      <Field name="address" label={t('fields.address')} defaultValue={v('address')} error={errors?.address} required maxLength={300} />
      <div className="row">
        <Field name="lat" label={t('fields.lat')} defaultValue={v('lat')} error={errors?.lat} inputMode="decimal" required hint={t('form.placeHint')} />
        <Field name="lng" label={t('fields.lng')} defaultValue={v('lng')} error={errors?.lng} inputMode="decimal" required />
      </div>
      <div className="row">
        <Field name="capacityDay" label={t('fields.capacityDay')} type="number" min={0} defaultValue={v('capacityDay')} error={errors?.capacityDay} required />
        <Field name="capacityNight" label={t('fields.capacityNight')} type="number" min={0} defaultValue={v('capacityNight')} error={errors?.capacityNight} required />
      </div>
      <fieldset className="flag-set">
        <legend>{t('form.features')}</legend>
        {flagNames.map((f) => (
          <label key={f} className="checkbox">
            <input type="checkbox" name={f} defaultChecked={checked(f)} /> {t(`fields.${f}`)}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <Field name="responsibleName" label={t('fields.responsibleName')} defaultValue={v('responsibleName')} error={errors?.responsibleName} maxLength={200} />
        <Field name="responsiblePhone" label={t('fields.responsiblePhone')} type="tel" defaultValue={v('responsiblePhone')} error={errors?.responsiblePhone} maxLength={50} />
      </div>
      <Field name="responsibleEmail" label={t('fields.responsibleEmail')} type="email" defaultValue={v('responsibleEmail')} error={errors?.responsibleEmail} maxLength={200} />
      <TextAreaField name="openingProcedure" label={t('fields.openingProcedure')} defaultValue={v('openingProcedure')} error={errors?.openingProcedure} rows={4} maxLength={4000} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="shelter-save">
          {t('form.save')}
        </button>
        <Link to={cancelTo} className="btn">
          {t('form.cancel')}
        </Link>
      </div>
    </Form>
  )
}
