// The alert composer's form: status and message type (Update/Cancel name the alert they change),
// the channels it goes out on, what all languages share (category, urgency, severity, certainty,
// onset, expires), the texts per language (lv, en, ru) with the SMS text when SMS is chosen
// (counted live as it will be sent), and the area: named areas of the territory and/or an area
// drawn on the map with the name residents know it by. Errors (i18n keys) show next to their input.
// A channel this server cannot send on is disabled with the reason; the channels addressed by group
// show their groups with counts once ticked: paging groups (phones; 'phone', and audio gateways on
// 'mqtt'), device groups (devices, online; 'mqtt'), staff groups (members with a number; 'sms').
import './compose.css'
import { Form } from '@remix-run/react'
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import {
  capCategories,
  capCertainties,
  capSeverities,
  capUrgencies,
  composerChannels,
  composerLanguages,
  composerMsgTypes,
  composerStatuses,
  type ComposerValues,
} from '#domain/alerts/composer-fields.ts'
import { ComposeSmsField } from './compose-sms'
import { FormError } from '~/components/app-shell'
import { AreaSummary } from '~/components/incidents/incident-form'
import { FieldError, InputField, SelectField, TextAreaField } from '~/components/incidents/form-controls'
import type { DrawnArea } from '~/components/map/map-data'

/** The territory's groups the composer lists (domain/alerts/group-picks.ts ComposerGroups, serialised). */
export type ComposeGroups = {
  pagingGroups: { id: string; name: string; phones: number; enabled: boolean; audioGateway: boolean }[]
  deviceGroups: { id: string; name: string; devices: number; online: number; enabled: boolean }[]
  staffGroups: { id: string; name: string; members: number; reachable: number }[]
}

export type ComposeReferenceOption = { reference: string; headline: string; areaName: string; status: string }

/** What the SMS counter needs to count the link the default text carries (null: no link is sent). */
export type ComposeSmsLink = { baseUrl: string | null; identifier: string }

// the inputs the SMS counter follows while the operator types
const followed = (name: string) => name === 'status' || /^(lv|en|ru)\.(event|headline|instruction|sms)$/.test(name)

export function ComposeForm(props: {
  values: ComposerValues
  errors?: Record<string, string>
  namedAreas: { id: string; name: string }[]
  referenceable: ComposeReferenceOption[]
  mayIssueReal: boolean
  drawn: DrawnArea | null
  submitting: boolean
  submitLabel: string
  /** hidden intent (the draft page's action has several) */
  intent?: string
  smsLink: ComposeSmsLink
  groups: ComposeGroups
  /** the channels this server can send on (domain/runtime.ts configuredChannels) */
  configured: string[]
}) {
  const { t } = useTranslation('alerts')
  const { values, errors = {} } = props
  const statuses = props.mayIssueReal ? composerStatuses : (['Exercise'] as const)
  const [live, setLive] = useState<Record<string, string>>(() => ({ ...(values as Record<string, string>), status: values.status ?? statuses[0] }))
  const configured = new Set(props.configured)
  const [channels, setChannels] = useState(() => new Set((values.channels ?? []).filter((c) => configured.has(c))))
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const target = event.target as HTMLInputElement
    if (target.name === 'channels') setChannels(new Set(new FormData(event.currentTarget).getAll('channels').map(String)))
    else if (followed(target.name)) setLive((l) => ({ ...l, [target.name]: target.value }))
  }
  const selectedRefs = new Set(values.references ?? [])
  const selectedAreas = new Set(values.namedAreaIds ?? [])
  const categories = new Set(values.category ?? [])
  return (
    <Form method="post" className="stack compose-form" data-testid="compose-form" noValidate onChange={onChange}>
      {props.intent ? <input type="hidden" name="intent" value={props.intent} /> : null}
      {values.templateId ? <input type="hidden" name="templateId" value={values.templateId} /> : null}
      <FormError error={errors.form} />
      <div className="row">
        <SelectField name="status" label={t('compose.fields.status')} error={errors.status} defaultValue={values.status ?? statuses[0]}>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`compose.status.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField name="msgType" label={t('compose.fields.msgType')} error={errors.msgType} defaultValue={values.msgType ?? 'Alert'}>
          {composerMsgTypes.map((m) => (
            <option key={m} value={m}>
              {t(`compose.msgType.${m}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="field">
        <label htmlFor="field-references">{t('compose.fields.references')}</label>
        <select
          id="field-references"
          name="references"
          multiple
          size={Math.max(2, Math.min(5, props.referenceable.length + selectedRefs.size))}
          defaultValue={[...selectedRefs]}
          aria-invalid={errors.references ? true : undefined}
          aria-describedby={errors.references ? 'field-references-error' : 'field-references-hint'}
        >
          {props.referenceable.map((r) => (
            <option key={r.reference} value={r.reference}>
              {`${r.headline} — ${r.areaName} (${t(`compose.status.${r.status}`, { defaultValue: r.status })})`}
            </option>
          ))}
          {[...selectedRefs]
            .filter((ref) => !props.referenceable.some((r) => r.reference === ref))
            .map((ref) => (
              <option key={ref} value={ref}>
                {ref.split(',')[1] ?? ref}
              </option>
            ))}
        </select>
        <div className="hint" id="field-references-hint">
          {props.referenceable.length ? t('compose.hints.references') : t('compose.hints.noReferences')}
        </div>
        <FieldError id="field-references" name="references" error={errors.references} />
      </div>

      <fieldset data-testid="compose-channels">
        <legend>{t('compose.sections.channels')}</legend>
        <div className="check-grid" role="group" aria-label={t('compose.sections.channels')} aria-describedby={errors.channels ? 'field-channels-error' : undefined}>
          {composerChannels.map((c) => (
            <label key={c.name} className={configured.has(c.name) ? undefined : 'muted'}>
              <input
                type="checkbox"
                name="channels"
                value={c.name}
                defaultChecked={channels.has(c.name)}
                disabled={!configured.has(c.name)}
                aria-describedby={configured.has(c.name) ? undefined : `channel-${c.name}-unconfigured`}
                data-testid={`channel-${c.name}`}
              />
              {t(c.labelKey)}
              {configured.has(c.name) ? null : (
                <span className="hint" id={`channel-${c.name}-unconfigured`} data-testid={`channel-unconfigured-${c.name}`}>
                  {' — '}
                  {t(`compose.unconfigured.${c.name}`, { defaultValue: t('compose.unconfigured.default') })}
                </span>
              )}
            </label>
          ))}
        </div>
        <FieldError id="field-channels" name="channels" error={errors.channels} />
        {channels.has('phone') || channels.has('mqtt') || errors.pagingGroupIds ? (
          <GroupChecks
            name="pagingGroupIds"
            label={t('compose.groups.paging')}
            empty={t('compose.groups.none')}
            error={errors.pagingGroupIds}
            picked={values.pagingGroupIds}
            items={props.groups.pagingGroups.map((g) => ({
              id: g.id,
              name: g.name,
              enabled: g.enabled,
              count: t('compose.groups.phones', { count: g.phones }) + (g.audioGateway ? ` · ${t('compose.groups.gateway')}` : ''),
            }))}
          />
        ) : null}
        {channels.has('mqtt') || errors.deviceGroupIds ? (
          <GroupChecks
            name="deviceGroupIds"
            label={t('compose.groups.device')}
            empty={t('compose.groups.none')}
            error={errors.deviceGroupIds}
            picked={values.deviceGroupIds}
            items={props.groups.deviceGroups.map((g) => ({ id: g.id, name: g.name, enabled: g.enabled, count: t('compose.groups.devices', { count: g.devices, online: g.online }) }))}
          />
        ) : null}
        {channels.has('sms') || errors.staffGroupIds ? (
          <GroupChecks
            name="staffGroupIds"
            label={t('compose.groups.staff')}
            empty={t('compose.groups.none')}
            error={errors.staffGroupIds}
            picked={values.staffGroupIds}
            items={props.groups.staffGroups.map((g) => ({ id: g.id, name: g.name, enabled: true, count: t('compose.groups.members', { count: g.members, reachable: g.reachable }) }))}
          />
        ) : null}
      </fieldset>

      <fieldset>
        <legend>{t('compose.sections.common')}</legend>
        <div className="field">
          <label htmlFor="field-category">{t('compose.fields.category')}</label>
          <select
            id="field-category"
            name="category"
            multiple
            defaultValue={[...categories]}
            aria-invalid={errors.category ? true : undefined}
            aria-describedby={errors.category ? 'field-category-error' : undefined}
          >
            {capCategories.map((c) => (
              <option key={c} value={c}>
                {t(`compose.category.${c}`)}
              </option>
            ))}
          </select>
          <FieldError id="field-category" name="category" error={errors.category} />
        </div>
        <div className="row">
          <SelectField name="severity" label={t('compose.fields.severity')} error={errors.severity} defaultValue={values.severity ?? ''}>
            <option value="">—</option>
            {capSeverities.map((v) => (
              <option key={v} value={v}>
                {t(`compose.severity.${v}`)}
              </option>
            ))}
          </SelectField>
          <SelectField name="urgency" label={t('compose.fields.urgency')} error={errors.urgency} defaultValue={values.urgency ?? ''}>
            <option value="">—</option>
            {capUrgencies.map((v) => (
              <option key={v} value={v}>
                {t(`compose.urgency.${v}`)}
              </option>
            ))}
          </SelectField>
          <SelectField name="certainty" label={t('compose.fields.certainty')} error={errors.certainty} defaultValue={values.certainty ?? ''}>
            <option value="">—</option>
            {capCertainties.map((v) => (
              <option key={v} value={v}>
                {t(`compose.certainty.${v}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="row">
          <InputField name="onset" type="datetime-local" label={t('compose.fields.onset')} error={errors.onset} defaultValue={values.onset ?? ''} />
          <InputField name="expires" type="datetime-local" label={t('compose.fields.expires')} error={errors.expires} defaultValue={values.expires ?? ''} />
        </div>
        {(values.responseType ?? []).map((r) => (
          <input key={r} type="hidden" name="responseType" value={r} />
        ))}
      </fieldset>

      {composerLanguages.map((language) => (
        <fieldset key={language} data-testid={`compose-language-${language}`}>
          <legend>
            <span className="lang-tag">{language}</span>
            {t(`compose.languages.${language}`)}
          </legend>
          {language !== 'lv' ? <div className="hint">{t('compose.hints.optionalLanguage')}</div> : null}
          <InputField
            name={`${language}.event`}
            label={t('compose.fields.event')}
            error={errors[`${language}.event`]}
            defaultValue={values[`${language}.event`] ?? ''}
            maxLength={200}
            lang={language}
          />
          <InputField
            name={`${language}.headline`}
            label={t('compose.fields.headline')}
            error={errors[`${language}.headline`]}
            defaultValue={values[`${language}.headline`] ?? ''}
            maxLength={160}
            lang={language}
          />
          <TextAreaField
            name={`${language}.description`}
            label={t('compose.fields.description')}
            error={errors[`${language}.description`]}
            defaultValue={values[`${language}.description`] ?? ''}
            rows={3}
            maxLength={8000}
            lang={language}
          />
          <TextAreaField
            name={`${language}.instruction`}
            label={t('compose.fields.instruction')}
            error={errors[`${language}.instruction`]}
            defaultValue={values[`${language}.instruction`] ?? ''}
            rows={2}
            maxLength={4000}
            lang={language}
          />
          <ComposeSmsField
            language={language}
            status={live.status ?? ''}
            headline={live[`${language}.headline`] ?? ''}
            event={live[`${language}.event`] ?? ''}
            instruction={live[`${language}.instruction`] ?? ''}
            defaultValue={values[`${language}.sms`] ?? ''}
            text={live[`${language}.sms`] ?? ''}
            error={errors[`${language}.sms`]}
            linkBase={props.smsLink.baseUrl}
            identifier={props.smsLink.identifier}
            hidden={!channels.has('sms') && !errors[`${language}.sms`]}
          />
        </fieldset>
      ))}

      <fieldset data-testid="compose-area">
        <legend>{t('compose.sections.area')}</legend>
        <div className="field">
          <span className="label">{t('compose.fields.namedAreas')}</span>
          <div className="check-grid" role="group" aria-label={t('compose.fields.namedAreas')}>
            {props.namedAreas.map((a) => (
              <label key={a.id}>
                <input type="checkbox" name="namedAreaIds" value={a.id} defaultChecked={selectedAreas.has(a.id)} data-testid="named-area" />
                {a.name}
              </label>
            ))}
          </div>
          <FieldError id="field-namedAreaIds" name="namedAreaIds" error={errors.namedAreaIds} />
        </div>
        <div className="field" data-testid="area-field">
          <span className="label">{t('compose.fields.drawnArea')}</span>
          <input type="hidden" name="area" value={props.drawn ? JSON.stringify(props.drawn) : ''} data-testid="area-input" />
          <div data-testid="area-summary">
            <AreaSummary area={props.drawn} />
          </div>
          <div className="hint">{t('compose.hints.drawArea')}</div>
          <FieldError id="field-area" name="area" error={errors.area} />
        </div>
        <InputField
          name="areaLabel"
          label={t('compose.fields.areaLabel')}
          hint={t('compose.hints.areaLabel')}
          error={errors.areaLabel}
          defaultValue={values.areaLabel ?? ''}
          maxLength={200}
          autoComplete="off"
        />
      </fieldset>

      <div className="row actions">
        <button type="submit" className="btn btn-primary" data-testid="compose-submit" disabled={props.submitting}>
          {props.submitLabel}
        </button>
      </div>
    </Form>
  )
}

/** One list of groups to pick, each with its count (a disabled group is shown, not pickable). */
function GroupChecks(props: { name: string; label: string; empty: string; error?: string; picked?: string[]; items: { id: string; name: string; enabled: boolean; count: string }[] }) {
  const picked = new Set(props.picked ?? [])
  return (
    <div className="field" data-testid={`picks-${props.name}`}>
      <span className="label">{props.label}</span>
      {props.items.length === 0 ? <div className="hint">{props.empty}</div> : null}
      <div className="check-grid" role="group" aria-label={props.label} aria-describedby={props.error ? `field-${props.name}-error` : undefined}>
        {props.items.map((g) => (
          <label key={g.id} className={g.enabled ? undefined : 'muted'}>
            <input type="checkbox" name={props.name} value={g.id} defaultChecked={picked.has(g.id)} disabled={!g.enabled} data-testid={`pick-${props.name}`} data-name={g.name} />
            {g.name} <small className="muted">({g.count})</small>
          </label>
        ))}
      </div>
      <FieldError id={`field-${props.name}`} name={props.name} error={props.error} />
    </div>
  )
}

const asArray = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as string[]

/** Submitted values (formToObject: one checked box is a string) in the form's shape. */
export function submittedValues(values: Record<string, unknown>): ComposerValues {
  return {
    ...values,
    references: asArray(values.references),
    category: asArray(values.category),
    responseType: asArray(values.responseType),
    namedAreaIds: asArray(values.namedAreaIds),
    channels: asArray(values.channels),
    pagingGroupIds: asArray(values.pagingGroupIds),
    deviceGroupIds: asArray(values.deviceGroupIds),
    staffGroupIds: asArray(values.staffGroupIds),
  } as ComposerValues
}

/** The drawn area the form carries (JSON), for the map's initial state. */
export function parseDrawn(value: string | undefined): DrawnArea | null {
  if (!value) return null
  try {
    return JSON.parse(value) as DrawnArea
  } catch {
    return null
  }
}
