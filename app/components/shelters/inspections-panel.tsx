// Inspections with their findings and defects; a defect can become a task of an open incident.
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError } from '~/components/app-shell'
import { useFormat } from '~/components/incidents/format'

type Inspection = { id: string; inspectedAt: string; inspectorName: string; findings: string; defects: { id: string; description: string; taskId: string | null }[] }
type Incident = { id: string; reference: string; title: string }

export function InspectionsPanel({ inspections, openIncidents, canManage, canTask, errors }: { inspections: Inspection[]; openIncidents: Incident[]; canManage: boolean; canTask: boolean; errors?: Record<string, string> }) {
  const { t } = useTranslation('shelters')
  const format = useFormat()
  return (
    <div data-testid="inspections">
      <h3>{t('inspections.heading')}</h3>
      <FormError error={errors?.form ?? errors?.incidentId} />
      {inspections.length === 0 ? <p className="small muted">{t('inspections.none')}</p> : null}
      <ul className="entries">
        {inspections.map((i) => (
          <li key={i.id} style={{ flexDirection: 'column' }}>
            <span>
              <strong>{format.dateTime(i.inspectedAt)}</strong> · {i.inspectorName}
            </span>
            {i.findings ? <span>{i.findings}</span> : null}
            {i.defects.map((d) => (
              <span key={d.id} className="defect" data-testid="defect">
                ⚠ {d.description}{' '}
                {d.taskId ? (
                  <span className="badge">{t('inspections.taskMade')}</span>
                ) : canTask && openIncidents.length ? (
                  <Form method="post" style={{ display: 'inline-flex', gap: '0.3rem' }}>
                    <input type="hidden" name="intent" value="defect-task" />
                    <input type="hidden" name="defectId" value={d.id} />
                    <select name="incidentId" aria-label={t('status.incident')} style={{ width: 'auto', fontSize: '0.8rem' }}>
                      {openIncidents.map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.reference}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="btn btn-small" data-testid="defect-task">
                      {t('inspections.makeTask')}
                    </button>
                  </Form>
                ) : null}
              </span>
            ))}
          </li>
        ))}
      </ul>
      {canManage ? (
        <details className="panel">
          <summary>{t('inspections.record')}</summary>
          <Form method="post" className="finder-form" data-testid="inspection-form">
            <input type="hidden" name="intent" value="inspection" />
            <div className="row">
              <div className="field">
                <label htmlFor="inspected-at">{t('inspections.inspectedAt')}</label>
                <input id="inspected-at" name="inspectedAt" type="date" required />
                {errors?.inspectedAt ? <div className="error">{t(errors.inspectedAt)}</div> : null}
              </div>
              <div className="field">
                <label htmlFor="inspector-name">{t('inspections.inspectorName')}</label>
                <input id="inspector-name" name="inspectorName" maxLength={200} required />
                {errors?.inspectorName ? <div className="error">{t(errors.inspectorName)}</div> : null}
              </div>
            </div>
            <div className="field">
              <label htmlFor="findings">{t('inspections.findings')}</label>
              <textarea id="findings" name="findings" rows={2} maxLength={4000} />
            </div>
            <div className="field">
              <label htmlFor="defects">{t('inspections.defects')}</label>
              <textarea id="defects" name="defects" rows={3} />
              <div className="hint">{t('inspections.defectsHint')}</div>
            </div>
            <button type="submit" className="btn btn-small">
              {t('inspections.save')}
            </button>
          </Form>
        </details>
      ) : null}
    </div>
  )
}
