import { describe, expect, it } from 'vitest'
import { AppError } from '#domain/errors.ts'
import { jelgavaTerritory } from '../cap-arbitraries.ts'
import { capSchemaErrors } from '../cap-schema.test-support.ts'
import { toXml } from '../to-xml.ts'
import { capErrors, type CapAlert } from '../types.ts'
import { validateAlert } from '../validate-alert.ts'
import { alertFromTemplate, formatUntil } from './alert-from-template.ts'
import { alertTemplateIds, alertTemplates, metPhenomena, type MetPhenomenon } from './alert-templates.ts'

const boundary = jelgavaTerritory.boundary
const sent = new Date('2026-11-22T10:00:00Z')
const areas = [{ areaDesc: 'Pasta sala', polygon: ['56.65,23.72 56.655,23.73 56.645,23.735 56.65,23.72'] }]
const original = { sender: 'sargs@jelgava.lv', identifier: 'JLG-1', sent: '2026-11-22T11:00:00+02:00' }

function fromTemplate(templateId: (typeof alertTemplateIds)[number], phenomenon: MetPhenomenon = 'wind'): CapAlert {
  return validateAlert({
    boundary,
    input: alertFromTemplate({
      templateId,
      identifier: `JLG-${templateId}-${phenomenon}`,
      sender: 'sargs@jelgava.lv',
      sent,
      status: 'Actual',
      areaName: 'Pasta sala',
      areas,
      phenomenon,
      shelter: 'Jelgavas Spīdolas Valsts ģimnāzija, Akadēmijas iela 2',
      references: [original],
    }),
  })
}

describe('alert templates', () => {
  it('every template (and every weather phenomenon) gives a valid alert in lv, en and ru that validates against the CAP schema', async () => {
    const alerts = [
      ...alertTemplateIds.map((id) => fromTemplate(id)),
      ...(Object.keys(metPhenomena) as MetPhenomenon[]).map((p) => fromTemplate('met-orange', p)),
    ]
    for (const alert of alerts) {
      expect(alert.info.map((i) => i.language)).toEqual(['lv-LV', 'en-GB', 'ru-RU'])
      for (const info of alert.info) {
        for (const text of [info.headline, info.description, info.instruction]) {
          expect(text).toBeTruthy()
          expect(text).not.toContain('{{')
        }
      }
      expect(new Set(alert.info.map((i) => i.headline)).size).toBe(3)
    }
    expect((await capSchemaErrors(alerts.map(toXml))).flat()).toEqual([])
  })

  it('fills area, expiry in each language, phenomenon and MeteoAlarm awareness parameters', () => {
    const red = fromTemplate('met-red', 'snow-ice')
    const [lv, en, ru] = red.info
    expect(lv.headline).toBe('Sarkanais brīdinājums: sniegs un apledojums — Pasta sala')
    expect(en.headline).toBe('Red warning: snow and ice — Pasta sala')
    expect(ru.headline).toBe('Красное предупреждение: снег и гололёд — Pasta sala')
    expect(lv.severity).toBe('Extreme')
    expect(lv.expires).toBe('2026-11-23T12:00:00+02:00')
    expect(lv.description).toContain(`līdz ${formatUntil(new Date('2026-11-23T10:00:00Z'), 'lv')}.`)
    expect(formatUntil(new Date('2026-11-23T10:00:00Z'), 'en')).toMatch(/23 November.*12:00/)
    expect(formatUntil(new Date('2026-11-23T10:00:00Z'), 'lv')).toBe('23.11.2026 plkst. 12:00')
    expect(formatUntil(new Date('2026-07-01T21:05:00Z'), 'lv')).toBe('02.07.2026 plkst. 00:05')
    expect(formatUntil(new Date('2026-11-23T10:00:00Z'), 'ru')).toMatch(/23 ноября.*12:00/)
    expect(lv.parameter).toEqual([
      { valueName: 'awareness_level', value: '4; red; Extreme' },
      { valueName: 'awareness_type', value: '2; snow-ice' },
    ])
    expect(fromTemplate('flood').info[0].parameter).toEqual([])
  })

  it('an all-clear is an Update referring to the original', () => {
    const allClear = fromTemplate('all-clear')
    expect(allClear.msgType).toBe('Update')
    expect(allClear.references).toEqual([original])
    expect(allClear.info[0].responseType).toEqual(['AllClear'])
    expect(alertTemplates['all-clear'].urgency).toBe('Past')
  })

  it('asks for what the template needs', () => {
    const base = { identifier: 'X', sender: 's@x.lv', sent, status: 'Actual' as const, areaName: 'Jelgava', areas }
    const fields = (f: () => unknown) => {
      try {
        f()
      } catch (error) {
        if (error instanceof AppError) return error.fields
        throw error
      }
      return null
    }
    expect(fields(() => alertFromTemplate({ ...base, templateId: 'met-yellow' }))).toEqual({ phenomenon: capErrors.required })
    expect(fields(() => alertFromTemplate({ ...base, templateId: 'shelter-open', shelter: '  ' }))).toEqual({ shelter: capErrors.required })
    expect(fields(() => alertFromTemplate({ ...base, templateId: 'all-clear' }))).toEqual({ references: capErrors.referencesRequired })
    const lvOnly = alertFromTemplate({ ...base, templateId: 'storm', languages: ['lv'] }) as { info: unknown[] }
    expect(lvOnly.info).toHaveLength(1)
  })
})
