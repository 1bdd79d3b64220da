// The tasks of an incident: list with status, assignee, due and a small update form each; and
// the form for a new task, whose place is picked by clicking the map (hidden input with a GeoJSON
// Point). Everything but picking the place works without JavaScript.
import './incidents.css'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { TaskRecord } from '#domain/incidents/serialize.ts'
import { incidentLimits, taskStatuses } from '#domain/incidents/schemas.ts'
import { FormError } from '~/components/app-shell'
import { TaskStatusBadge } from './badges'
import { InputField, SelectField, FieldError } from './form-controls'
import { useFormat } from './format'

export type StaffOption = { id: string; name: string }

export function TaskPanel(props: {
  tasks: TaskRecord[]
  staff: StaffOption[]
  canCreate: boolean
  canUpdate: boolean
  frozen: boolean
  nowIso: string
  errors?: Record<string, string>
  /** which form the errors belong to: 'task-create' or the id of the task updated */
  errorsFor?: string | null
  values?: Record<string, unknown>
  picking: boolean
  picked: [number, number] | null
  onTogglePicking: () => void
  submitting: boolean
  formKey: string
}) {
  const { t } = useTranslation('incidents')
  const format = useFormat()
  const createErrors = props.errorsFor === 'task-create' ? (props.errors ?? {}) : {}
  const value = (name: string) =>
    props.errorsFor === 'task-create' && typeof props.values?.[name] === 'string' ? (props.values[name] as string) : undefined

  return (
    <section className="section" aria-labelledby="tasks-heading" data-testid="tasks">
      <h2 id="tasks-heading">
        {t('tasks.heading')} <span className="count">{t('tasks.count', { count: props.tasks.length })}</span>
      </h2>
      {props.tasks.length === 0 ? <p className="muted">{t('tasks.empty')}</p> : null}
      <ul className="task-list">
        {props.tasks.map((task) => {
          const overdue = task.dueAt && task.dueAt < props.nowIso && (task.status === 'OPEN' || task.status === 'IN_PROGRESS')
          const errors = props.errorsFor === task.id ? (props.errors ?? {}) : {}
          return (
            <li key={task.id} data-testid="task-item" data-status={task.status}>
              <div className="task-head">
                <TaskStatusBadge status={task.status} />
                <span className="task-title">{task.title}</span>
              </div>
              <div className="small muted">
                {task.assigneeName ?? t('tasks.unassigned')}
                {task.dueAt ? (
                  <>
                    {' · '}
                    <span className={overdue ? 'overdue' : undefined}>
                      {t('tasks.due', { date: format.short(task.dueAt) })}
                      {overdue ? ` (${t('tasks.overdue')})` : ''}
                    </span>
                  </>
                ) : null}
                {task.location ? null : ` · ${t('tasks.noLocation')}`}
              </div>
              {props.canUpdate && !props.frozen ? (
                <Form method="post" className="task-update" preventScrollReset>
                  <input type="hidden" name="intent" value="task-update" />
                  <input type="hidden" name="taskId" value={task.id} />
                  <select name="status" defaultValue={task.status} aria-label={t('tasks.status')} data-testid="task-status-select">
                    {taskStatuses.map((s) => (
                      <option key={s} value={s}>
                        {t(`taskStatuses.${s}`)}
                      </option>
                    ))}
                  </select>
                  <select name="assigneeId" defaultValue={task.assigneeId ?? ''} aria-label={t('tasks.assignee')}>
                    <option value="">{t('tasks.unassigned')}</option>
                    {props.staff.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                  <button type="submit" className="btn btn-small" data-testid="task-update" disabled={props.submitting}>
                    {t('tasks.update')}
                  </button>
                  <FormError error={errors.form} />
                  <FieldError id={`task-${task.id}`} name="assigneeId" error={errors.assigneeId} />
                  <FieldError id={`task-${task.id}`} name="status" error={errors.status} />
                </Form>
              ) : null}
            </li>
          )
        })}
      </ul>
      {props.frozen ? <p className="hint small">{t('tasks.closedFrozen')}</p> : null}
      {props.canCreate && !props.frozen ? (
        <details className="panel" open={props.errorsFor === 'task-create' || props.picking || undefined}>
          <summary data-testid="task-add-toggle">{t('tasks.add')}</summary>
          <Form method="post" className="stack" data-testid="task-form" key={props.formKey} noValidate preventScrollReset>
            <input type="hidden" name="intent" value="task-create" />
            <FormError error={createErrors.form} />
            <InputField
              idPrefix="task"
              name="title"
              label={t('tasks.title')}
              error={createErrors.title}
              defaultValue={value('title') ?? ''}
              maxLength={incidentLimits.titleMax}
              required
              autoComplete="off"
            />
            <div className="row">
              <SelectField idPrefix="task" name="assigneeId" label={t('tasks.assignee')} error={createErrors.assigneeId} defaultValue={value('assigneeId') ?? ''}>
                <option value="">{t('tasks.unassigned')}</option>
                {props.staff.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </SelectField>
              <InputField
                idPrefix="task"
                type="datetime-local"
                name="dueAt"
                label={t('tasks.dueAt')}
                error={createErrors.dueAt}
                defaultValue={value('dueAt') ?? ''}
              />
            </div>
            <SelectField idPrefix="task" name="status" label={t('tasks.status')} error={createErrors.status} defaultValue={value('status') ?? 'OPEN'}>
              {taskStatuses.map((s) => (
                <option key={s} value={s}>
                  {t(`taskStatuses.${s}`)}
                </option>
              ))}
            </SelectField>
            <div className="field">
              <span className="label">{t('tasks.location')}</span>
              <input
                type="hidden"
                name="location"
                value={props.picked ? JSON.stringify({ type: 'Point', coordinates: props.picked }) : ''}
                data-testid="task-location-input"
              />
              <div className="row actions">
                <button
                  type="button"
                  className="btn btn-small"
                  aria-pressed={props.picking}
                  onClick={props.onTogglePicking}
                  data-testid="task-pick-location"
                >
                  {t(props.picking ? 'tasks.pickStop' : 'tasks.pick')}
                </button>
                <span className="small muted" data-testid="task-location-summary">
                  {props.picked ? t('tasks.picked') : t('tasks.noLocation')}
                </span>
              </div>
              <FieldError id="task-location" name="location" error={createErrors.location} />
            </div>
            <div>
              <button type="submit" className="btn btn-primary" data-testid="task-submit" disabled={props.submitting}>
                {t('tasks.add')}
              </button>
            </div>
          </Form>
        </details>
      ) : null}
    </section>
  )
}
