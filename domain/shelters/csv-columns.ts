// The registry's CSV columns: the field each one fills and its header in lv, en and ru. Export
// writes the headers of the file's language; import recognises a header in any of the three (or
// the field name), so a file exported in one language imports in another. `status` and
// `occupancy` are exported for reading and ignored on import.
import type { ShelterInput } from './schemas.ts'

export type CsvColumn = { field: keyof ShelterInput; lv: string; en: string; ru: string; required: boolean }

export const csvColumns: CsvColumn[] = [
  { field: 'code', lv: 'Kods', en: 'Code', ru: 'Код', required: true },
  { field: 'name', lv: 'Nosaukums', en: 'Name', ru: 'Название', required: true },
  { field: 'kind', lv: 'Veids', en: 'Kind', ru: 'Тип', required: true },
  { field: 'address', lv: 'Adrese', en: 'Address', ru: 'Адрес', required: true },
  { field: 'lat', lv: 'Platums', en: 'Latitude', ru: 'Широта', required: true },
  { field: 'lng', lv: 'Garums', en: 'Longitude', ru: 'Долгота', required: true },
  { field: 'capacityDay', lv: 'Vietas dienā', en: 'Capacity day', ru: 'Мест днём', required: true },
  { field: 'capacityNight', lv: 'Vietas naktī', en: 'Capacity night', ru: 'Мест ночью', required: true },
  { field: 'stepFree', lv: 'Bez pakāpieniem', en: 'Step-free', ru: 'Без ступеней', required: false },
  { field: 'accessibleToilet', lv: 'Pielāgota tualete', en: 'Accessible toilet', ru: 'Доступный туалет', required: false },
  { field: 'petsAllowed', lv: 'Mājdzīvnieki atļauti', en: 'Pets allowed', ru: 'Можно с животными', required: false },
  { field: 'powerBackup', lv: 'Rezerves elektroapgāde', en: 'Power backup', ru: 'Резервное питание', required: false },
  { field: 'water', lv: 'Ūdens', en: 'Water', ru: 'Вода', required: false },
  { field: 'heating', lv: 'Apkure', en: 'Heating', ru: 'Отопление', required: false },
  { field: 'beds', lv: 'Gultas', en: 'Beds', ru: 'Кровати', required: false },
  { field: 'firstAid', lv: 'Pirmā palīdzība', en: 'First aid', ru: 'Первая помощь', required: false },
  { field: 'responsibleName', lv: 'Atbildīgā persona', en: 'Responsible person', ru: 'Ответственное лицо', required: false },
  { field: 'responsiblePhone', lv: 'Tālrunis', en: 'Phone', ru: 'Телефон', required: false },
  { field: 'responsibleEmail', lv: 'E-pasts', en: 'Email', ru: 'Эл. почта', required: false },
  { field: 'openingProcedure', lv: 'Atvēršanas kārtība', en: 'Opening procedure', ru: 'Порядок открытия', required: false },
]

export const readOnlyColumns = [
  { key: 'status', lv: 'Statuss', en: 'Status', ru: 'Статус' },
  { key: 'occupancy', lv: 'Cilvēku skaits', en: 'People inside', ru: 'Людей внутри' },
] as const

const normalise = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')

/** The field a header cell names, 'ignore' for a read-only column, or null when unknown. */
export function columnForHeader(header: string): CsvColumn | 'ignore' | null {
  const h = normalise(header)
  for (const c of csvColumns) if ([c.field, c.lv, c.en, c.ru].some((name) => normalise(name) === h)) return c
  for (const c of readOnlyColumns) if ([c.key, c.lv, c.en, c.ru].some((name) => normalise(name) === h)) return 'ignore'
  return null
}
