// The event log of an incident: timed entries, oldest first, with author, the significant flag
// and corrections linked both ways. Entries are never edited: "Correct this entry" preselects
// it in the form below (via ?corrects=, so it works without JavaScript too).
import './incidents.css'
import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { LogEntryRecord } from '#domain/incidents/serialize.ts'
import { incidentLimits } from '#domain/incidents/schemas.ts'
import { FormError } from '~/components/app-shell'
import { InputField, SelectField, TextAreaField, FieldError } from './form-controls'
import { useFormat } from './format'

export function EventLog(props: {
  entries: LogEntryRecord[]
  canAdd: boolean
  /** datetime-local value of "now" in the municipality's zone */
  nowLocal: string
  /** entry preselected as the one to correct */
  corrects: string | null
  errors?: Record<string, string>
  values?: Record<string, unknown>
  submitting: boolean
  /** bumps after a successful submit, to reset the form */
  formKey: string
}) {
  const { t } = useTranslation('incidents')
  const format = useFormat()
  const byId = new Map(props.entries.map((e) => [e.id, e]))
  const correctedBy = new Map<string, LogEntryRecord[]>()
  for (const e of props.entries) {
    if (e.correctsId) correctedBy.set(e.correctsId, [...(correctedBy.get(e.correctsId) ?? []), e])
  }
  const errors = props.errors ?? {}
  const value = (name: string) => (typeof props.values?.[name] === 'string' ? (props.values[name] as string) : undefined)

  return (
    <section className="section" aria-labelledby="log-heading" data-testid="event-log">
      <h2 id="log-heading">
        {t('log.heading')} <span className="count">{t('log.count', { count: props.entries.length })}</span>
      </h2>
      {props.entries.length === 0 ? <p className="muted">{t('log.empty')}</p> : null}
      <ol className="log">
        {props.entries.map((entry) => {
          const corrected = byId.get(entry.correctsId ?? '')
          const corrections = correctedBy.get(entry.id) ?? []
          const classes = [entry.significant ? 'significant' : '', corrected ? 'correction' : '', corrections.length ? 'corrected' : '']
          return (
            <li
              key={entry.id}
              id={`entry-${entry.id}`}
              className={classes.filter(Boolean).join(' ')}
              data-testid="log-entry"
              data-significant={entry.significant ? 'true' : 'false'}
            >
              <div className="entry-head">
                <time dateTime={entry.occurredAt}>{format.dateTime(entry.occurredAt)}</time>
                <span>· {entry.authorName ?? t('log.unknownAuthor')}</span>
                {entry.significant ? <span className="badge significant">{t('log.significantBadge')}</span> : null}
              </div>
              {corrected ? (
                <div className="small">
                  <a href={`#entry-${corrected.id}`} data-testid="corrects-link">
                    {t('log.correction', { time: format.dateTime(corrected.occurredAt) })}
                  </a>
                </div>
              ) : null}
              <div className="entry-body">{entry.body}</div>
              <div className="entry-links">
                {corrections.map((c) => (
                  <a key={c.id} href={`#entry-${c.id}`} className="muted">
                    {t('log.correctedBy')}
                  </a>
                ))}
                {props.canAdd ? (
                  <Link
                    to={`?corrects=${entry.id}#log-form`}
                    preventScrollReset
                    replace
                    data-testid="correct-entry"
                    onClick={(event) => {
                      // with JavaScript: preselect the entry in the form at once (no navigation)
                      const select = document.getElementById('log-correctsId') as HTMLSelectElement | null
                      if (!select) return
                      event.preventDefault()
                      select.value = entry.id
                      const body = document.getElementById('log-body') as HTMLTextAreaElement | null
                      body?.scrollIntoView({ block: 'center' })
                      body?.focus()
                    }}
                  >
                    {t('log.correct')}
                  </Link>
                ) : null}
              </div>
            </li>
          )
        })}
      </ol>
      <p className="hint small">{t('log.appendOnly')}</p>
      {props.canAdd ? (
        <Form method="post" className="stack" id="log-form" data-testid="log-form" key={props.formKey} noValidate>
          <input type="hidden" name="intent" value="log" />
          <FormError error={errors.form} />
          <TextAreaField
            idPrefix="log"
            name="body"
            label={t('log.body')}
            error={errors.body}
            defaultValue={value('body') ?? ''}
            maxLength={incidentLimits.logBodyMax}
            rows={3}
            required
          />
          <div className="row">
            <InputField
              idPrefix="log"
              type="datetime-local"
              name="occurredAt"
              label={t('log.occurredAt')}
              error={errors.occurredAt}
              defaultValue={value('occurredAt') ?? props.nowLocal}
            />
            <SelectField
              idPrefix="log"
              name="correctsId"
              label={t('log.corrects')}
              error={errors.correctsId}
              defaultValue={value('correctsId') ?? props.corrects ?? ''}
            >
              <option value="">{t('log.correctsNone')}</option>
              {props.entries.map((e) => (
                <option key={e.id} value={e.id}>
                  {format.short(e.occurredAt)} · {e.body.length > 40 ? `${e.body.slice(0, 40)}…` : e.body}
                </option>
              ))}
            </SelectField>
          </div>
          <label className="checkbox">
            <input type="checkbox" name="significant" defaultChecked={value('significant') === 'on'} data-testid="log-significant" />
            {t('log.significant')}
          </label>
          <FieldError id="log-significant" name="significant" error={errors.significant} />
          <div>
            <button type="submit" className="btn btn-primary" data-testid="log-submit" disabled={props.submitting}>
              {t('log.add')}
            </button>
          </div>
        </Form>
      ) : null}
    </section>
  )
}
