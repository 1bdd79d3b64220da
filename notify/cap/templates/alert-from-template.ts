// Fills a template into an alert input (the shape validateAlert takes) in the chosen languages.
// The composer shows the result for editing; nothing here is validated against the territory yet.
import { AppError } from '#domain/errors.ts'
import { formatCapTime } from '../cap-time.ts'
import {
  appLanguages,
  capErrors,
  capLanguageTags,
  capTimeZone,
  type AppLanguage,
  type CapReference,
  type CapStatus,
  type CapValuePair,
} from '../types.ts'
import { alertTemplates, metPhenomena, type AlertTemplateId, type MetPhenomenon } from './alert-templates.ts'

export type TemplateArea = { areaDesc: string; polygon?: string[]; circle?: string[]; geocode?: CapValuePair[] }

export type AlertFromTemplateOptions = {
  templateId: AlertTemplateId
  identifier: string
  sender: string
  sent: Date
  /** default: sent + the template's default duration */
  expires?: Date
  status: CapStatus
  /** the name of the whole area, as residents know it (fills {{area}}) */
  areaName: string
  areas: TemplateArea[]
  /** meteorological warnings */
  phenomenon?: MetPhenomenon
  /** shelter open: its name and address */
  shelter?: string
  /** the alert an all-clear or update refers to */
  references?: CapReference[]
  senderName?: string
  web?: string
  languages?: AppLanguage[]
}

/**
 * {{until}} in the reader's language, Riga time: "23.11.2026 plkst. 12:00" (Latvian: "līdz" with a
 * month name would need the dative), "23 November at 12:00", "23 ноября в 12:00".
 */
export function formatUntil(instant: Date, language: AppLanguage): string {
  if (language === 'lv') {
    const parts: Record<string, string> = {}
    const format = new Intl.DateTimeFormat('lv-LV', {
      timeZone: capTimeZone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    for (const p of format.formatToParts(instant)) parts[p.type] = p.value
    return `${parts.day}.${parts.month}.${parts.year} plkst. ${parts.hour}:${parts.minute}`
  }
  return new Intl.DateTimeFormat(capLanguageTags[language], {
    timeZone: capTimeZone,
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant)
}

const fill = (text: string, values: Record<string, string>) => text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '')

export function alertFromTemplate(options: AlertFromTemplateOptions): Record<string, unknown> {
  const template = alertTemplates[options.templateId]
  if (!template) throw new AppError('INVALID_INPUT', 'Unknown template', { fields: { templateId: capErrors.unknownValue } })
  const missing: Record<string, string> = {}
  if (template.needs.includes('phenomenon') && !(options.phenomenon && options.phenomenon in metPhenomena)) {
    missing.phenomenon = capErrors.required
  }
  if (template.needs.includes('shelter') && !options.shelter?.trim()) missing.shelter = capErrors.required
  if (template.msgType === 'Update' && !options.references?.length) missing.references = capErrors.referencesRequired
  if (Object.keys(missing).length) throw new AppError('INVALID_INPUT', 'Template values missing', { fields: missing })

  const expires = options.expires ?? new Date(options.sent.getTime() + template.defaultHours * 3600_000)
  const languages = options.languages ?? [...appLanguages]
  const phenomenon = options.phenomenon ? metPhenomena[options.phenomenon] : undefined
  const parameter: CapValuePair[] = []
  if (template.awarenessLevel && phenomenon) {
    parameter.push({ valueName: 'awareness_level', value: template.awarenessLevel })
    parameter.push({ valueName: 'awareness_type', value: phenomenon.awarenessType })
  }

  return {
    identifier: options.identifier,
    sender: options.sender,
    sent: formatCapTime(options.sent),
    status: options.status,
    msgType: template.msgType,
    scope: 'Public',
    references: options.references ?? [],
    info: languages.map((language) => {
      const texts = template.texts[language]
      const values = {
        area: options.areaName,
        until: formatUntil(expires, language),
        phenomenon: phenomenon?.[language] ?? '',
        shelter: options.shelter?.trim() ?? '',
      }
      return {
        language: capLanguageTags[language],
        category: template.category,
        event: texts.event,
        responseType: template.responseType,
        urgency: template.urgency,
        severity: template.severity,
        certainty: template.certainty,
        expires: formatCapTime(expires),
        senderName: options.senderName,
        headline: fill(texts.headline, values),
        description: fill(texts.description, values),
        instruction: fill(texts.instruction, values),
        web: options.web,
        parameter,
        area: options.areas,
      }
    }),
  }
}
