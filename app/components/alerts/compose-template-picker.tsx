// Starting from a template: a GET form (works without JavaScript) that reloads the composer with
// ?template=…&phenomenon=…&shelter=…&area=… filled into every language.
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { alertTemplateIds, metPhenomena } from '#domain/alerts/composer-fields.ts'

export function ComposeTemplatePicker(props: {
  templateId: string | null
  phenomenon: string | null
  shelter: string | null
  areaName: string | null
  references: string | null
  error?: string | null
}) {
  const { t } = useTranslation('alerts')
  return (
    <Form method="get" className="template-picker" data-testid="template-picker">
      {props.references ? <input type="hidden" name="references" value={props.references} /> : null}
      <div className="field">
        <label htmlFor="template-id">{t('templates.label')}</label>
        <select id="template-id" name="template" defaultValue={props.templateId ?? ''}>
          <option value="">{t('templates.none')}</option>
          {alertTemplateIds.map((id) => (
            <option key={id} value={id}>
              {t(`templates.${id}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="template-phenomenon">{t('templates.phenomenon')}</label>
        <select id="template-phenomenon" name="phenomenon" defaultValue={props.phenomenon ?? 'wind'}>
          {Object.keys(metPhenomena).map((p) => (
            <option key={p} value={p}>
              {t(`templates.phenomena.${p}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="template-area">{t('templates.areaName')}</label>
        <input id="template-area" name="area" defaultValue={props.areaName ?? ''} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor="template-shelter">{t('templates.shelter')}</label>
        <input id="template-shelter" name="shelter" defaultValue={props.shelter ?? ''} autoComplete="off" />
      </div>
      <button type="submit" className="btn" data-testid="template-apply">
        {t('templates.apply')}
      </button>
      {props.error ? (
        <p className="form-error" role="alert" data-testid="template-error" style={{ flexBasis: '100%' }}>
          {t(props.error)}
        </p>
      ) : null}
    </Form>
  )
}
