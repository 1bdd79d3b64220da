// Every message key the incidents domain can answer with exists in lv, en and ru, and the three
// incidents.json files have the same keys (plural forms aside).
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { geoErrors } from '#domain/geo/types.ts'
import { logEntryErrors } from './add-log-entry.ts'
import { incidentErrors, incidentSeverities, incidentStatuses, incidentTypes, taskStatuses } from './schemas.ts'

const languages = ['lv', 'en', 'ru'] as const
const load = (lng: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../public/locales/${lng}/incidents.json`), 'utf8'))

function flatten(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k))
}
const pluralSuffix = /_(zero|one|two|few|many|other)$/
const has = (keys: Set<string>, key: string) => keys.has(key) || keys.has(`${key}_other`)

describe('incidents translations', () => {
  const files = Object.fromEntries(languages.map((l) => [l, new Set(flatten(load(l)))]))

  it('have the same keys in every language (plural suffixes aside)', () => {
    const base = (keys: Set<string>) => new Set([...keys].map((k) => k.replace(pluralSuffix, '')))
    const en = base(files.en)
    for (const lng of languages) expect([...base(files[lng])].sort(), lng).toEqual([...en].sort())
  })

  it('have the plural forms each language needs', () => {
    const plurals = [...files.en].filter((k) => k.endsWith('_other')).map((k) => k.replace(pluralSuffix, ''))
    expect(plurals.length).toBeGreaterThan(3)
    const need = { lv: ['zero', 'one', 'other'], en: ['one', 'other'], ru: ['one', 'few', 'many', 'other'] }
    for (const lng of languages) {
      for (const key of plurals) for (const form of need[lng]) expect(files[lng].has(`${key}_${form}`), `${lng} ${key}_${form}`).toBe(true)
    }
  })

  it('contain every error key the domain uses and every enum value', () => {
    const keys = [
      ...Object.values(geoErrors),
      ...Object.values(incidentErrors),
      ...Object.values(logEntryErrors),
      'incidents:errors.closed',
      'incidents:errors.notClosed',
      'incidents:errors.noTerritory',
      ...incidentTypes.map((v) => `incidents:types.${v}`),
      ...incidentSeverities.map((v) => `incidents:severities.${v}`),
      ...incidentStatuses.map((v) => `incidents:statuses.${v}`),
      ...taskStatuses.map((v) => `incidents:taskStatuses.${v}`),
    ]
    for (const lng of languages) {
      for (const key of keys) expect(has(files[lng], key.replace(/^incidents:/, '')), `${lng}: ${key}`).toBe(true)
    }
  })

  it('are real translations, not copies of English', () => {
    const en = load('en')
    for (const lng of ['lv', 'ru']) {
      const other = load(lng)
      expect(other.errors.areaSelfIntersecting).not.toBe(en.errors.areaSelfIntersecting)
      expect(other.types.FLOOD).not.toBe(en.types.FLOOD)
    }
  })
})
