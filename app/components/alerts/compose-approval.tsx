// Where a draft stands and what can be done with it: submit for approval, approve or reject (a
// second staff member), and issue with the area's name typed as confirmation.
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { AlertDraftView } from '#domain/alerts/get-alert-draft.ts'
import { FormError } from '~/components/app-shell'
import { FieldError, TextAreaField } from '~/components/incidents/form-controls'

export type ApprovalViewer = { id: string; mayApprove: boolean }

export function ComposeApproval(props: {
  draft: AlertDraftView
  viewer: ApprovalViewer
  errors?: Record<string, string>
  submitting: boolean
  /** the preview is valid: the alert can be submitted or issued */
  ready: boolean
}) {
  const { t, i18n } = useTranslation('alerts')
  const { draft, viewer, errors = {} } = props
  const time = (iso: string | null) =>
    iso ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Riga' }).format(new Date(iso)) : ''
  const own = viewer.id === draft.createdById || viewer.id === draft.submittedById
  const issuedByApprover = draft.approval === 'approved' && viewer.id === draft.decidedById
  const mayIssue = props.ready && (draft.approval === 'not-needed' || (draft.approval === 'approved' && !issuedByApprover))
  const actual = draft.status === 'Actual'

  return (
    <section className="section" data-testid="approval">
      <h2>{t('approval.heading')}</h2>
      <FormError error={errors.form} />
      <div className="approval-box" data-testid="approval-stage" data-stage={draft.approval}>
        <div>{t(`approval.stage.${draft.approval}`)}</div>
        {draft.submittedAt ? (
          <div className="hint">{t('approval.submittedBy', { name: draft.submittedByName ?? '—', time: time(draft.submittedAt) })}</div>
        ) : null}
        {draft.approval === 'approved' ? (
          <div className="hint" data-testid="approved-by">
            {t('approval.approvedBy', { name: draft.decidedByName ?? '—', time: time(draft.decidedAt) })}
          </div>
        ) : null}
        {draft.approval === 'rejected' ? (
          <div data-testid="reject-reason">
            <strong>{t('approval.rejectedBy', { name: draft.decidedByName ?? '—', time: time(draft.decidedAt) })}</strong>
            <div style={{ whiteSpace: 'pre-wrap' }}>{draft.rejectReason}</div>
          </div>
        ) : null}

        {draft.approval === 'needed' || draft.approval === 'rejected' ? (
          <Form method="post">
            <input type="hidden" name="intent" value="submit" />
            <button type="submit" className="btn btn-primary" data-testid="submit-approval" disabled={props.submitting || !props.ready}>
              {t('approval.submit')}
            </button>
          </Form>
        ) : null}

        {draft.approval === 'awaiting' && viewer.mayApprove && !own ? (
          <div className="stack">
            <Form method="post">
              <input type="hidden" name="intent" value="approve" />
              <button type="submit" className="btn btn-primary" data-testid="approve" disabled={props.submitting}>
                {t('approval.approve')}
              </button>
            </Form>
            <Form method="post" className="stack" noValidate>
              <input type="hidden" name="intent" value="reject" />
              <TextAreaField name="reason" label={t('approval.reason')} error={errors.reason} rows={2} maxLength={1000} />
              <button type="submit" className="btn" data-testid="reject" disabled={props.submitting}>
                {t('approval.reject')}
              </button>
            </Form>
          </div>
        ) : null}
        {draft.approval === 'awaiting' && (own || !viewer.mayApprove) ? <div className="hint">{t('approval.waitingForOther')}</div> : null}
        {issuedByApprover ? <div className="hint">{t('approval.approverCannotIssue')}</div> : null}
      </div>

      {mayIssue ? (
        <Form method="post" className={`approval-box stack ${actual ? 'danger' : 'warning'}`} data-testid="issue-form" noValidate>
          <input type="hidden" name="intent" value="issue" />
          <label htmlFor="field-confirmation">
            {t('approval.confirmLabel')} <span className="confirm-name" data-testid="confirm-name">{draft.areaName}</span>
          </label>
          <input
            id="field-confirmation"
            name="confirmation"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors.confirmation ? true : undefined}
            aria-describedby={errors.confirmation ? 'field-confirmation-error' : 'field-confirmation-hint'}
          />
          <div className="hint" id="field-confirmation-hint">
            {t(actual ? 'approval.confirmHintActual' : 'approval.confirmHintExercise')}
          </div>
          <FieldError id="field-confirmation" name="confirmation" error={errors.confirmation} />
          <div className="row actions">
            <button type="submit" className={`btn ${actual ? 'btn-danger' : 'btn-primary'}`} data-testid="issue" disabled={props.submitting}>
              {t(actual ? 'approval.issueActual' : 'approval.issue')}
            </button>
          </div>
        </Form>
      ) : null}

      <Form method="post">
        <input type="hidden" name="intent" value="discard" />
        <button type="submit" className="btn btn-small" data-testid="discard" disabled={props.submitting}>
          {t('approval.discard')}
        </button>
      </Form>
    </section>
  )
}
